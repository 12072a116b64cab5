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


def attachment_prepare(item: AttachmentIn) -> Attachment:
    """The attachment's row, unsaved, with its file already written: a caller can do
    the file I/O before its transaction and keep the database's write lock short.
    One over `SIGAP_ATTACHMENT_MAX_BYTES` is refused, with its name and size, and its
    content is not kept. (A transaction that then rolls back leaves the file behind.)"""
    attachment = Attachment(
        filename=safe_filename(item.filename),
        content_type=(item.content_type or "application/octet-stream")[:127],
        size=len(item.content),
        sha256=hashlib.sha256(item.content).hexdigest(),
        created_at=clock.now(),
    )
    limit = settings.SIGAP_ATTACHMENT_MAX_BYTES
    if attachment.size > limit:
        attachment.refused = _("larger than the limit of %(limit)s bytes") % {"limit": limit}
    else:
        field = attachment.file.field
        name = field.generate_filename(attachment, attachment.filename)
        attachment.file.name = field.storage.save(
            name, ContentFile(item.content), max_length=field.max_length
        )
    return attachment


def attachment_store(
    *, ticket: Ticket, entry: Entry | None, item: AttachmentIn | Attachment
) -> Attachment:
    """Store `item` on the ticket (an `AttachmentIn`, or one `attachment_prepare` made)."""
    attachment = item if isinstance(item, Attachment) else attachment_prepare(item)
    attachment.ticket = ticket
    attachment.entry = entry
    attachment.save()
    return attachment
