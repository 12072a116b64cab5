"""One parser for every way a mail reaches Sigap: raw RFC 5322 bytes -> `ParsedMail`.

Mail in the wild is often wrong, so nothing here trusts a declared charset: a body is
decoded with the charset it names, then UTF-8, then windows-1252, then latin-1 (which
decodes anything), and a body labelled with a single-byte Western charset that is in
fact valid UTF-8 is read as UTF-8. Headers with raw 8-bit bytes get the same
treatment. Only a message with no sender, or no header at all, is refused
(`ParseError`); the caller keeps it in the quarantine.
"""

from __future__ import annotations

import binascii
import codecs
import email
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

from django.utils.translation import gettext as _

from sigap.channels.email.html_text import html_to_text
from sigap.channels.email.quotes import is_forward, reply_part
from sigap.tickets.attachments import AttachmentIn


class ParseError(Exception):
    """The bytes are not a mail Sigap can take in; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # always "<...>"; derived from the bytes when the mail has none
    in_reply_to: str  # "<...>" or ""
    references: tuple[str, ...]  # oldest first, as in the header
    subject: str
    from_address: str  # lower-case
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    text: str  # the new part only: quoted history and signature cut
    html: str  # the HTML original, when the mail has one
    attachments: tuple[AttachmentIn, ...]
    raw: bytes = field(repr=False)
    message: EmailMessage = field(repr=False, compare=False)
    generated_id: bool = False  # True: the mail had no Message-ID of its own
    full_text: str = field(default="", repr=False)  # the whole text, quotes included
    # The leaf parts and their content types, a message/* part being a leaf.
    parts: tuple[tuple[str, Message], ...] = field(default=(), repr=False, compare=False)

    def header(self, name: str) -> str:
        """A header's decoded value, "" when absent."""
        return header_text(self.message, name)


# Western single-byte charsets that decode any bytes at all, so a UTF-8 body mislabelled
# with one of them would come out as mojibake ("Ã©") instead of failing.
_SINGLE_BYTE = {"ascii", "iso8859_1", "iso8859_15", "cp1252"}
# Headers an MTA or a mailbox adds in transit; left out of a derived Message-ID, so
# the same mail taken by the pipe and by IMAP gets the same one.
_TRACE = re.compile(
    rb"^(received|return-path|delivered-to|x-original-to|x-envelope-[\w-]+|"
    rb"x-spam[\w-]*|x-virus[\w-]*|authentication-results|arc-[\w-]+|"
    rb"received-spf|dkim-signature|x-google-smtp-source|x-gm-[\w-]+|x-received)\s*:",
    re.IGNORECASE,
)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_MSGID = re.compile(r"<([^<>\s]+)>")
_UUE_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S[^\n]*)$", re.MULTILINE)
_UUE_END = re.compile(r"^end\s*$", re.MULTILINE)


def parse(raw: bytes) -> ParsedMail:
    """Parse one RFC 5322 message; raise `ParseError` when it is not one at all."""
    if not raw or not raw.strip():
        raise ParseError(_("empty message"))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not list(message.raw_items()):
        raise ParseError(_("not an RFC 5322 message: no header lines"))
    from_name, from_address = _sender(message)
    if not from_address:
        raise ParseError(_("no sender: the From header is missing or holds no address"))

    subject = _one_line(header_text(message, "Subject"))
    forwarded = is_forward(subject)
    leaves = list(_leaves(message))
    plain, html, attachments = _content(leaves)
    plain, uu_files = _uudecoded(plain)
    if plain.strip() or not html:
        full_text = _tidy(plain)
        new_part = full_text
    else:  # HTML only: its text, and the original kept as an attachment
        full_text = html_to_text(html, cut_quotes=False)
        new_part = html_to_text(html, cut_quotes=not forwarded)
        attachments.insert(0, AttachmentIn("message.html", "text/html", html.encode("utf-8")))
    message_id = _first_id(header_text(message, "Message-ID"))
    return ParsedMail(
        message_id=message_id or _derived_id(raw),
        in_reply_to=_first_id(header_text(message, "In-Reply-To")),
        references=tuple(_ids(header_text(message, "References"))),
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to=tuple(_addresses(message, "To")),
        cc=tuple(_addresses(message, "Cc")),
        date=_date(message),
        text=reply_part(new_part, forwarded=forwarded),
        html=html,
        attachments=tuple(attachments) + tuple(uu_files),
        raw=raw,
        message=message,
        generated_id=not message_id,
        full_text=full_text,
        parts=tuple((ctype, part) for part, ctype, _parents in leaves),
    )


# --- headers ------------------------------------------------------------------


def header_text(message: Message, name: str) -> str:
    """The decoded value of a header: RFC 2047 encoded words, and raw 8-bit bytes in
    whatever charset they turn out to be in. Never raises."""
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    if _has_surrogates(raw):  # raw 8-bit bytes, no encoded words: guess their charset
        return clean(_unfold(_decode(raw.encode("ascii", "surrogateescape"), "")))
    if "=?" not in raw:
        # Nothing encoded: the value is the raw text, unfolded. Most headers of most
        # mail; the stdlib's header classes are the slow part of parsing a message.
        return clean(_unfold(raw))
    try:
        return clean(str(message[name]))
    except Exception:  # the stdlib header parser has crashed on malformed headers
        try:
            return clean(str(make_header(decode_header(raw))))
        except Exception:
            return clean(raw)


def _unfold(value: str) -> str:
    return _FOLD.sub("", value).strip()


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def _sender(message: Message) -> tuple[str, str]:
    value = header_text(message, "From")
    if not value:
        return "", ""
    if _has_surrogates(_raw_header(message, "From") or ""):
        name, address = email.utils.parseaddr(value)  # decoded above; the stdlib's is lossy
    else:
        name, address = _parse_address(message, "From", value)
    address = address.strip().strip("<>").lower()
    if "@" not in address or " " in address:
        return "", ""
    return clean(_one_line(name)), clean(address)


def _parse_address(message: Message, name: str, value: str) -> tuple[str, str]:
    try:
        addresses = message[name].addresses
        if addresses and addresses[0].addr_spec:
            return addresses[0].display_name, addresses[0].addr_spec
    except Exception:  # a malformed address list: fall back to the lenient parser
        pass
    return email.utils.parseaddr(value)


def _addresses(message: Message, name: str) -> list[str]:
    value = header_text(message, name)
    if not value:
        return []
    found = [
        address.lower()
        for _name, address in email.utils.getaddresses([value])
        if "@" in address and " " not in address
    ]
    return list(dict.fromkeys(found))


def _ids(value: str) -> list[str]:
    found = [f"<{m}>" for m in _MSGID.findall(value)]
    if not found:  # some clients drop the angle brackets
        found = [f"<{v.strip('<>,;')}>" for v in value.split() if "@" in v]
    return [i[:255] for i in dict.fromkeys(found)]


def _first_id(value: str) -> str:
    ids = _ids(value)
    return ids[0] if ids else ""


def _derived_id(raw: bytes) -> str:
    """A Message-ID for a mail that has none, the same every time the same mail arrives:
    SHA-256 of its bytes with line endings unified and transit headers left out."""
    data = raw.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = bool(_TRACE.match(line))
        if not skipping:
            kept.append(line)
    digest = hashlib.sha256(b"\n".join(kept) + sep + body).hexdigest()
    return f"<{digest}@sigap.invalid>"


def _date(message: Message) -> datetime | None:
    value = header_text(message, "Date")
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- text ---------------------------------------------------------------------


def clean(text: str) -> str:
    """Text safe for any database: no lone surrogates, no NUL characters."""
    if _has_surrogates(text):
        try:  # bytes smuggled through as surrogate escapes
            text = _decode(text.encode("utf-8", "surrogateescape"), "utf-8")
        except UnicodeEncodeError:  # real lone surrogates, e.g. from a UTF-16 body
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", "")


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _codec(charset: str) -> str:
    try:
        return codecs.lookup(charset).name.replace("-", "_")
    except (LookupError, TypeError, ValueError):
        return ""


def _decode(data: bytes, charset: str) -> str:
    """Bytes as text: the declared charset, unless the bytes say otherwise."""
    declared = _codec((charset or "").strip().strip('"').lower())
    if data.isascii():
        return data.decode("ascii")
    candidates = [declared, "utf_8", "cp1252", "latin_1"]
    if declared in _SINGLE_BYTE:
        # Valid UTF-8 with non-ASCII in it is almost never Western text in a
        # single-byte charset: it is UTF-8 with the wrong label.
        candidates = ["utf_8", declared, "cp1252", "latin_1"]
    for name in filter(None, candidates):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin_1")  # unreachable: latin-1 decodes any bytes


def _part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep what there is
        payload = None
    if payload is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            return raw.encode("ascii", "surrogateescape")
        return b""
    return payload


def _part_text(part: Message) -> str:
    params = _content_params(part)
    text = _decode(_part_bytes(part), params.get("charset", ""))
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    if params.get("format", "").lower() == "flowed":
        text = _unflow(text, delsp=params.get("delsp", "").lower() == "yes")
    return text


def _content_params(part: Message) -> dict[str, str]:
    """The Content-Type parameters, names lower-cased; {} when malformed."""
    if _raw_header(part, "Content-Type") is None:
        return {}
    try:
        return {k.lower(): str(v) for k, v in part["Content-Type"].params.items()}
    except Exception:  # a header the stdlib cannot take apart
        return {}


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676: a line ending in a space continues on the next one."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- structure ----------------------------------------------------------------


def _leaves(part: Message) -> Iterator[tuple[Message, str, tuple[str, ...]]]:
    """The leaf parts with their content type and the multipart types enclosing them;
    a message/* part (a forwarded mail, a bounce's returned copy) is a leaf."""

    def walk(node: Message, parents: tuple[str, ...]):
        ctype = node.get_content_type()
        if node.is_multipart() and ctype.startswith("multipart/"):
            for child in node.get_payload():
                if isinstance(child, Message):
                    yield from walk(child, (*parents, ctype))
        else:
            yield node, ctype, parents

    yield from walk(part, ())


def _is_attachment(part: Message) -> bool:
    disposition = _raw_header(part, "Content-Disposition") or ""
    return disposition.strip().lower().startswith("attachment") or bool(_filename(part))


def _filename(part: Message) -> str:
    # Only ask the (slow) header parser when a name can be there at all.
    raw = f"{_raw_header(part, 'Content-Disposition')} {_raw_header(part, 'Content-Type')}"
    if "name" not in raw.lower():
        return ""
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean(_one_line(str(name)))


def _content(
    leaves: list[tuple[Message, str, tuple[str, ...]]],
) -> tuple[str, str, list[AttachmentIn]]:
    """(the plain text, the HTML body, the attachments): the inline text parts joined,
    the HTML alternative (or only body), and every other leaf part."""
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[AttachmentIn] = []
    for part, ctype, parents in leaves:
        in_alternative = "multipart/alternative" in parents
        if ctype in ("text/plain", "text/html") and not _is_attachment(part):
            if ctype == "text/plain":
                texts.append(_part_text(part))
            elif in_alternative or not texts:
                htmls.append(_part_text(part))
            else:  # an HTML part beside a text one, outside an alternative
                attachments.append(_attachment(part, ctype, len(attachments)))
            continue
        if ctype.startswith("multipart/"):
            continue  # an empty multipart
        attachments.append(_attachment(part, ctype, len(attachments)))
    html = "\n".join(h for h in htmls if h.strip())
    plain = "\n\n".join(t.strip("\n") for t in texts if t.strip())
    return plain, html, attachments


def _attachment(part: Message, ctype: str, index: int) -> AttachmentIn:
    name = _filename(part)
    if ctype.startswith("message/"):
        content = _message_bytes(part)
    else:
        content = _part_bytes(part)
    if not name:
        # An inline image is often named only by its Content-ID: <peta.png@armada>.
        content_id = clean(_raw_header(part, "Content-ID") or "").strip("<> ").split("@", 1)[0]
        stem = content_id or f"attachment-{index + 1}"
        name = stem if "." in stem else f"{stem}{_extension(ctype)}"
    return AttachmentIn(name, ctype, content)


def _extension(ctype: str) -> str:
    if ctype == "message/rfc822":
        return ".eml"
    if ctype.startswith(("text/", "message/")):
        return mimetypes.guess_extension(ctype) or ".txt"
    return mimetypes.guess_extension(ctype) or ".bin"


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):
        chunks = []
        for inner in payload:
            try:
                chunks.append(inner.as_bytes(policy=email.policy.compat32))
            except Exception:
                chunks.append(str(inner).encode("utf-8", "replace"))
        return b"\n".join(chunks)
    return _part_bytes(part)


def _uudecoded(text: str) -> tuple[str, list[AttachmentIn]]:
    """Files uuencoded into a text body (`begin 644 name` ... `end`), taken out of it.
    A block that does not decode stays in the text as it is."""
    files: list[AttachmentIn] = []
    position = 0
    while True:
        match = _UUE_BEGIN.search(text, position)
        if match is None:
            return text, files
        end = _UUE_END.search(text, match.end())
        if end is None:
            return text, files
        data = _uudecode(text[match.end() : end.start()])
        if data is None:
            position = end.end()
            continue
        name = match.group(1).strip()
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(AttachmentIn(name, ctype, data))
        text = text[: match.start()] + text[end.end() :]
        position = match.start()


def _uudecode(block: str) -> bytes | None:
    data = bytearray()
    for line in block.strip("\n").split("\n"):
        if not line.strip() or line.strip() == "`":
            continue
        try:
            try:
                data += binascii.a2b_uu(line)
            except binascii.Error:
                # Some encoders pad lines wrongly; the length byte says how much is data.
                length = (ord(line[0]) - 32) & 63
                data += binascii.a2b_uu(line[: (length + 2) // 3 * 4 + 1])
        except (binascii.Error, ValueError):
            return None
    return bytes(data)
