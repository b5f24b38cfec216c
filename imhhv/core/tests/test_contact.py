"""Phone numbers and ZIP codes (imhhv.core.contact): examples and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.contact import (
    PHONE_MESSAGE,
    ZIP_MESSAGE,
    check_contact,
    normalize_phone,
    normalize_zip,
)

CANONICAL = "(313) 555-0123"


@pytest.mark.parametrize(
    "typed",
    [
        "313-555-0123",
        "(313) 555-0123",
        "(313)555-0123",
        "313.555.0123",
        "313 555 0123",
        "3135550123",
        "13135550123",
        "1-313-555-0123",
        "+1 313 555 0123",
        "+1 (313) 555-0123",
        "  313-555-0123  ",
    ],
)
def test_the_usual_ways_of_typing_a_number_are_one_number(typed):
    assert normalize_phone(typed) == CANONICAL


@pytest.mark.parametrize(
    "typed",
    [
        "555-0123",  # 7 digits: no area code
        "313-555-01234",  # 11 digits not starting with 1
        "23135550123",
        "113-555-0123",  # area code starting with 1
        "013-555-0123",
        "313-155-0123",  # exchange starting with 1
        "313-055-0123",
        "+44 20 7946 0958",  # not a US number
        "313-555-0123 ext 4",  # an extension is refused, not cut off
        "call after 5",
        "313-555-O123",  # a letter O for a zero
        "３１３５５５０１２３",  # full-width digits
        "313/555/0123",
    ],
)
def test_what_is_not_a_us_number_is_refused(typed):
    assert normalize_phone(typed) is None


def test_blank_stays_blank():
    assert normalize_phone("") == "" and normalize_phone("   ") == ""
    assert normalize_zip("") == "" and normalize_zip("  ") == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("48104", "48104"),
        (" 48104 ", "48104"),
        ("48104-1234", "48104-1234"),
        ("48104 1234", "48104-1234"),
        ("481041234", "48104-1234"),
        ("00501", "00501"),
    ],
)
def test_zip_codes(typed, stored):
    assert normalize_zip(typed) == stored


@pytest.mark.parametrize(
    "typed", ["4810", "481045", "48104-123", "48104--1234", "ABCDE", "48l04", "４８１０４"]
)
def test_what_is_not_a_zip_code_is_refused(typed):
    assert normalize_zip(typed) is None


# --- properties -----------------------------------------------------------------------

DIGIT = st.sampled_from("0123456789")
LEADING = st.sampled_from("23456789")  # an area code or exchange never starts 0 or 1


@st.composite
def us_numbers(draw) -> str:
    area = draw(LEADING) + draw(DIGIT) + draw(DIGIT)
    exchange = draw(LEADING) + draw(DIGIT) + draw(DIGIT)
    line = "".join(draw(DIGIT) for _ in range(4))
    return area + exchange + line


SEPARATORS = st.sampled_from(["", " ", "-", ".", "  "])


@given(number=us_numbers(), sep=SEPARATORS, brackets=st.booleans(), country=st.booleans())
def test_any_us_number_however_typed_is_stored_in_one_spelling(number, sep, brackets, country):
    area, exchange, line = number[:3], number[3:6], number[6:]
    typed = (f"({area})" if brackets else area) + sep + exchange + sep + line
    if country:
        typed = "+1 " + typed
    stored = normalize_phone(typed)
    assert stored == f"({area}) {exchange}-{line}"
    assert normalize_phone(stored) == stored  # normalising twice changes nothing


@given(st.text(max_size=30))
def test_a_stored_phone_has_exactly_ten_digits_and_one_shape(text):
    stored = normalize_phone(text)
    if stored:
        assert len([c for c in stored if c.isdigit()]) == 10
        assert stored[0] == "(" and stored[4:6] == ") " and stored[9] == "-"
        assert normalize_phone(stored) == stored


@given(number=us_numbers(), letter=st.characters(categories=["Lu", "Ll"]), at=st.integers(0, 9))
def test_a_letter_anywhere_makes_a_phone_invalid(number, letter, at):
    assert normalize_phone(number[:at] + letter + number[at:]) is None


@given(digits=st.text(alphabet="0123456789", max_size=14))
def test_a_phone_needs_ten_digits_or_eleven_with_a_leading_one(digits):
    if normalize_phone(digits):
        assert len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")


@given(
    digits=st.text(alphabet="0123456789", min_size=0, max_size=12),
    sep=st.sampled_from(["", "-", " "]),
)
def test_a_zip_is_five_digits_or_zip_plus_four(digits, sep):
    typed = digits[:5] + sep + digits[5:] if len(digits) > 5 else digits
    stored = normalize_zip(typed)
    if len(digits) == 5:
        assert stored == digits
    elif len(digits) == 9:
        assert stored == f"{digits[:5]}-{digits[5:]}"
    elif digits:
        assert stored is None
    if stored:
        assert normalize_zip(stored) == stored


@given(phone=st.text(max_size=20), zip_code=st.text(max_size=12))
def test_check_contact_answers_for_every_field_present_once(phone, zip_code):
    cleaned, errors = check_contact(
        {"phone": phone, "zip_code": zip_code, "city": "Testville"},
    )
    assert set(cleaned) | set(errors) == {"phone", "zip_code"}
    assert not set(cleaned) & set(errors)
    assert errors.get("phone", PHONE_MESSAGE) == PHONE_MESSAGE
    assert errors.get("zip_code", ZIP_MESSAGE) == ZIP_MESSAGE


def test_check_contact_names_the_fields_asked_for():
    cleaned, errors = check_contact(
        {"referrer_phone": "313 555 0199", "phone": "nope"}, phones=("referrer_phone",), zips=()
    )
    assert cleaned == {"referrer_phone": "(313) 555-0199"} and errors == {}
