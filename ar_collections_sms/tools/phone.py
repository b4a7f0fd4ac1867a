"""Normalise phone numbers to E.164 for SMS, with the reason when that fails."""

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# Types that can receive an SMS. FIXED_LINE_OR_MOBILE is what the metadata
# returns for countries (United States, Canada) whose numbering plan does
# not tell mobile and fixed numbers apart.
MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class PhoneCheck:
    """Outcome of checking one number.

    ``state`` is ``valid``, ``missing``, ``ambiguous``, ``invalid`` or
    ``not_mobile``. ``e164`` is set whenever the number parses to a valid
    number, so a landline keeps its E.164 value next to its ``not_mobile``
    state.
    """

    state: str
    e164: str = ""


def _clean(number):
    """Strip spaces and punctuation, and turn a leading 00 into +."""
    cleaned = re.sub(r"[\s().\-/]", "", number or "")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    return cleaned


def normalize_mobile(number, country_codes):
    """Check ``number`` as a mobile number and return a :class:`PhoneCheck`.

    ``country_codes`` are ISO country codes in order of preference (the
    contact's country, then the company's), empty values skipped. A number
    in national format with no country to read it in is ``ambiguous``: the
    country code is never guessed. Russia's ``8`` trunk prefix is read by
    the RU metadata, so ``8 912 345-67-89`` with country RU is valid.
    """
    cleaned = _clean(number)
    if not cleaned:
        return PhoneCheck("missing")

    region = next((code.upper() for code in country_codes if code), None)
    if not cleaned.startswith("+") and not region:
        return PhoneCheck("ambiguous")

    try:
        parsed = phonenumbers.parse(
            cleaned, None if cleaned.startswith("+") else region
        )
    except phonenumbers.NumberParseException:
        return PhoneCheck("invalid")
    if not phonenumbers.is_valid_number(parsed):
        return PhoneCheck("invalid")

    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        return PhoneCheck("not_mobile", e164)
    return PhoneCheck("valid", e164)
