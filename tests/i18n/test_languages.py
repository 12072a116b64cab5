from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import sigap
from sigap.accounts.choices import Role
from tests.conftest import api_client
from tests.factories import TicketFactory, UserFactory

CATALOGUE = Path(sigap.__file__).parent / "locale" / "id" / "LC_MESSAGES"


def po_entries() -> dict[tuple[str | None, str], tuple[str, str | None]]:
    """(msgctxt, msgid) -> (msgstr, msgid_plural) from the Indonesian .po file."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            raise AssertionError(f"fuzzy entry in the catalogue: {block}")
        # A plural entry's first form is msgstr[0]; Indonesian has one form for all counts.
        parts = re.findall(
            r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) ((?:".*"\n?)+)', block + "\n", re.M
        )
        fields = {k.removesuffix("[0]"): "".join(re.findall(r'"(.*)"', v)) for k, v in parts}
        if fields.get("msgid"):
            key = (fields.get("msgctxt"), fields["msgid"])
            entries[key] = (fields.get("msgstr", ""), fields.get("msgid_plural"))
    return entries


def test_every_message_has_an_indonesian_translation_and_the_mo_is_current():
    entries = po_entries()
    assert len(entries) > 200
    untranslated = [m for m, (t, _plural) in entries.items() if not t]
    assert untranslated == []
    with open(CATALOGUE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for (context, msgid), (msgstr, plural) in entries.items():
        unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
        if plural:
            got = compiled.ngettext(unescape(msgid), unescape(plural), 1)
        elif context:
            got = compiled.pgettext(unescape(context), unescape(msgid))
        else:
            got = compiled.gettext(unescape(msgid))
        assert got == unescape(msgstr), msgid


@pytest.mark.django_db
def test_an_indonesian_user_is_answered_in_indonesian_and_an_english_one_in_english():
    ticket = TicketFactory()
    budi = api_client(UserFactory(role=Role.AGENT, language="id"))
    jane = api_client(UserFactory(role=Role.AGENT, language="en"))
    url = f"/api/v1/tickets/{ticket.number}/actions/close"
    in_id = budi.post(url, {}, content_type="application/json").json()["message"]
    in_en = jane.post(url, {}, content_type="application/json").json()["message"]
    assert "Allowed now" in in_en
    assert "Allowed now" not in in_id and ticket.number in in_id
    assert in_id != in_en


@pytest.mark.django_db
def test_the_browser_language_decides_before_sign_in(client):
    answer_id = client.get("/api/v1/tickets", HTTP_ACCEPT_LANGUAGE="id")
    answer_en = client.get("/api/v1/tickets", HTTP_ACCEPT_LANGUAGE="en")
    assert answer_en.json()["message"].startswith("Send a valid API token")
    assert answer_id.json()["message"] != answer_en.json()["message"]
