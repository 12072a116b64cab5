"""Polling IMAP mailboxes: every unseen message is taken in, then marked seen.

The mailboxes are `SIGAP_IMAP_URL`: `imaps://user:pass@host:port/INBOX`, several
separated by commas (`imap://` without TLS, `?starttls` to upgrade it). A message is
marked `\\Seen` only after intake has stored it and committed, so a crash in between
re-reads it on the next poll, where its Message-ID makes it a known duplicate: nothing
is lost and nothing is stored twice. A message intake refuses is kept in the
quarantine and marked too; a database failure leaves it unseen for the next poll.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.conf import settings
from django.db import DatabaseError

from sigap.channels.email.mailurl import MailUrl
from sigap.channels.services import quarantine_store
from sigap.tickets.choices import Channel

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 60.0  # seconds for connecting and for each reply
_OPTIONS = {"starttls", "address", "timeout"}


class ImapError(Exception):
    """A mailbox could not be polled: unreachable, login refused, no such folder."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str
    security: str  # "tls" (imaps://), "starttls" or "none"
    address: str  # Sigap's address this mailbox receives for
    timeout: float

    @property
    def source(self) -> str:
        return f"imap:{self.username}@{self.host}/{self.folder}"


def mailbox_from_url(url: str) -> Mailbox:
    """`imaps://user:pass@host:port/Folder` (port 993, folder INBOX when left out),
    `imap://...` (port 143), `imap://...?starttls`. Options: `address=` is the
    address the mailbox receives for (the user name when it is one, otherwise
    SIGAP_SUPPORT_EMAIL) and `timeout=` seconds. Percent-encode a `,`, `@` or `/`
    in the password."""
    parsed = MailUrl(url, variable="SIGAP_IMAP_URL", schemes=("imaps", "imap"), options=_OPTIONS)
    parts, scheme = parsed.parts, parsed.scheme
    username = unquote(parts.username or "")
    if not username or parts.password is None:
        raise parsed.bad("it needs a user and a password: imaps://user:password@host/INBOX")
    security = "tls" if scheme == "imaps" else "none"
    if parsed.flag("starttls"):
        if scheme == "imaps":
            raise parsed.bad("imaps:// is encrypted already; ?starttls is for imap://")
        security = "starttls"
    timeout = parsed.seconds(IMAP_TIMEOUT)
    address = parsed.option("address")
    if not address:
        address = username if "@" in username else settings.SIGAP_SUPPORT_EMAIL
    folder = unquote(parts.path.strip("/")) or "INBOX"
    return Mailbox(
        host=parts.hostname,
        port=parsed.port or (993 if scheme == "imaps" else 143),
        username=username,
        password=unquote(parts.password),
        folder=folder,
        security=security,
        address=address.lower(),
        timeout=timeout,
    )


def configured_mailboxes() -> list[Mailbox]:
    """The mailboxes of SIGAP_IMAP_URL, in order; an empty setting is none."""
    value = str(settings.SIGAP_IMAP_URLS or "")
    return [mailbox_from_url(url) for url in value.split(",") if url.strip()]


@dataclass
class PollCounts:
    """What one poll of one mailbox did."""

    unseen: int = 0  # unseen messages found
    stored: int = 0  # taken in as new messages
    duplicates: int = 0  # stored before (a crash before marking them, another path)
    quarantined: int = 0  # refused by intake, kept whole in the quarantine
    ignored: int = 0  # not stored: Sigap's own mail, a bounce of it (recorded on it)
    failed: int = 0  # left unseen, to be tried again on the next poll

    def __add__(self, other: PollCounts) -> PollCounts:
        return PollCounts(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


# One poll at a time per mailbox in this process: a slow poll and the next one on a
# second worker would fetch the same messages. Across processes the Message-ID's
# unique constraint still stores each message once.
_polling: dict[str, threading.Lock] = {}
_polling_guard = threading.Lock()


def poll_mailbox(mailbox: Mailbox | str) -> PollCounts:
    """Take in every unseen message of one mailbox. Raises `ImapError` when the
    mailbox cannot be reached, logged in to or opened; a failure on one message
    leaves that message unseen and goes on with the others."""
    if isinstance(mailbox, str):
        mailbox = mailbox_from_url(mailbox)
    with _polling_guard:
        lock = _polling.setdefault(mailbox.source, threading.Lock())
    if not lock.acquire(blocking=False):
        logger.info("%s: the previous poll is still running", mailbox.source)
        return PollCounts()
    try:
        return _poll(mailbox)
    finally:
        lock.release()


def _poll(mailbox: Mailbox) -> PollCounts:
    counts = PollCounts()
    imap = _open(mailbox)
    try:
        for uid in _unseen(imap, mailbox):
            raw = _fetch(imap, mailbox, uid)
            if raw is None:
                continue  # expunged by someone else since the search
            counts.unseen += 1
            outcome = _take(raw, mailbox)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if outcome != "failed":
                _mark_seen(imap, mailbox, uid)
    finally:
        _close(imap)
    level = logging.WARNING if counts.failed else logging.INFO
    logger.log(level, "%s: %s", mailbox.source, counts)
    return counts


def _take(raw: bytes, mailbox: Mailbox) -> str:
    """Hand one message to intake; which count it belongs to. Only a database failure
    leaves it unseen: intake quarantines what it cannot parse, and anything else it
    raises is kept whole in the quarantine here, so that the message is marked and
    not fetched again on every poll."""
    # Imported here: intake reads the configured mailboxes from this module.
    from sigap.channels.email.intake import Refused, take

    try:
        result = take(raw, source=mailbox.source, mailbox=mailbox.address)
    except Refused:
        return "quarantined"  # intake kept it in the quarantine
    except DatabaseError:
        logger.exception("%s: not stored, the database failed; retried next poll", mailbox.source)
        return "failed"
    except Exception as exc:
        logger.exception("%s: intake failed; quarantining the message", mailbox.source)
        try:
            quarantine_store(
                channel=Channel.EMAIL,
                source=f"{mailbox.address} via {mailbox.source}",
                raw=raw,
                error=f"{type(exc).__name__}: {exc}",
            )
        except DatabaseError:
            logger.exception("%s: could not quarantine it either", mailbox.source)
            return "failed"
        return "quarantined"
    if result is None:
        return "ignored"  # Sigap's own mail, or a bounce recorded on the mail it returns
    return "duplicates" if result.duplicate else "stored"


def _check(mailbox: Mailbox, what: str, response: tuple[str, list]) -> list:
    typ, data = response
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{mailbox.source}: {what} failed: {typ} {detail}".strip())
    return data


def _open(mailbox: Mailbox) -> imaplib.IMAP4:
    try:
        if mailbox.security == "tls":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host,
                mailbox.port,
                ssl_context=ssl.create_default_context(),
                timeout=mailbox.timeout,
            )
        else:
            imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=mailbox.timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(
            f"{mailbox.source}: cannot connect to {mailbox.host}:{mailbox.port}: {exc}"
        ) from exc
    try:
        if mailbox.security == "starttls":
            imap.starttls(ssl.create_default_context())
        imap.login(mailbox.username, mailbox.password)
        _check(mailbox, "SELECT", imap.select(_quoted(mailbox.folder)))
    except (OSError, imaplib.IMAP4.error) as exc:
        _close(imap)
        raise ImapError(f"{mailbox.source}: {exc}") from exc
    except ImapError:
        _close(imap)
        raise
    return imap


def _unseen(imap: imaplib.IMAP4, mailbox: Mailbox) -> list[bytes]:
    try:
        data = _check(mailbox, "SEARCH", imap.uid("SEARCH", "UNSEEN", "UNDELETED"))
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"{mailbox.source}: SEARCH failed: {exc}") from exc
    return [uid for line in data if line for uid in line.split()]


def _fetch(imap: imaplib.IMAP4, mailbox: Mailbox, uid: bytes) -> bytes | None:
    # BODY.PEEK, not RFC822 or BODY[]: fetching must not set \Seen by itself, or a
    # crash before the database commit would lose the message.
    try:
        data = _check(mailbox, "FETCH", imap.uid("FETCH", uid, "(BODY.PEEK[])"))
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"{mailbox.source}: FETCH {uid.decode()} failed: {exc}") from exc
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _mark_seen(imap: imaplib.IMAP4, mailbox: Mailbox, uid: bytes) -> None:
    # If this fails the message stays unseen and comes back next poll as a duplicate.
    try:
        _check(mailbox, "STORE", imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Seen)"))
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"{mailbox.source}: STORE {uid.decode()} failed: {exc}") from exc


def _close(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll_all() -> PollCounts:
    """Poll every configured mailbox; one that fails is logged and the others go on."""
    total = PollCounts()
    for mailbox in configured_mailboxes():
        try:
            total += poll_mailbox(mailbox)
        except ImapError:
            logger.exception("%s: poll failed", mailbox.source)
    return total
