"""Names as intake compares them when looking for possible duplicates."""

import re
import unicodedata


def normalize_name(first: str, last: str) -> str:
    """'  José  O'Neil-Smith ' -> 'jose oneilsmith': case, accents, punctuation and spacing
    do not make two people different."""

    def clean(part: str) -> str:
        decomposed = unicodedata.normalize("NFKD", part)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        return re.sub(r"[^a-z0-9 ]", "", letters.casefold()).strip()

    words = f"{clean(first)} {clean(last)}".split()
    return " ".join(words)
