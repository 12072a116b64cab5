"""Whatever bytes arrive, the parser answers with a mail or a reason, never a crash:
a crash would leave a message neither stored nor quarantined."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigap.channels.email.parser import ParseError, parse
from tests.channels.email.samples import corpus, corpus_names

CORPUS = [corpus(name) for name in corpus_names()]


def _parses_or_refuses(raw: bytes) -> None:
    try:
        mail = parse(raw)
    except ParseError as exc:
        assert exc.reason
        return
    # What is stored must be storable: valid UTF-8, no NUL.
    for text in (mail.text, mail.subject, mail.from_name, mail.html, *mail.references):
        text.encode("utf-8")
        assert "\x00" not in text
    for item in mail.attachments:
        item.filename.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw):
    _parses_or_refuses(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS),
    st.integers(min_value=0, max_value=10_000),
    st.binary(min_size=1, max_size=8),
)
def test_corpus_mail_cut_short_or_corrupted(raw, position, noise):
    position %= len(raw)
    _parses_or_refuses(raw[:position])
    _parses_or_refuses(raw[:position] + noise + raw[position + len(noise) :])


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=80).filter(
        lambda s: "\n" not in s and "\r" not in s
    ),
    st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "us-ascii", "x-bogus", "utf-16"]),
)
def test_any_subject_and_body_in_any_declared_charset(text, charset):
    raw = (
        f"From: Budi <budi@armada.co.id>\nSubject: {text}\nMessage-ID: <f@x>\n"
        f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: 8bit\n\n'
    ).encode("utf-8", "surrogatepass") + text.encode("utf-8", "surrogatepass")
    _parses_or_refuses(raw)
