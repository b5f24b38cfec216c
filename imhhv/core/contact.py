"""Phone numbers and ZIP codes: what counts as one, and the one way each is stored.

Written once (like `imhhv.core.dates`): the services check and normalise every phone and
ZIP they save, so the pages and the API agree; a form calls the same functions only to
show the message beside its field (a caregiver's row of a formset).

Phone: a US number (the NANP), typed any usual way: "313-555-0123", "(313) 555 0123",
"313.555.0123", "+1 313 555 0123", "13135550123". Everything but digits is punctuation,
provided it is punctuation (spaces, brackets, dashes, dots, a leading +); letters or
anything else make it invalid, so "call after 5" or an extension is refused rather than
silently cut. After removing the punctuation there are 10 digits, or 11 with a leading 1;
the area code and the exchange do not start with 0 or 1 (no US number does, and a
misplaced digit usually makes them do). Stored as "(313) 555-0123": one spelling, so a
number is found and compared the same however it was typed.

ZIP: 5 digits, or ZIP+4 ("48104-1234", also accepted as "48104 1234" or "481041234").
Stored as "48104" or "48104-1234". No check that the ZIP exists or lies in Michigan:
families near the border live in Ohio, Indiana or Wisconsin, and a list of ZIPs would go
stale.

An empty value stays empty (both fields are optional); whether one is required is a
different rule, for the caller.
"""

import re
from collections.abc import Iterable, Mapping

PHONE_MESSAGE = "Enter a 10-digit US phone number, for example (313) 555-0123."
ZIP_MESSAGE = "Enter a 5-digit ZIP code, or ZIP+4 such as 48104-1234."

_PHONE_PUNCTUATION = re.compile(r"[\s().\-]+")
_ZIP = re.compile(r"(\d{5})(?:[\s-]?(\d{4}))?")


def normalize_phone(text: str) -> str | None:
    """`text` as "(NPA) NXX-XXXX", "" for a blank one, or None when it is not a US phone
    number (see the module docstring)."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith("+"):
        text = text[1:]
        if not text.lstrip().startswith("1"):
            return None  # a country code other than +1
    digits = _PHONE_PUNCTUATION.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def normalize_zip(text: str) -> str | None:
    """`text` as "NNNNN" or "NNNNN-NNNN", "" for a blank one, or None when it is not a ZIP
    code."""
    text = (text or "").strip()
    if not text:
        return ""
    match = _ZIP.fullmatch(text)
    if match is None or not text.isascii():
        return None
    five, four = match.groups()
    return f"{five}-{four}" if four else five


def check_contact(
    values: Mapping[str, str],
    *,
    phones: Iterable[str] = ("phone",),
    zips: Iterable[str] = ("zip_code",),
) -> tuple[dict[str, str], dict[str, str]]:
    """(normalised values, messages) for the phone and ZIP fields present in `values`.

    The first dict holds the normalised value of every valid phone/ZIP field found; the
    second the message for every invalid one, by field name. Other keys are ignored.
    """
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for names, normalize, message in (
        (phones, normalize_phone, PHONE_MESSAGE),
        (zips, normalize_zip, ZIP_MESSAGE),
    ):
        for name in names:
            if name not in values:
                continue
            value = normalize(values[name] or "")
            if value is None:
                errors[name] = message
            else:
                cleaned[name] = value
    return cleaned, errors
