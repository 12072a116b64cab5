"""Storing the files a timeline entry carries, under a size limit, with safe names."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from sigap.core import clock
from sigap.tickets.models import Attachment, Entry, Ticket

_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class AttachmentIn:
    filename: str
    content_type: str
    content: bytes


def safe_filename(name: str, default: str = "attachment") -> str:
    """A file name with no path, no control or shell characters, at most 120 characters,
    keeping its extension: `../../etc/passwd` -> `passwd`, `a<b>.pdf` -> `a_b_.pdf`."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/")
    name = PurePosixPath(name).name.strip().lstrip(".")
    name = _UNSAFE.sub("_", name).strip(" _")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10 and stem:
        return f"{stem[: 119 - len(ext)]}.{ext}"
    return name[:120]


def attachment_store(*, ticket: Ticket, entry: Entry | None, item: AttachmentIn) -> Attachment:
    """Store `item` on the ticket; one over `SIGAP_ATTACHMENT_MAX_BYTES` is recorded as
    refused, with its name and size, and its content is not kept."""
    size = len(item.content)
    attachment = Attachment(
        ticket=ticket,
        entry=entry,
        filename=safe_filename(item.filename),
        content_type=(item.content_type or "application/octet-stream")[:127],
        size=size,
        sha256=hashlib.sha256(item.content).hexdigest(),
        created_at=clock.now(),
    )
    limit = settings.SIGAP_ATTACHMENT_MAX_BYTES
    if size > limit:
        attachment.refused = _("larger than the limit of %(limit)s bytes") % {"limit": limit}
        attachment.save()
    else:
        attachment.file.save(attachment.filename, ContentFile(item.content), save=True)
    return attachment
