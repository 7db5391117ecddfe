"""Name matching: municipality, scheme and header names arrive in many spellings."""

from __future__ import annotations

import difflib
import re
import unicodedata

_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_KOMMUNE = re.compile(r"\b(kommune|kommunes|kom\.)\b")


def normalize(text: object) -> str:
    """A comparison key: case, accents, Danish letter variants (aa/å, oe/ø, ae/æ) and punctuation aside."""
    s = str(text).casefold().translate(_LETTERS)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    return _NON_ALNUM.sub("", s)


def normalize_municipality(text: object) -> str:
    """Like `normalize`, but also drops the word "Kommune"."""
    s = str(text).casefold()
    s = _KOMMUNE.sub(" ", s)
    return normalize(s)


def nearest(key: str, candidates: dict[str, str], n: int = 3) -> list[str]:
    """The display names whose normalized keys are closest to `key` (for "did you mean")."""
    hits = difflib.get_close_matches(key, list(candidates), n=n * 3, cutoff=0.5)
    names: list[str] = []
    for hit in hits:
        name = candidates[hit]
        if name not in names:
            names.append(name)
    return names[:n]
