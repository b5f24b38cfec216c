"""Names as search compares them: the words stored for a record and the terms of a query.

Both sides go through `search_words`, so a query finds a name however either was typed:
case, accents, apostrophes and hyphens do not matter ("jos" finds "José", "oneil" finds
"O'Neil", "smith jones" and "smithjones" find "Smith-Jones"). Letters of every script are
kept (an Arabic or Bengali name is searchable as typed); letters that do not decompose
into a base letter and an accent (ø, æ, ł, đ …) are spelled out the way people type them
without the accent.

A record's search text is its words joined by single spaces with a space at each end
(" jose garcia ana "); a query matches when every one of its terms is a substring of the
text, so any word prefix or part of a word finds it. Pure Python: the
stored text is computed here and compared with SQL LIKE, which works the same on SQLite
and PostgreSQL because both sides are already folded.
"""

import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD leaves alone, as typed on a keyboard without them.
_SPELLED = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŋ": "n",
    }
)
# Joined inside a word: O'Neil, Smith-Jones, St.Clair.
_JOINERS = re.compile(r"['’ʼ`´\-‐‑–.]")
MAX_TERMS = 8  # more words than any name has: the rest of a query is ignored
MIN_TERM = 1


def fold(text: str) -> str:
    """Lower case, no accents, spelled-out special letters; other characters unchanged."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Casefolded again: a few letters only show their case once their accent is gone.
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return unicodedata.normalize("NFC", letters.translate(_SPELLED))


def search_words(text: str) -> list[str]:
    """The words of `text` as search compares them, in order, each once."""
    joined = _JOINERS.sub("", fold(text))
    cleaned = "".join(c if c.isalnum() else " " for c in joined)
    return list(dict.fromkeys(cleaned.split()))


def search_text(names: Iterable[str]) -> str:
    """The stored search text of a record from its people's names (" ana jose garcia ")."""
    words: list[str] = []
    for name in names:
        words.extend(search_words(name or ""))
    unique = list(dict.fromkeys(words))
    return f" {' '.join(unique)} " if unique else ""


def query_terms(query: str) -> list[str]:
    """The terms a query must all contain (at most `MAX_TERMS`, longest first: the most
    selective term is the first condition the database checks)."""
    terms = [t for t in search_words(query) if len(t) >= MIN_TERM][:MAX_TERMS]
    return sorted(terms, key=len, reverse=True)


def matches(text: str, query: str) -> bool:
    """What the database answers for one record: every term is part of the text."""
    terms = query_terms(query)
    return bool(terms) and all(term in text for term in terms)


def medicaid_id_candidates(query: str) -> list[str]:
    """The spellings of a Medicaid id to look up for `query`, or none when the query does
    not look like an id (it needs a digit and no spaces inside)."""
    value = query.strip()
    if not value or " " in value or not any(c.isdigit() for c in value) or len(value) > 40:
        return []
    compact = re.sub(r"[\s\-]", "", value)
    return list(dict.fromkeys([value, compact, compact.upper()]))
