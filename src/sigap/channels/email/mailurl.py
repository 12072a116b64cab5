"""Reading the mail server URLs (`SIGAP_SMTP_URL`, `SIGAP_IMAP_URL`): the parts both
kinds share, with errors that name the variable and never show the password."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, urlsplit

from sigap.core.env import ConfigError

_TRUE = {"", "1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_PASSWORD = re.compile(r"(//[^/@:]*:)[^@/]*@")


def masked(url: str) -> str:
    """`url` with its password hidden, for error messages and logs."""
    return _PASSWORD.sub(r"\1********@", url)


class MailUrl:
    """A split URL, its query options, and `bad(reason)` for the error to raise."""

    def __init__(self, url: str, *, variable: str, schemes: tuple[str, ...], options: set[str]):
        self.url = url.strip()
        self.variable = variable
        try:
            self.parts: SplitResult = urlsplit(self.url)
            self.port = self.parts.port
        except ValueError as exc:
            raise self.bad(str(exc)) from None
        self.scheme = self.parts.scheme.lower()
        if self.scheme not in schemes:
            raise self.bad(f"it must start with {' or '.join(f'{s}://' for s in schemes)}")
        if not self.parts.hostname:
            raise self.bad("it names no host")
        self.options = parse_qs(self.parts.query, keep_blank_values=True)
        unknown = sorted(set(self.options) - options)
        if unknown:
            raise self.bad(
                f"unknown option {', '.join(unknown)}; known: {', '.join(sorted(options))}"
            )

    def bad(self, reason: str) -> ConfigError:
        return ConfigError(f"{self.variable}={masked(self.url)!r} is not usable: {reason}")

    def flag(self, name: str) -> bool:
        """`?name` or `?name=true|false`; absent is False."""
        if name not in self.options:
            return False
        value = self.options[name][-1].strip().lower()
        if value not in _TRUE | _FALSE:
            raise self.bad(f"{name}={value!r} is not a boolean")
        return value in _TRUE

    def seconds(self, default: float) -> float:
        """`?timeout=SECONDS`, above 0."""
        if "timeout" not in self.options:
            return default
        try:
            timeout = float(self.options["timeout"][-1])
        except ValueError:
            timeout = 0
        if not timeout > 0:
            raise self.bad("timeout must be a number of seconds above 0")
        return timeout

    def option(self, name: str) -> str:
        return self.options.get(name, [""])[-1].strip()
