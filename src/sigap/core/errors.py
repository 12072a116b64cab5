"""Domain errors: what a service raises when a business rule says no.

Each carries a stable `code`, a readable message and, for input problems, the
fields at fault. The API turns them into `{"error", "message", "fields"}` with
the HTTP status named here.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"
