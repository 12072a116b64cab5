"""The new part of a reply: quoted history and signatures cut, the writer's words kept."""

from __future__ import annotations

from sigap.channels.email.quotes import reply_part


def test_a_top_posted_reply_loses_the_history_below_the_attribution():
    text = (
        "Masih belum update.\n\n"
        "On Mon, 5 Jan 2026 at 08:55, Sigap Support <support@sigap.localhost>\n"
        "wrote:\n\n"
        "> Mohon restart unit.\n"
    )
    assert reply_part(text) == "Masih belum update."


def test_a_bottom_posted_reply_keeps_the_writers_lines_only():
    text = (
        "Pada 08/01/26 16.00, Sigap Support menulis:\n"
        "> IMEI unitnya berapa?\n"
        ">\n\n"
        "IMEI 356938035643809.\n"
    )
    assert reply_part(text) == "IMEI 356938035643809."


def test_interleaved_answers_keep_the_quotes_they_answer():
    text = "> Nomor polisi lama?\nB 1234 XYZ\n> Nomor polisi baru?\nB 9087 TUV\n> Terima kasih.\n"
    assert reply_part(text) == (
        "> Nomor polisi lama?\nB 1234 XYZ\n> Nomor polisi baru?\nB 9087 TUV"
    )


def test_outlooks_header_block_starts_the_history_in_both_languages():
    english = "Done.\n\nFrom: Sigap Support\nSent: Monday, January 5, 2026\nTo: A\n\nOld text"
    indonesian = "Sudah.\n\nDari: Sigap Support\nDikirim: Senin, 05 Januari 2026\n\nTeks lama"
    assert reply_part(english) == "Done."
    assert reply_part(indonesian) == "Sudah."
    assert reply_part("Ok.\n-----Original Message-----\nFrom: x\nOld") == "Ok."


def test_a_forwarded_mail_is_content_not_history():
    text = (
        "Mohon dicek.\n\n-- \nBudi\n\n---------- Forwarded message ---------\n"
        "From: Joko <joko@armada.co.id>\nDate: Mon, 19 Jan 2026 at 21:40\n\nGPS hilang di tol."
    )
    new = reply_part(text, forwarded=True)
    assert "GPS hilang di tol." in new and "Mohon dicek." in new


def test_the_signature_and_a_mobile_sign_off_are_cut():
    assert reply_part("Unit mati.\n\n-- \nBudi Santoso\n+62 812 0000 1111") == "Unit mati."
    assert reply_part("Unit mati.\n\nDikirim dari iPhone saya") == "Unit mati."
    assert reply_part("Unit off.\n\nSent from my Galaxy") == "Unit off."


def test_words_that_only_look_like_an_attribution_stay():
    text = "As I wrote: the unit stopped at 06:10.\nPlease check."
    assert reply_part(text) == text


def test_a_mail_that_is_all_quote_is_kept_rather_than_emptied():
    text = "> Unit B 1234 XYZ tidak update.\n> Mohon dicek."
    assert reply_part(text) == text
