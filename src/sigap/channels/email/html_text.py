"""Plain text of an HTML mail: sanitised by nh3 (every tag, script and style gone),
with line breaks where the blocks were and the client's quoted history cut."""

from __future__ import annotations

import html as html_lib
import re

import nh3

_HTML_CELL = re.compile(r"<\s*/\s*t[dh]\s*>", re.IGNORECASE)
_HTML_BREAK = re.compile(
    r"<\s*(br|/p|p|/div|/tr|/li|li|/h[1-6]|/table|/blockquote|hr|/pre)\b[^>]*>", re.IGNORECASE
)
# Where mail clients begin the quoted history in HTML: Gmail, Outlook (web and
# desktop), Thunderbird, Apple Mail, Yahoo.
_HTML_QUOTE = re.compile(
    r"<\s*(div[^>]*\b(class=\"?(gmail_quote|moz-cite-prefix|yahoo_quoted)"
    r"|id=\"?(appendonsend|divRplyFwdMsg|stopSpelling))|blockquote\b|hr[^>]*id=\"?stopSpelling)",
    re.IGNORECASE,
)
_QUOTE_MARK = "\n\u2063sigap-quote\u2063\n"


def html_to_text(markup: str, *, cut_quotes: bool = True) -> str:
    """Sanitised plain text of an HTML body (nh3 strips every tag, script and style);
    with `cut_quotes`, the quoted history a mail client marks up is cut."""
    marked = markup
    if cut_quotes:
        marked = _HTML_QUOTE.sub(lambda m: _QUOTE_MARK + m.group(0), marked, count=1)
    marked = _HTML_BREAK.sub(lambda m: "\n" + m.group(0), marked)
    marked = _HTML_CELL.sub(lambda m: " " + m.group(0), marked)
    text = nh3.clean(
        marked,
        tags=set(),
        clean_content_tags={"script", "style", "head", "title"},
        attributes={},
        strip_comments=True,
    )
    text = html_lib.unescape(text).replace("\xa0", " ")
    text = text.split(_QUOTE_MARK.strip("\n"), 1)[0]
    return _tidy("\n".join(" ".join(line.split()) for line in text.split("\n")))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
