"""Normalisers for the identifiers customers give us: plates, IMEIs, phone numbers.

Each returns the canonical form or raises ValidationError with a message that
says what is wrong, so every intake path stores one spelling of each.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Indonesian plates: region code (1-2 letters), number (1-4 digits), suffix (0-3 letters).
_PLATE = re.compile(r"^([A-Z]{1,2})(\d{1,4})([A-Z]{0,3})$")


def normalise_plate(raw: str) -> str:
    """`b1234xyz`, `B-1234-XYZ`, ` b 1234  xyz ` -> `B 1234 XYZ`."""
    compact = re.sub(r"[\s.\-]", "", (raw or "").upper())
    match = _PLATE.match(compact)
    if not match:
        raise ValidationError(
            _("%(plate)s is not an Indonesian plate number (e.g. B 1234 XYZ).")
            % {"plate": repr(raw)},
            code="plate",
        )
    return " ".join(part for part in match.groups() if part)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalise_imei(raw: str) -> str:
    """A 15-digit IMEI whose last digit is its Luhn check digit."""
    digits = re.sub(r"[\s\-]", "", raw or "")
    if not re.fullmatch(r"\d{15}", digits):
        raise ValidationError(
            _("%(imei)s is not an IMEI: it must be 15 digits.") % {"imei": repr(raw)},
            code="imei",
        )
    if not luhn_ok(digits):
        raise ValidationError(
            _("%(imei)s is not a valid IMEI: its check digit does not match.")
            % {"imei": repr(raw)},
            code="imei_check_digit",
        )
    return digits


def normalise_phone(raw: str, region: str = "ID") -> str:
    """`0812...`, `+62 812...`, `62812...` -> `+62812...` (E.164)."""
    text = (raw or "").strip()
    candidate = text
    if re.fullmatch(r"62\d{8,13}", re.sub(r"[\s\-]", "", text)):
        candidate = "+" + re.sub(r"[\s\-]", "", text)
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("%(phone)s is not a phone number.") % {"phone": repr(raw)}, code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
