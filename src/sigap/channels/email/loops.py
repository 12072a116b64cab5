"""Mail no person wrote: auto-replies, bulk and list mail, bounces, Sigap's own mail.

None of it ever gets an automatic reply from Sigap: two auto-responders answering
each other is the classic mail loop. Beyond that, each kind is taken in differently
(`intake.take` applies this):

- **Sigap's own mail** (From one of Sigap's addresses: `SIGAP_SUPPORT_EMAIL`, the
  mailbox that received it, the IMAP accounts' addresses) is not taken in at all.
- **A bounce of Sigap's own mail** (a delivery-status report, or the common
  non-standard shapes: mailer-daemon senders, `X-Failed-Recipients`) marks that
  outbound message failed with the diagnostic, and leaves an internal note on its
  ticket; it opens no ticket and is not stored as a message. A warning that delivery
  is only delayed changes nothing. A bounce Sigap cannot match to a mail it sent is
  stored as a message on no ticket, where an operator can find it in the admin.
- **An auto-reply** (RFC 3834 `Auto-Submitted: auto-replied`, `X-Autoreply`,
  `Precedence: auto_reply`, an "Automatic reply:" / "Balasan Otomatis:" subject, as
  Outlook sends with `X-Auto-Response-Suppress`) is a machine answering for a person
  who is away. On the ticket it threads onto it is an internal note: it never reopens
  a resolved ticket, resumes one waiting for the customer, or opens a follow-up of a
  closed one, since nobody asked anything. One that threads onto nothing is stored
  as a message on no ticket: opening a ticket for "I am on leave until Monday"
  would only give an agent something to cancel, and dropping it would lose mail.
- **Other automatic or bulk mail** (`Auto-Submitted: auto-generated`, `Precedence:
  bulk|list|junk`, `List-Id`, `X-Auto-Response-Suppress` alone) is taken in like a
  person's mail (a fleet's alerting system or a team's mailing list may well report
  a real fault) but never acknowledged.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message as MailMessage

from django.conf import settings
from django.utils.translation import gettext as _

from sigap.channels.choices import Delivery, Direction
from sigap.channels.email.parser import ParsedMail, header_text
from sigap.channels.models import Message
from sigap.channels.services import message_status
from sigap.core.env import ConfigError
from sigap.core.errors import InvalidTransition
from sigap.tickets.choices import Channel, Status, Via
from sigap.tickets.services import ticket_comment

_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoresponse|auto[- ]?response|"
    r"out of (the )?office( reply| autoreply)?|balasan otomatis|di luar kantor|auto)\s*:",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|undelivered mail|delivery status notification|mail delivery fail|"
    r"returned mail|delivery failure|failure notice|tidak dapat dikirim|tidak terkirim|"
    r"gagal terkirim)",
    re.IGNORECASE,
)
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon")
_MESSAGE_ID_LINE = re.compile(r"^\s*message-id:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
# Where a bounce's notice ends and its copy of the returned mail begins.
_COPY_STARTS = re.compile(
    r"^(?:-{3,}|(?:return-path|received|from|message-id|to|subject):)", re.IGNORECASE | re.MULTILINE
)
_SMTP_REPLY = re.compile(r"\b([45]\d\d[ -]|[45]\.\d{1,3}\.\d{1,3}\b)")


@dataclass(frozen=True)
class Bounce:
    """A report that a mail could not be delivered."""

    original_id: str  # the Message-ID of the returned mail; "" when it is not included
    diagnostic: str  # what the reporting server said, for the desk
    failed: bool  # False: only a warning that delivery is delayed


@dataclass(frozen=True)
class Loop:
    """What kind of sender a mail comes from, as far as replies go."""

    reasons: tuple[str, ...]  # why no automatic reply; empty for a person's mail
    auto_reply: bool = False  # an out-of-office or similar answer by a machine
    bounce: Bounce | None = None
    own: bool = False  # from one of Sigap's own addresses

    @property
    def automatic(self) -> bool:
        """Never answered automatically."""
        return bool(self.reasons)


def own_addresses(mailbox: str = "") -> frozenset[str]:
    """Sigap's own addresses: the support address, the receiving mailbox, and the
    addresses the configured IMAP mailboxes receive for."""
    from sigap.channels.email.imap import configured_mailboxes

    found = {settings.SIGAP_SUPPORT_EMAIL, mailbox}
    try:
        found.update(box.address for box in configured_mailboxes())
    except ConfigError:
        pass  # the poller reports a bad SIGAP_IMAP_URL; it must not stop intake
    return frozenset(a.strip().lower() for a in found if a and "@" in a)


def classify(mail: ParsedMail, *, mailbox: str = "") -> Loop:
    reasons: list[str] = []
    auto_reply = False
    if mail.from_address in own_addresses(mailbox):
        return Loop(reasons=("sent from Sigap's own address",), own=True)

    # "auto-replied (vacation)", "auto-generated; owner-email=...": the keyword counts.
    keyword = re.match(r"\s*([\w-]*)", mail.header("Auto-Submitted"))
    auto_submitted = keyword.group(1).lower() if keyword else ""
    if auto_submitted and auto_submitted != "no":
        reasons.append(f"Auto-Submitted: {auto_submitted}")
        auto_reply = auto_submitted == "auto-replied"
    precedence = mail.header("Precedence").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        reasons.append(f"Precedence: {precedence}")
    elif precedence == "auto_reply":
        reasons.append("Precedence: auto_reply")
        auto_reply = True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if mail.header(name):
            reasons.append(f"{name} header")
            auto_reply = True
    if mail.header("List-Id"):
        reasons.append("List-Id header")
    if mail.header("X-Auto-Response-Suppress"):
        reasons.append("X-Auto-Response-Suppress header")
    if _AUTO_REPLY_SUBJECT.match(mail.subject):
        reasons.append("an automatic-reply subject")
        auto_reply = True

    bounce = _bounce(mail)
    if bounce is not None:
        reasons.append("a delivery-status report")
        auto_reply = False
    return Loop(reasons=tuple(dict.fromkeys(reasons)), auto_reply=auto_reply, bounce=bounce)


# --- bounces ------------------------------------------------------------------


def _bounce(mail: ParsedMail) -> Bounce | None:
    message = mail.message
    local = mail.from_address.split("@", 1)[0]
    report = "multipart/report" in (mail.header("Content-Type") or "").lower() and (
        (message.get_param("report-type") or "").lower() == "delivery-status"
    )
    status_parts = [p for ctype, p in mail.parts if ctype == "message/delivery-status"]
    shaped = (
        bool(mail.header("X-Failed-Recipients"))
        or local in _DAEMONS
        or (
            mail.header("Return-Path").strip() in ("<>", "")
            and bool(mail.header("Return-Path"))
            and bool(_BOUNCE_SUBJECT.search(mail.subject))
        )
    )
    if not (report or status_parts or shaped):
        return None
    diagnostic, failed = _diagnostic(status_parts, mail)
    return Bounce(original_id=_original_id(mail), diagnostic=diagnostic, failed=failed)


def _diagnostic(status_parts: list[MailMessage], mail: ParsedMail) -> tuple[str, bool]:
    lines: list[str] = []
    actions: list[str] = []
    for part in status_parts:
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, MailMessage):
                continue
            action = header_text(block, "Action").strip().lower()
            if not action:
                continue
            actions.append(action)
            recipient = header_text(block, "Final-Recipient") or header_text(
                block, "Original-Recipient"
            )
            recipient = recipient.split(";", 1)[-1].strip()
            status = header_text(block, "Status").strip()
            code = header_text(block, "Diagnostic-Code").split(";", 1)[-1].strip()
            lines.append(" ".join(filter(None, [recipient + ":", action, status, code])))
    if actions:
        return "; ".join(lines)[:2000], "failed" in actions
    # A bounce without a machine-readable report: what its notice says about the
    # failed addresses (indented, by convention), else the lines with an SMTP reply.
    text = mail.full_text
    notice = _COPY_STARTS.split(text, maxsplit=1)[0]
    lines = notice.split("\n")
    found = [ln.strip() for ln in lines if ln[:1] in (" ", "\t") and ln.strip()]
    if not found:
        found = [ln.strip() for ln in lines if _SMTP_REPLY.search(ln)]
    if not found:
        found = [ln.strip() for ln in lines if ln.strip()][:3]
    failed = not re.search(r"\b(delayed|will retry|tertunda)\b", text, re.IGNORECASE)
    return " ".join(found)[:2000] or mail.subject, failed


def _original_id(mail: ParsedMail) -> str:
    for ctype, part in mail.parts:
        if ctype == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], MailMessage):
                found = _id_of(payload[0])
                if found:
                    return found
        elif ctype == "text/rfc822-headers":
            try:
                text = part.get_content()
            except Exception:
                text = str(part.get_payload())
            found = _id_of(email.message_from_string(text, policy=email.policy.default))
            if found:
                return found
    # Some servers paste the returned headers into the text.
    match = _MESSAGE_ID_LINE.search(mail.full_text)
    return match.group(1) if match else ""


def _id_of(message: MailMessage) -> str:
    value = header_text(message, "Message-ID").strip()
    match = re.search(r"<[^<>\s]+>", value)
    return match.group(0) if match else ""


def bounce_record(bounce: Bounce) -> bool:
    """Mark the outbound mail a bounce reports failed, with the diagnostic, and tell
    the desk on its ticket. True when the bounce was about a mail Sigap sent."""
    if not bounce.original_id:
        return False
    sent = (
        Message.objects.select_related("ticket")
        .filter(channel=Channel.EMAIL, direction=Direction.OUT, external_id=bounce.original_id)
        .first()
    )
    if sent is None:
        return False
    if not bounce.failed:
        return True  # only delayed: the sending server keeps trying
    error = bounce.diagnostic or _("returned as undeliverable")
    changed = message_status(message=sent, status=Delivery.FAILED, error=error)
    ticket = sent.ticket
    if changed and ticket is not None and ticket.status not in (Status.CLOSED, Status.CANCELLED):
        note = _("The e-mail to %(to)s could not be delivered: %(why)s") % {
            "to": sent.recipient,
            "why": error,
        }
        try:
            ticket_comment(ticket=ticket, by=None, body=note, public=False, via=Via.EMAIL)
        except InvalidTransition:  # closed in between: the message row still says failed
            pass
    return True
