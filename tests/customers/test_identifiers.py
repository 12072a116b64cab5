from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate


@pytest.mark.parametrize(
    ("raw", "plate"),
    [
        ("b1234xyz", "B 1234 XYZ"),
        ("B-1234-XYZ", "B 1234 XYZ"),
        ("  l 8812  ab ", "L 8812 AB"),
        ("D77KQ", "D 77 KQ"),
        ("AB 1 C", "AB 1 C"),
        ("B 1234", "B 1234"),
    ],
)
def test_plates_are_stored_in_one_spelling(raw, plate):
    assert normalise_plate(raw) == plate


@pytest.mark.parametrize("raw", ["", "1234", "ABC 1234 XY", "B 12345 XY", "B 1234 WXYZ", "B12X34"])
def test_what_is_not_a_plate_is_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as refused:
        normalise_plate(raw)
    assert "plate" in refused.value.messages[0]


def test_an_imei_is_checked_by_its_luhn_digit():
    assert normalise_imei("490154203237518") == "490154203237518"
    assert normalise_imei("49-015420-323751-8") == "490154203237518"
    with pytest.raises(ValidationError, match="check digit"):
        normalise_imei("490154203237519")
    with pytest.raises(ValidationError, match="15 digits"):
        normalise_imei("49015420323751")


@pytest.mark.parametrize(
    "raw", ["081234567890", "+62 812-3456-7890", "6281234567890", "0812 3456 7890"]
)
def test_indonesian_numbers_in_any_spelling_are_one_e164_number(raw):
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "12", "not a number"])
def test_what_is_not_a_phone_number_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)
