"""WhatsApp numbers in E.164, as `phonenumbers` reads them; a national number takes the currency's region."""

from __future__ import annotations

import pytest

from finsight.chat.phone import InvalidPhoneNumberError, to_e164


@pytest.mark.parametrize(
    ("typed", "currency", "e164"),
    [
        ("98765 43210", "INR", "+919876543210"),
        ("098765-43210", "INR", "+919876543210"),
        ("+91 98765 43210", "USD", "+919876543210"),  # a country code wins over the currency
        ("(415) 555-2671", "USD", "+14155552671"),
        ("07911 123456", "GBP", "+447911123456"),
        ("+49 151 23456789", "EUR", "+4915123456789"),
        ("  +65 8123 4567 ", "SGD", "+6581234567"),
    ],
)
def test_a_number_in_any_usual_form_is_stored_in_e164(typed: str, currency: str, e164: str) -> None:
    assert to_e164(typed, currency) == e164


@pytest.mark.parametrize(
    ("typed", "currency", "fragment"),
    [
        ("0151 23456789", "EUR", "country code"),  # the euro names no one country
        ("12345", "INR", "not a valid phone number"),
        ("+1 555 0100", "USD", "not a valid phone number"),
        ("call me maybe", "INR", "not a valid phone number"),
        ("+" + "9" * 40, "INR", "not a valid phone number"),
    ],
)
def test_what_is_not_a_number_that_can_exist_is_a_400(typed: str, currency: str, fragment: str) -> None:
    with pytest.raises(InvalidPhoneNumberError) as raised:
        to_e164(typed, currency)
    assert raised.value.status_code == 400
    assert fragment in raised.value.message
