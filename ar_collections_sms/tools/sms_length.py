"""Length of an SMS text: encoding, characters and segments (3GPP TS 23.038)."""

from dataclasses import dataclass

# GSM 03.38 default alphabet (basic character set).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each of these takes two septets (escape + character).
GSM7_EXTENSION = set("^{}\\[~]|€\f")

SINGLE_LIMIT = {"GSM-7": 160, "UCS-2": 70}
# A multipart message loses room to the concatenation header in each part.
PART_LIMIT = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SmsLength:
    """Encoding (``GSM-7`` or ``UCS-2``), characters and segments of a text."""

    encoding: str
    characters: int
    units: int
    segments: int


def measure_sms(text):
    """Return the :class:`SmsLength` of ``text``.

    ``units`` counts septets for GSM-7 (extension characters count twice)
    and UTF-16 code units for UCS-2 (characters outside the Basic
    Multilingual Plane, such as emoji, count twice).
    """
    text = text or ""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        encoding = "GSM-7"
        units = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    else:
        encoding = "UCS-2"
        units = len(text.encode("utf-16-le")) // 2

    if units == 0:
        segments = 0
    elif units <= SINGLE_LIMIT[encoding]:
        segments = 1
    else:
        segments = -(-units // PART_LIMIT[encoding])
    return SmsLength(encoding, len(text), units, segments)
