"""The few Graph API calls Sigap makes, over the standard library's HTTP client.

- `POST {base}/{phone-number-id}/messages`: send a text or a template message;
- `GET {base}/{media-id}`: a received file's metadata and short-lived download URL;
- `GET <that url>`: the file itself, with the same bearer token.

Every failure is a `GraphError` that says whether trying again later can help
(a timeout, a 5xx, a rate limit) or not (a bad number, an expired token).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

API_TIMEOUT = 15.0  # seconds, for a JSON call
DOWNLOAD_TIMEOUT = 60.0  # seconds, for a media file
# WhatsApp's own ceiling for any media file (documents: 100 MB); anything longer is
# not a WhatsApp file, and reading it whole would only fill the worker's memory.
MEDIA_MAX_BYTES = 100 * 1024 * 1024

# Graph error codes that mean "not now" rather than "never" (Meta's error code
# reference): unknown/temporary errors, throttling, spam rate limits, service down.
RETRYABLE_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004})
REENGAGEMENT = 131047  # more than 24 hours since the customer last wrote


class GraphError(Exception):
    def __init__(
        self, message: str, *, retry: bool, status: int | None = None, code: int | None = None
    ):
        super().__init__(message)
        self.retry = retry
        self.status = status
        self.code = code


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    content_type: str


def configured() -> bool:
    return bool(settings.SIGAP_WHATSAPP_ACCESS_TOKEN and settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID)


def _url(path: str) -> str:
    return f"{settings.SIGAP_WHATSAPP_API_BASE.rstrip('/')}/{path.lstrip('/')}"


def _request(
    method: str, url: str, *, payload: dict[str, Any] | None, timeout: float, limit: int
) -> tuple[bytes, str]:
    token = str(settings.SIGAP_WHATSAPP_ACCESS_TOKEN)
    if not token:
        raise GraphError("SIGAP_WHATSAPP_ACCESS_TOKEN is not set", retry=False)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise GraphError(f"{url} answered more than {limit} bytes", retry=False)
            return body, response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise _http_error(exc) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise GraphError(f"the Graph API cannot be reached: {reason}", retry=True) from None


def _http_error(exc: urllib.error.HTTPError) -> GraphError:
    """Graph answers errors as {"error": {"message", "code", "error_data": {"details"}}}."""
    status = exc.code
    try:
        error = json.loads(exc.read(65536) or b"{}").get("error") or {}
    except (ValueError, AttributeError, OSError):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = str(error.get("message") or f"HTTP {status}")
    details = (error.get("error_data") or {}).get("details") if isinstance(error, dict) else None
    if details and details not in message:
        message = f"{message}: {details}"
    if code is not None:
        message = f"({code}) {message}"
    retry = status >= 500 or status == 429 or code in RETRYABLE_CODES
    return GraphError(f"HTTP {status} {message}", retry=retry, status=status, code=code)


def message_post(payload: dict[str, Any]) -> str:
    """Send one message; returns the id WhatsApp gave it (`wamid...`)."""
    url = _url(f"{settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID}/messages")
    body, _type = _request("POST", url, payload=payload, timeout=API_TIMEOUT, limit=65536)
    try:
        return str(json.loads(body)["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise GraphError(
            f"the Graph API answered without a message id: {body[:200]!r}", retry=False
        ) from None


def media_get(media_id: str) -> MediaFile:
    """A received file: its URL from the media id, then the file from that URL."""
    body, _type = _request("GET", _url(media_id), payload=None, timeout=API_TIMEOUT, limit=65536)
    try:
        info = json.loads(body)
        url = str(info["url"])
    except (ValueError, KeyError, TypeError):
        raise GraphError(
            f"media {media_id}: no download URL in {body[:200]!r}", retry=False
        ) from None
    if not url.startswith(("https://", "http://")):
        # urllib would open file:// too; the bearer token goes only to a web address.
        raise GraphError(f"media {media_id}: {url[:100]!r} is not a web address", retry=False)
    content, content_type = _request(
        "GET", url, payload=None, timeout=DOWNLOAD_TIMEOUT, limit=MEDIA_MAX_BYTES
    )
    return MediaFile(content=content, content_type=str(info.get("mime_type") or content_type))
