"""What the parser makes of real-shaped mail: the text an agent reads, the subject and
sender, and the files. Every message of the corpus is checked."""

# The en dashes and curly quotes are the point: they are what charsets get wrong.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from sigap.channels.email.parser import ParseError, parse
from tests.channels.email.samples import corpus, corpus_names

# file -> (subject, sender address, what the stored text says, what it must not say)
READS = {
    "01_gmail_reply_en.eml": (
        "Re: [INC-000001] Truck B 1234 XYZ not updating",
        "john.miller@fleetco.example",
        ["The unit on B 1234 XYZ is still not updating", "Regards,\nJohn"],
        ["wrote:", "Thank you for contacting us"],
    ),
    "02_gmail_reply_id.eml": (
        "Re: [INC-000001] Unit B 1234 XYZ tidak update",
        "budi.santoso@armada.co.id",
        ["posisi unit masih belum berubah sejak jam 06.10", "Terima kasih,\nBudi"],
        ["menulis", "Mohon lakukan restart"],
    ),
    "03_outlook_reply_en.eml": (
        "RE: [INC-000001] Unit B 1234 XYZ tidak update",
        "andreas.wijaya@armada.co.id",
        ["GPS LED is blinking red", "Please advise whether a technician"],
        ["Sent: Monday", "Please restart the unit", "________"],
    ),
    "04_outlook_reply_id.eml": (
        "RE: [INC-000001] Tagihan Januari – selisih 3 unit",
        "sari.dewi@logistikjaya.co.id",
        ["padahal “unit aktif” kami hanya 45 – tiga unit"],
        ["Pesan Asli", "Dikirim:", "mohon kirimkan daftar"],
    ),
    "05_apple_mail_reply.eml": (
        "Re: [REQ-000001] Perubahan nomor polisi",
        "rina@armada.co.id",
        ["B 9087 TUV, STNK sudah terbit minggu lalu. Mohon data"],
        ["Sent from my iPhone", "informasikan nomor polisi"],
    ),
    "06_thunderbird_bottom_post.eml": (
        "Re: [INC-000001] Truck B 1234 XYZ not updating",
        "john.miller@fleetco.example",
        ["The label says 356938035643809. The SIM card was replaced in November."],
        ["IMEI printed", "wrote:", "Operations, FleetCo"],
    ),
    "07_html_only.eml": (
        "GPS mati semua armada Surabaya",
        "dispatch@sinar-trans.co.id",
        ["Sejak pukul 05.00 semua unit", "L 8123 AB offline", "dibantu & dikabari. Terima kasih"],
        ["<", "alert", "color: red", "Laporan", "steal"],
    ),
    "08_iso_8859_1.eml": (
        "Café Nusantara: unit van B 2201 KLM tidak update",
        "jose.ramirez@cafe-nusantara.id",
        ["Van pengiriman Café Nusantara", "Kemang Raya ± pukul 13.00", "José"],
        ["\ufffd"],
    ),
    "09_cp1252_labelled_utf8.eml": (
        "Unit B 7788 QRS mati lagi",
        "hendra@armada.co.id",
        ["Unit “B 7788 QRS” mati lagi – sudah tiga kali minggu ini…"],
        ["\ufffd"],
    ),
    "10_utf8_labelled_latin1.eml": (
        "Laporan mingguan",
        "hendra@armada.co.id",
        ["Laporan jarak tempuh – unit di Café Rest Area KM 57 tidak tercatat → mohon dicek."],
        ["Ã", "â€"],
    ),
    "11_rfc2047_subject.eml": (
        "Perubahan nomor polisi – L 8123 AB → L 9001 ZZ",
        "dian@sinar-trans.co.id",
        ["IMEI 356938035643817"],
        [],
    ),
    "12_quoted_printable.eml": (
        "Permintaan akses aplikasi untuk supervisor baru",
        "budi.santoso@armada.co.id",
        ["(agus.salim@armada.co.id), dengan hak akses “lihat saja” untuk 12 unit di pool"],
        ["=\n", "=3D", "=E2"],
    ),
    "13_base64_body.eml": (
        "Request: invoice copy for December 2025",
        "john.miller@fleetco.example",
        ["invoice INV/2025/12/0088? Our finance team cannot find the original — thank you!"],
        [],
    ),
    "14_uuencoded_inline.eml": (
        "Salinan invoice Januari",
        "budi.santoso@armada.co.id",
        ["jumlah unitnya tidak sesuai.", "Terima kasih."],
        ["begin 644", "end"],
    ),
    "16_inline_image.eml": (
        "Tangkapan layar peta kosong",
        "rina@armada.co.id",
        ["Peta di aplikasi kosong untuk semua unit"],
        [],
    ),
    "17_pdf_attachment_rfc2231.eml": (
        "Permohonan ganti nopol B 1234 XYZ -> B 9087 TUV",
        "rina@armada.co.id",
        ["diganti menjadi B 9087 TUV.\nScan STNK baru terlampir."],
        [],
    ),
    "29_forwarded.eml": (
        "Fwd: Keluhan driver: GPS hilang di tol Cipali",
        "budi.santoso@armada.co.id",
        ["Mohon ditindaklanjuti", "Forwarded message", "GPS truk B 5566 GH hilang sinyal"],
        [],
    ),
    "31_8bit_header.eml": (
        "Pergantian nomor polisi à la STNK baru",
        "andre@siregar-logistik.id",
        ["B 1111 AAA diganti menjadi B 2222 BBB"],
        [],
    ),
    "33_unknown_charset.eml": (
        "Relokasi unit ke truk baru",
        "dian@sinar-trans.co.id",
        ["dari L 8123 AB ke L 9001 ZZ – truk lama dijual."],
        [],
    ),
    "35_outlook_html_reply.eml": (
        "RE: [INC-000001] Unit B 1234 XYZ tidak update",
        "andreas.wijaya@armada.co.id",
        ["Teknisi sudah datang, unit kembali normal. Tiket boleh ditutup."],
        ["Dikirim", "dijadwalkan besok"],
    ),
}


def test_the_corpus_has_at_least_25_messages():
    assert len(corpus_names()) >= 25


@pytest.mark.parametrize("name", sorted(READS))
def test_the_stored_text_is_what_the_customer_wrote_this_time(name):
    subject, sender, says, not_says = READS[name]
    mail = parse(corpus(name))
    assert mail.subject == subject
    assert mail.from_address == sender
    for text in says:
        assert text in mail.text
    for text in not_says:
        assert text not in mail.text


@pytest.mark.parametrize("name", corpus_names())
def test_every_corpus_message_parses_or_is_refused_with_a_reason(name):
    try:
        mail = parse(corpus(name))
    except ParseError as exc:
        assert name.startswith(("27_", "28_")) and exc.reason
        return
    assert mail.message_id.startswith("<") and mail.message_id.endswith(">")
    assert mail.raw == corpus(name)
    assert "\x00" not in mail.text
    mail.text.encode("utf-8")  # no lone surrogates: any database can store it


def test_sender_names_and_addresses_are_decoded():
    assert parse(corpus("08_iso_8859_1.eml")).from_name == "José Ramírez"
    assert parse(corpus("11_rfc2047_subject.eml")).from_name == "Dian Pratiwi – PT Sinar"
    assert parse(corpus("31_8bit_header.eml")).from_name == "André Siregar"
    assert parse(corpus("03_outlook_reply_en.eml")).from_name == "Wijaya, Andreas"


def test_reply_headers_are_read_in_order():
    mail = parse(corpus("02_gmail_reply_id.eml"))
    assert mail.in_reply_to == "<ticket-INC-000001.2@sigap.localhost>"
    assert mail.references == (
        "<ticket-INC-000001.1@sigap.localhost>",
        "<ticket-INC-000001.2@sigap.localhost>",
    )
    assert mail.to == ("support@sigap.localhost",)
    assert mail.date is not None and mail.date.isoformat() == "2026-01-05T10:02:44+07:00"


def test_html_only_mail_keeps_its_original_as_an_attachment():
    mail = parse(corpus("07_html_only.eml"))
    original = next(a for a in mail.attachments if a.filename == "message.html")
    assert original.content_type == "text/html"
    assert b"<table>" in original.content and b"<script>" in original.content
    assert "<table>" in mail.html


def test_a_text_and_html_mail_keeps_the_html_without_a_second_copy():
    mail = parse(corpus("01_gmail_reply_en.eml"))
    assert 'class="gmail_quote"' in mail.html
    assert mail.attachments == ()


def test_uuencoded_files_in_the_text_and_as_a_part_are_attachments():
    inline = parse(corpus("14_uuencoded_inline.eml"))
    [invoice] = inline.attachments
    assert invoice.filename == "invoice-januari.txt"
    assert invoice.content.startswith(b"INVOICE INV/2026/01/0042\nPT Armada Nusantara")
    part = parse(corpus("15_x_uuencode_part.eml"))
    [log] = part.attachments
    assert log.filename == "unit-log.txt"
    assert log.content == b"Unit 356938035643809 last seen 2026-01-14 06:10 +07, battery 3.2 V\n"


def test_an_inline_image_is_an_attachment_named_after_its_content_id():
    mail = parse(corpus("16_inline_image.eml"))
    [image] = mail.attachments
    assert image.filename == "peta.png" and image.content_type == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_an_rfc2231_file_name_is_decoded():
    mail = parse(corpus("17_pdf_attachment_rfc2231.eml"))
    [scan] = mail.attachments
    assert scan.filename == "STNK baru – B 9087 TUV.pdf"
    assert scan.content.startswith(b"%PDF-1.4")


def test_a_mail_without_message_id_gets_the_same_derived_one_every_time():
    raw = corpus("23_no_message_id.eml")
    first = parse(raw)
    assert first.generated_id and first.message_id.endswith("@sigap.invalid>")
    assert parse(raw).message_id == first.message_id
    # Taken by IMAP (CRLF, headers the MTA adds) or by the pipe: the same mail.
    via_imap = b"Received: from mx by imap; Mon, 19 Jan 2026\r\n" + raw.replace(b"\n", b"\r\n")
    assert parse(via_imap).message_id == first.message_id
    assert parse(raw.replace(b"kemarin sore", b"tadi pagi")).message_id != first.message_id


def test_a_mail_with_a_message_id_is_not_given_another():
    mail = parse(corpus("24_subject_tag.eml"))
    assert mail.message_id == "<tag-0024@armada.co.id>" and not mail.generated_id


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (b"   \n\n", "empty message"),
        (corpus("27_malformed_no_from.eml"), "no sender"),
        (corpus("28_malformed_not_email.eml"), "no sender"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not an RFC 5322 message"),
        (b"From: nobody\nSubject: x\n\nbody", "no sender"),
    ],
)
def test_what_is_not_a_mail_is_refused_with_a_reason(raw, reason):
    with pytest.raises(ParseError) as caught:
        parse(raw)
    assert caught.value.reason.startswith(reason)
