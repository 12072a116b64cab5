"""The new part of a reply: what the customer wrote this time, without the quoted
history their mail client appended, nor their signature.

The raw message is always kept beside the ticket entry, so cutting too much loses
nothing for good; the rules therefore aim at the common clients (Gmail, Outlook,
Apple Mail, Thunderbird, in English and Indonesian) and stay simple:

- top-posted replies: everything from the attribution line ("On ... wrote:",
  "Pada ... menulis:") or Outlook's header block ("-----Original Message-----",
  "From:/Sent:", "Dari:/Dikirim:") on is history;
- bottom-posted replies (nothing above the attribution): the attribution and the
  `>` lines go, the writer's own lines stay;
- interleaved answers keep their quotes, which they need for sense, except a
  quoted block at the very end;
- a forwarded mail is content, not history: it is never cut;
- the signature goes from the RFC 3676 delimiter (`-- `), and a trailing
  "Sent from my iPhone" / "Dikirim dari ..." line goes too.
If the rules would leave nothing, the whole text is kept.
"""

from __future__ import annotations

import re

_ON_WROTE = re.compile(
    r"^(on|pada|le|am|el|op|em)\s.{4,300}?"
    r"(wrote|menulis|tulis|a écrit|schrieb|escribió|schreef|escreveu)\s*:$",
    re.IGNORECASE,
)
_WROTE = re.compile(r"^[^>].{0,200}\s(wrote|menulis)\s*:$", re.IGNORECASE)
_OUTLOOK_SEPARATOR = re.compile(
    r"^-{2,}\s*(original message|pesan asli|pesan awal|pesan orisinal|"
    r"ursprüngliche nachricht|message d'origine)\s*-{2,}$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^_{8,}$")
_FROM = re.compile(r"^\*?(from|dari)\s*:\*?\s*\S", re.IGNORECASE)
_SENT = re.compile(r"^\*?(sent|dikirim|terkirim|date|tanggal)\s*:\*?\s*\S", re.IGNORECASE)
_FORWARD_MARK = re.compile(
    r"^(-+\s*)?(forwarded message|pesan yang diteruskan|pesan terusan|"
    r"begin forwarded message|awal pesan yang diteruskan)",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|tr|trs|fw)\s*:", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^(sent from my \S.*|sent from (mail|outlook|yahoo mail)\b.*|get outlook for \S.*|"
    r"dikirim dari \S.*|dapatkan outlook untuk \S.*)$",
    re.IGNORECASE,
)


def is_forward(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or ""))


def reply_part(text: str, *, forwarded: bool = False) -> str:
    """The new part of `text` (lines separated by "\\n")."""
    lines = text.split("\n")
    if not forwarded:
        found = _history(lines)
        if found is not None:
            start, span = found
            if _has_content(lines[:start]):
                lines = lines[:start]
            else:
                lines = [ln for ln in lines[start + span :] if not _quoted(ln)]
    lines = _without_trailing_quote(lines)
    lines = _without_signature(lines)
    new = _strip_blank("\n".join(lines))
    if not new.strip():
        own = [ln for ln in text.split("\n") if not _quoted(ln)]
        new = _strip_blank("\n".join(own)) or _strip_blank(text)
    return new


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _has_content(lines: list[str]) -> bool:
    return any(ln.strip() and not _quoted(ln) for ln in lines)


def _next_content(lines: list[str], start: int) -> str:
    for line in lines[start:]:
        if line.strip():
            return line.strip()
    return ""


def _history(lines: list[str]) -> tuple[int, int] | None:
    """Where the quoted history begins, and how many lines its heading takes."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _quoted(line):
            continue
        if _OUTLOOK_SEPARATOR.match(stripped):
            return i, 1
        if _RULE.match(stripped) and _FROM.match(_next_content(lines, i + 1)):
            return i, 1
        if _FROM.match(stripped) and not _after_forward_mark(lines, i):
            following = [ln.strip() for ln in lines[i + 1 : i + 5]]
            if any(_SENT.match(ln) for ln in following):
                return i, 1
        # Clients wrap a long attribution ("On <date>, <name> <address>\nwrote:").
        for span in (1, 2, 3):
            joined = " ".join(ln.strip() for ln in lines[i : i + span])
            if _ON_WROTE.match(joined):
                return i, span
        if _WROTE.match(stripped) and _quoted(_next_content(lines, i + 1) or "x"):
            return i, 1
    return None


def _after_forward_mark(lines: list[str], index: int) -> bool:
    before = [ln.strip() for ln in lines[max(0, index - 3) : index] if ln.strip()]
    return any(_FORWARD_MARK.match(ln) for ln in before)


def _without_trailing_quote(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or _quoted(lines[end - 1])):
        end -= 1
    if end == len(lines) or not any(_quoted(ln) for ln in lines[end:]):
        return lines
    return lines[:end]


def _without_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.rstrip() == "--":
            # Not when a forwarded mail follows: Gmail forwards below the signature.
            if not any(_FORWARD_MARK.match(ln.strip()) for ln in lines[i + 1 :]):
                lines = lines[:i]
            break
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and _SIGN_OFF.match(lines[-1].strip()):
        lines = lines[:-1]
    return lines


def _strip_blank(text: str) -> str:
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n").rstrip()
