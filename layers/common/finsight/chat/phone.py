"""Phone numbers as WhatsApp knows them: parsed and stored in E.164 with `phonenumbers` (the lite build: the
numbering metadata without geocoding or carriers)."""

from __future__ import annotations

import phonenumbers

from finsight.platform.errors import BadRequestError

# Where a number typed without its country code is from, by the user's currency: only currencies of one
# country (a euro or a dollar of the Caribbean says nothing), so anyone else types their country code.
CURRENCY_REGIONS = {
    "INR": "IN", "USD": "US", "GBP": "GB", "JPY": "JP", "AUD": "AU", "CAD": "CA", "SGD": "SG", "AED": "AE",
    "NZD": "NZ", "CHF": "CH", "CNY": "CN", "HKD": "HK", "ZAR": "ZA", "BRL": "BR", "MXN": "MX", "KRW": "KR",
    "SEK": "SE", "NOK": "NO", "DKK": "DK", "PKR": "PK", "BDT": "BD", "LKR": "LK", "NPR": "NP", "IDR": "ID",
    "MYR": "MY", "PHP": "PH", "THB": "TH", "VND": "VN", "NGN": "NG", "KES": "KE", "EGP": "EG", "SAR": "SA",
    "TRY": "TR", "PLN": "PL", "ILS": "IL", "CZK": "CZ", "HUF": "HU", "RON": "RO", "ARS": "AR", "CLP": "CL",
    "COP": "CO", "PEN": "PE", "QAR": "QA", "KWD": "KW", "OMR": "OM", "BHD": "BH", "TWD": "TW", "UAH": "UA",
}  # fmt: skip
MAX_INPUT_LENGTH = 32


class InvalidPhoneNumberError(BadRequestError):
    default_message = "Invalid request: whatsapp_number: not a valid phone number."


def to_e164(raw: str, currency: str) -> str:
    """`raw` as E.164 ("+919876543210"); a number without its country code is read as one of the region of
    `currency` (India for INR). 400 when it is not a number that can exist."""
    text = raw.strip()
    region = CURRENCY_REGIONS.get(currency)
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidPhoneNumberError()
    if not text.startswith("+") and region is None:
        raise InvalidPhoneNumberError("Invalid request: whatsapp_number: add your country code, e.g. +49 151 2345678.")
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumberError() from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumberError()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
