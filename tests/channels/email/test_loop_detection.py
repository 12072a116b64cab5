"""Which mail a machine wrote, so that Sigap never answers it automatically."""

from __future__ import annotations

import pytest

from sigap.channels.email.loops import classify
from sigap.channels.email.parser import parse
from tests.channels.email.samples import corpus, mail


def loop_of(raw: bytes, mailbox: str = "support@sigap.localhost"):
    return classify(parse(raw), mailbox=mailbox)


@pytest.mark.parametrize(
    "name",
    [
        "01_gmail_reply_en.eml",
        "03_outlook_reply_en.eml",
        "05_apple_mail_reply.eml",
        "07_html_only.eml",
        "23_no_message_id.eml",
        "29_forwarded.eml",
    ],
)
def test_a_persons_mail_may_be_answered(name):
    loop = loop_of(corpus(name))
    assert not loop.automatic and not loop.auto_reply and loop.bounce is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("18_ooo_rfc3834.eml", "Auto-Submitted: auto-replied"),
        ("19_ooo_outlook.eml", "X-Auto-Response-Suppress header"),
    ],
)
def test_out_of_office_replies_are_auto_replies(name, reason):
    loop = loop_of(corpus(name))
    assert loop.automatic and loop.auto_reply and reason in loop.reasons


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("22_mailing_list.eml", "List-Id header"),
        ("22_mailing_list.eml", "Precedence: list"),
        ("32_auto_generated_alert.eml", "Auto-Submitted: auto-generated"),
    ],
)
def test_list_and_generated_mail_is_automatic_but_no_auto_reply(name, reason):
    loop = loop_of(corpus(name))
    assert loop.automatic and not loop.auto_reply and reason in loop.reasons


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({"Auto_Submitted": "no"}, False),
        ({"Auto_Submitted": "auto-notified"}, True),
        ({"Precedence": "bulk"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "first-class"}, False),
        ({"X_Autoreply": "yes"}, True),
        ({"X_Auto_Response_Suppress": "OOF, AutoReply"}, True),
    ],
)
def test_each_header_of_automatic_mail_counts(headers, automatic):
    assert loop_of(mail(**headers)).automatic is automatic


def test_an_automatic_reply_subject_alone_marks_an_auto_reply():
    assert loop_of(mail(subject="Automatic reply: Unit tidak update")).auto_reply
    assert not loop_of(mail(subject="Reply about the automatic report")).automatic


def test_mail_from_sigaps_own_addresses_is_its_own(settings):
    settings.SIGAP_IMAP_URLS = "imaps://billing%40sigap.localhost:pw@imap.example/INBOX"
    assert loop_of(corpus("34_sigap_own_mail.eml")).own
    assert loop_of(mail(sender="Billing <billing@sigap.localhost>")).own
    assert loop_of(mail(sender="sales@sigap.localhost"), mailbox="sales@sigap.localhost").own
    assert not loop_of(mail()).own


def test_a_delivery_status_report_names_the_returned_mail_and_the_reason():
    loop = loop_of(corpus("20_dsn_bounce.eml"))
    assert loop.automatic and not loop.auto_reply
    assert loop.bounce.original_id == "<ticket-INC-000001.9@sigap.localhost>"
    assert loop.bounce.failed
    assert "budi.lama@armada.co.id" in loop.bounce.diagnostic
    assert "5.1.1" in loop.bounce.diagnostic and "User unknown" in loop.bounce.diagnostic


def test_a_bounce_without_a_report_is_recognised_by_its_shape():
    bounce = loop_of(corpus("21_exim_bounce.eml")).bounce
    assert bounce.original_id == "<ticket-INC-000001.10@sigap.localhost>"
    assert bounce.failed and "mailbox is full" in bounce.diagnostic


def test_a_delay_warning_is_not_a_failure():
    bounce = loop_of(corpus("30_dsn_delayed.eml")).bounce
    assert bounce.original_id == "<ticket-REQ-000001.1@sigap.localhost>"
    assert not bounce.failed
