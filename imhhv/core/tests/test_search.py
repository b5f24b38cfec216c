"""Search folding (imhhv.core.search): any accent or case variant of a name finds it, and
a part of a word does too."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.search import (
    matches,
    medicaid_id_candidates,
    query_terms,
    search_text,
    search_words,
)

NAMES = ["José", "Zoë", "Nguyễn", "O'Neil", "Smith-Jones", "Søren", "Łukasz", "Müller", "Ana"]
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0303", "\u0302"]  # combining marks


def test_accents_case_and_punctuation_fold_away():
    assert search_words("  José  O'Neil-Smith ") == ["jose", "oneilsmith"]
    assert search_text(["Zoë", "Ålvarez", "Zoë"]) == " zoe alvarez "
    assert search_words("Søren Łukasz") == ["soren", "lukasz"]
    assert search_words("STRASSE Straße") == ["strasse"]


def test_letters_of_other_scripts_are_kept():
    assert search_words("فاطمة") == ["فاطمة"]
    assert matches(search_text(["রহিম"]), "রহি")


def test_a_part_of_a_word_finds_the_name():
    text = search_text(["José", "García", "Ana"])
    assert matches(text, "jos")
    assert matches(text, "JOS garc")
    assert matches(text, "arcí")
    assert not matches(text, "josh")
    assert not matches(text, "")
    assert not matches(text, "!!")


def test_hyphens_and_apostrophes_do_not_matter_either_way():
    text = search_text(["Mary", "Smith-Jones", "O'Neil"])
    for query in ("smith jones", "smithjones", "smith-jones", "jones", "o'neil", "oneil", "o neil"):
        assert matches(text, query), query


def test_terms_are_bounded_and_longest_first():
    assert query_terms("a bb ccc") == ["ccc", "bb", "a"]
    assert len(query_terms(" ".join(f"w{i}" for i in range(30)))) == 8


def test_medicaid_ids_are_looked_up_only_for_what_looks_like_one():
    assert medicaid_id_candidates("ab-12 34") == []
    assert medicaid_id_candidates("José") == []
    assert medicaid_id_candidates(" 0012345678 ") == ["0012345678"]
    assert medicaid_id_candidates("mi-123") == ["mi-123", "mi123", "MI123"]


def _variant(draw, name: str) -> str:
    out = []
    for c in name:
        c = c.upper() if draw(st.booleans()) else c.lower()
        out.append(c)
        if c.isalpha() and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(ACCENTS)))
    form = draw(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
    return unicodedata.normalize(form, "".join(out))


@st.composite
def name_and_variant(draw):
    name = draw(
        st.sampled_from(NAMES)
        | st.text(st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=12)
    )
    return name, _variant(draw, name)


@given(name_and_variant(), st.data())
def test_any_accent_or_case_variant_of_a_name_finds_it(pair, data):
    name, variant = pair
    text = search_text([name, "Other"])
    if not search_words(name):
        return
    assert matches(text, variant)
    # and any part of the typed variant's folded word does too
    word = search_words(variant)[0]
    start = data.draw(st.integers(0, len(word) - 1))
    end = data.draw(st.integers(start + 1, len(word)))
    assert matches(text, word[start:end])


@given(st.text(max_size=40), st.text(max_size=40))
def test_folding_is_idempotent_and_never_fails(a, b):
    text = search_text([a, b])
    assert search_text([text]) == text
    for term in query_terms(a):
        assert term == term.casefold() or not term.isascii()
