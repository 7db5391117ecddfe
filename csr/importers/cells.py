"""Reading single cells: Danish numbers, the many ways a month is written, header words."""

from __future__ import annotations

import datetime as dt
import math
import re
from itertools import chain

import numpy as np

from csr.fmt import MONTHS, format_period, join  # noqa: F401 (format_period re-exported for the readers)
from csr.model import ERROR, WARNING, Finding
from csr.names import normalize

MONTH_NAMES = {
    "januar": 1,
    "jan": 1,
    "february": 2,
    "februar": 2,
    "feb": 2,
    "marts": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
DANISH_MONTHS = MONTHS  # "januar" … "december" (`csr.fmt`, the one home of month names)

HIDDEN = ".."  # jobindsats.dk: value hidden (discretion) -> missing, with a warning
MISSING = {"", "-", "–", "—", "x", "n/a", "na", "nan", "none"}

_YEAR = r"(19[89]\d|20\d\d|2100)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}\s*[mM]\s*(\d{{1,2}})$"), "YM"),  # 2019M02
    (re.compile(rf"^{_YEAR}\s*[qQkK]\s*([1-4])$"), "YQ"),  # 2019Q1, 2019K1
    (re.compile(rf"^[qQkK]\s*([1-4])\s*[-/ ]?\s*{_YEAR}$"), "QY"),  # Q1 2019
    (re.compile(rf"^([1-4])\s*\.?\s*(?:kvt|kvartal)\.?\s*{_YEAR}$", re.I), "QY"),  # 1. kvt. 2019
    (re.compile(rf"^{_YEAR}\s*[-/.]\s*(\d{{1,2}})(?:\s*[-/.]\s*\d{{1,2}})?(?:[ T].*)?$"), "YM"),  # 2019-02(-01)
    (re.compile(rf"^(\d{{1,2}})\s*[-/.]\s*{_YEAR}$"), "MY"),  # 02-2019, 2/2019
    (re.compile(rf"^(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*{_YEAR}$"), "DMY"),  # 01-02-2019
    (re.compile(rf"^{_YEAR}$"), "Y"),  # 2019
    (re.compile(rf"^{_YEAR}\s*[yYåÅ]\s*0?1$"), "Y"),  # 2019Y01: jobindsats.dk's whole year
]
_MONTH_WORD = re.compile(r"^([a-zæøå]+)\.?\s*[-/ ]?\s*'?(\d{4}|\d{2})$")  # feb 2019, februar 2019, feb-19
_YEAR_MONTH_WORD = re.compile(r"^(\d{4})\s*[-/ ]?\s*([a-zæøå]+)\.?$")  # 2019 februar


_MOVING_TOTAL = re.compile(rf"^{_YEAR}\s*[A-Za-z]*MAT\s*\d{{1,2}}$", re.IGNORECASE)  # 2023QMAT02, 2023MMAT11


def is_moving_total(cell: object) -> bool:
    """A moving annual total ("2023QMAT02"): twelve months ending somewhere in a year, not a calendar period."""
    return isinstance(cell, str) and bool(_MOVING_TOTAL.match(cell.strip()))


def is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell.strip()
    if isinstance(cell, float):
        return math.isnan(cell)
    return False


def parse_period(cell: object) -> tuple[int, str, int] | None:
    """(year, kind, index) for a month ("M", 1-12), quarter ("Q", 1-4) or year ("Y", 0), or None."""
    if isinstance(cell, (dt.date, dt.datetime)):
        return (cell.year, "M", cell.month)
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not cell.is_integer():
            return None
        n = int(cell)
        return (n, "Y", 0) if 1980 <= n <= 2100 else None
    s = str(cell).strip()
    if not s or len(s) > 40:
        return None
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        g = m.groups()
        if kind == "YM":
            year, month = int(g[0]), int(g[1])
        elif kind == "MY":
            month, year = int(g[0]), int(g[1])
        elif kind == "DMY":
            month, year = int(g[1]), int(g[2])
        elif kind == "YQ":
            return (int(g[0]), "Q", int(g[1]))
        elif kind == "QY":
            return (int(g[1]), "Q", int(g[0]))
        else:
            return (int(g[0]), "Y", 0)
        return (year, "M", month) if 1 <= month <= 12 else None
    low = s.casefold()
    m = _MONTH_WORD.match(low)
    if m:
        named = MONTH_NAMES.get(m.group(1))
        year = int(m.group(2))
        if named is None:
            return None
        if year < 100:
            year += 2000
        return (year, "M", named) if 1980 <= year <= 2100 else None
    m = _YEAR_MONTH_WORD.match(low)
    if m and m.group(2) in MONTH_NAMES:
        return (int(m.group(1)), "M", MONTH_NAMES[m.group(2)])
    return None


_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_number(cell: object) -> float | str | None:
    """A float, None for an empty or missing value, HIDDEN for "..", or the original text if not a number.

    Danish formats: "1.234,5", "1234,5", "1.234"; also "1,234.5" and plain floats.
    """
    if cell is None or isinstance(cell, bool):
        return None if cell is None else str(cell)
    if isinstance(cell, (int, float)):
        f = float(cell)
        return None if math.isnan(f) else f
    if isinstance(cell, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return str(cell)
    s = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if s == HIDDEN:
        return HIDDEN
    if s.casefold() in MISSING:
        return None
    neg = s.startswith("-")
    body = s[1:] if neg or s.startswith("+") else s
    if "," in body and "." in body:
        if body.rfind(",") > body.rfind("."):
            body = body.replace(".", "").replace(",", ".")
        else:
            body = body.replace(",", "")
    elif "," in body:
        if body.count(",") > 1:
            return str(cell)
        body = body.replace(",", ".")
    elif "." in body and _THOUSANDS_DOT.match(body):
        body = body.replace(".", "")
    try:
        f = float(body)
    except ValueError:
        return str(cell).strip()
    if math.isnan(f) or math.isinf(f):
        return str(cell).strip()
    return -f if neg else f


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# Header words, compared with `normalize`.
HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "municipality": (
        "kommune",
        "område",
        "omraade",
        "kommunenavn",
        "kommunekode",
        "kommunenr",
        "kommune nr",
        "kommunenummer",
        "myndighed",
        "arbejdsgiver",
        "geografi",
        "area",
        "areas",
        "jobcenter",
        "jobcentre",
        "kommuner",
        "områder",
        "bopælskommune",
        "arbejdsstedskommune",
        "kommune navn",
        "geo",
        "region og kommune",
    ),
    "scheme": (
        "ordning",
        "ordninger",
        "tilbud",
        "ydelse",
        "ydelser",
        "ansættelsesform",
        "ansættelsesforhold",
        "tilbudstype",
        "tilbudsgruppe",
        "indsats",
        "indsatstype",
        "ansættelsestype",
        "ydelsesgruppe",
        "type",
        "kategori",
        "gruppe",
    ),
    "period": (
        "måned",
        "maaned",
        "periode",
        "dato",
        "tid",
        "md",
        "tidspunkt",
        "opgørelsesmåned",
        "måned år",
        "year month",
    ),
    "year": ("år", "aar", "årstal", "kalenderår"),
    "value": ("antal", "værdi", "vaerdi", "personer", "antal ansatte", "antal i alt", "value", "count", "indhold"),
    "persons": (
        "antal personer",
        "personer i alt",
        "antal personer i alt",
        "antal aktiverede",
        "aktiverede",
        "antal aktiverede personer",
        "forventet antal",
        "faktisk antal",
    ),
    "fte": (
        "antal fuldtidspersoner",
        "fuldtidspersoner",
        "fuldtidspers",
        "fuldtidspersoner i alt",
        "antal fuldtidspersoner i alt",
        "helårspersoner",
        "antal helårspersoner",
        "årsværk",
        "antal fuldtidsaktiverede",
        "fuldtidsaktiverede",
        "antal fuldtidsaktiverede personer",
    ),
}
_ROLE_KEYS = {normalize(word): role for role, words in HEADER_ROLES.items() for word in words}


def header_role(cell: object) -> str | None:
    """The role a header cell names (municipality, scheme, period, year, value, persons, fte) or None.

    jobindsats.dk prefixes some measures with their group ("Forventet og faktisk antal …: Faktisk antal"):
    the part after the last ": " is the measure.
    """
    if not isinstance(cell, str):
        return None
    role = _ROLE_KEYS.get(normalize(cell))
    if role is None and ": " in cell:
        role = _ROLE_KEYS.get(normalize(cell.rsplit(": ", 1)[1]))
    return role


def is_footnote(text: str) -> bool:
    low = text.strip().casefold()
    return low.startswith(("kilde", "note", "anm", "fodnote", "*", "obs", "bemærk", "source", "(", "¹", "1)"))


# ---- text from a file is data ---------------------------------------------------------------------
# Every cell, sheet name and file name passes `clean_rows` / `clean_name` where it comes in (`read_cells`):
# characters that carry no meaning in a label are removed with a warning that names the cell, line breaks
# and tabs become spaces, and text longer than a label may be is an error. See README, "Hostile content".

MAX_LABEL = 200  # characters in a cell beside other cells (a name, a header, a value)
MAX_PROSE = 1000  # characters in a cell alone on its row (a title, a note, a footnote)
MAX_TEXT_FINDINGS = 10

_SPACES = "\t\n\r\x0b\x0c\x85\u2028\u2029"
_INVISIBLE = {  # what a person is told was removed
    "styretegn": "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f",
    "retningstegn": "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",
    "usynligt tegn": "\u00ad\u034f\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U000e0000-\U000e007f",
    "ugyldigt tegn": "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff",
}
_REMOVE = re.compile("[" + "".join(_INVISIBLE.values()) + "]")
_SPACE = re.compile(f"[{_SPACES}]")
_KINDS = [(kind, re.compile(f"[{chars}]")) for kind, chars in _INVISIBLE.items()]


def clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with line breaks and tabs as spaces and meaningless characters removed, and what was removed
    ("styretegn U+0001"); cheap for the common case of plain printable text."""
    if text.isascii() and text.isprintable():
        return text, ()
    removed = tuple(
        dict.fromkeys(
            f"{kind} U+{ord(ch):04X}" for ch in _REMOVE.findall(text) for kind, pattern in _KINDS if pattern.match(ch)
        )
    )
    return _SPACE.sub(" ", _REMOVE.sub("", text)), removed


def clean_name(name: str, what: str) -> tuple[str, list[Finding]]:
    """A file or sheet name cleaned like a cell; `what` is "Filnavnet" or "Arknavnet" for the sentence."""
    cleaned, removed = clean_text(name)
    findings = []
    if removed:
        findings.append(
            Finding(WARNING, f"{what} '{cleaned}' havde tegn uden betydning, som er fjernet ({join(removed)}).")
        )
    if len(cleaned) > MAX_LABEL:
        cleaned = cleaned[:MAX_LABEL] + "…"
        findings.append(
            Finding(ERROR, f"{what} er for langt ({len(name)} tegn; højst {MAX_LABEL}). Giv det et kortere navn.")
        )
    return cleaned, findings


def clean_rows(rows: list[list], file: str, sheet: str, row_offset: int = 0, col_offset: int = 0) -> list[Finding]:
    """Clean the text cells of freshly read rows in place; a finding per changed or over-long cell.

    Each distinct text is judged once (a million-row sheet holds a few thousand), so the common case costs
    one pass that collects the distinct cells.
    """
    distinct = set(chain.from_iterable(rows))
    suspect = {s for s in distinct if type(s) is str and (len(s) > MAX_LABEL or not (s.isascii() and s.isprintable()))}
    if not suspect:
        return []
    fixed: dict[str, tuple[str, tuple[str, ...]]] = {}
    for s in suspect:
        cleaned, removed = clean_text(s)
        if removed or cleaned != s or len(cleaned) > MAX_LABEL:
            fixed[s] = (cleaned, removed)
    if not fixed:
        return []
    warnings: list[Finding] = []
    errors: list[Finding] = []
    n_warnings = n_errors = 0
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if type(cell) is not str or cell not in fixed:
                continue
            cleaned, removed = fixed[cell]
            row_no, column = row_offset + i + 1, column_letter(col_offset + j)
            limit = MAX_PROSE if sum(not is_blank(c) for c in row) == 1 else MAX_LABEL
            if len(cleaned) > limit:
                n_errors += 1
                if len(errors) < MAX_TEXT_FINDINGS:
                    errors.append(
                        Finding(
                            ERROR,
                            f"Teksten i cellen er for lang: {len(cleaned)} tegn, og en celle må højst have "
                            f"{limit} tegn her. Den begynder '{cleaned[:40]}…'. Ret cellen, eller vælg den rigtige fil.",
                            value=cleaned[:40] + "…",
                            file=file,
                            sheet=sheet,
                            row=row_no,
                            column=column,
                        )
                    )
                cleaned = cleaned[:limit] + "…"  # nothing after the reader sees the whole text
            elif removed:
                n_warnings += 1
                if len(warnings) < MAX_TEXT_FINDINGS:
                    warnings.append(
                        Finding(
                            WARNING,
                            f"Tegn uden betydning fjernet fra cellen: {join(removed)}. Cellen læses som '{cleaned}'.",
                            value=cleaned[:MAX_LABEL],
                            file=file,
                            sheet=sheet,
                            row=row_no,
                            column=column,
                        )
                    )
            row[j] = cleaned
    extra = []
    if n_errors > len(errors):
        extra.append(Finding(ERROR, f"For lang tekst også i {n_errors - len(errors)} andre celler.", file, sheet))
    if n_warnings > len(warnings):
        extra.append(
            Finding(
                WARNING, f"Tegn uden betydning fjernet også fra {n_warnings - len(warnings)} andre celler.", file, sheet
            )
        )
    return [*errors, *warnings, *extra]


_UNQUOTED_CSV_SUSPECT = {  # what `clean_text` changes, beside line breaks (they end a line of an unquoted CSV)
    delimiter: re.compile(
        "[" + "".join(_INVISIBLE.values()) + _SPACES.replace("\n", "").replace("\r", "").replace(delimiter, "") + "]"
    )
    for delimiter in (";", ",", "\t")
}

_LATIN1_SUSPECT = {
    delimiter: bytes(c for c in range(256) if pattern.match(chr(c)))
    for delimiter, pattern in _UNQUOTED_CSV_SUSPECT.items()
}


def csv_text_is_clean(text: str, delimiter: str) -> bool:
    """Whether `clean_rows` would find nothing in csv.reader's rows of `text` (True), judged on the text alone.

    Only for text without a quote character: then every line is one row and its cells are the parts between
    delimiters, so no cell holds a line break, and a cell can only be over-long on a line that is. One regex
    search over the text instead of a look at each distinct cell (a 100,000-row person list has 100,000).
    False means "look at the cells" (`clean_rows`), not that something is wrong.
    """
    suspect = _UNQUOTED_CSV_SUSPECT.get(delimiter)
    if suspect is None or '"' in text:
        return False
    try:  # Danish text is mostly Latin-1: then a byte deletion (fast) finds the suspect characters
        latin1 = text.encode("latin-1")
    except UnicodeEncodeError:
        latin1 = None
    if latin1 is not None:
        if len(latin1.translate(None, _LATIN1_SUSPECT[delimiter])) != len(latin1):
            return False
        breaks = np.flatnonzero((np.frombuffer(latin1, np.uint8) == 10) | (np.frombuffer(latin1, np.uint8) == 13))
        bounds = np.concatenate(([-1], breaks, [len(latin1)]))
        long_lines = np.flatnonzero(np.diff(bounds) - 1 > MAX_LABEL)
        lines = (text[bounds[i] + 1 : bounds[i + 1]] for i in long_lines.tolist())
    elif suspect.search(text):
        return False
    else:
        lines = (line for line in text.splitlines() if len(line) > MAX_LABEL)
    return all(len(cell) <= MAX_LABEL for line in lines for cell in line.split(delimiter))
