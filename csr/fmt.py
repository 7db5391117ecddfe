"""Danish formatting primitives: numbers, shares and gaps, counts and plurals, lists, months and dates,
scheme display names, the order of periods and the digest of a set of files.

One home for each: the sentences (`csr.text`), the importers, the store, the planner, the charts and the
pages all format through these, so "1.234,5", "a, b og c" and "februar 2019" are written once.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from csr.config import HEADCOUNT

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from csr.config import Config

MINUS = "−"  # the typographic minus sign of printed numbers


def _unknown(value: object) -> TypeIs[None]:
    """None or NaN: a figure that is not there ("–"). (For the checker: a known value is not None.)"""
    return value is None or (isinstance(value, float) and math.isnan(value))


# ---- numbers ------------------------------------------------------------------------------------


def number(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5" (thousands dot, decimal comma); None -> "–"."""
    if _unknown(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def signed_number(value: float, decimals: int = 1) -> str:
    """A Danish number with a proper minus sign: "−37,0"."""
    return number(value, decimals).replace("-", MINUS)


def _order(a: float, b: float) -> int:
    return (a > b) - (a < b)


def _directed(value: float, decimals: int, up: bool) -> float:
    """`value` rounded up or down to `decimals` (the last digit's float noise removed first)."""
    scale = 10**decimals
    scaled = round(value * scale, 6)
    return (math.ceil(scaled) if up else math.floor(scaled)) / scale


def _shown_values(value: float, reference: float) -> tuple[float, float, int]:
    """The numbers to show for `value` and `reference`, and their decimals (see `shown_pair`)."""
    truth = _order(value, reference)
    for decimals in (1, 2):
        if _order(round(value, decimals), round(reference, decimals)) == truth:
            return round(value, decimals), round(reference, decimals), decimals
    # Both round to the same two-decimal number, yet differ: round each away from the other.
    above = truth > 0
    return _directed(value, 2, up=above), _directed(reference, 2, up=not above), 2


def decimals_for(value: float, threshold: float | None, strict: bool = False) -> int:
    """The decimals a share needs beside `threshold` (a target's threshold or the neighbours' average):
    one, or two where one would make the shown numbers order differently from the true ones (4,96 %
    against 5 % shown as "5,0 %"; 6,98 % against 6,96 % shown as "7,0 %" against "7,0 %").

    The rule is the order, not the status, so it holds for strict ("over gennemsnittet") and non-strict
    ("mindst") targets alike; `strict` is accepted so callers say which they mean. See `shown_pair` for
    what is shown where even two decimals round both to the same number.
    """
    del strict  # the order of value and threshold decides, whatever the target's kind
    if threshold is None or _unknown(value) or _unknown(threshold):
        return 1
    return _shown_values(float(value), float(threshold))[2]


def shown_pair(value: float, reference: float, strict: bool = False) -> tuple[str, str]:
    """A share and the threshold or average it is compared with, as shown side by side ("6,98 %",
    "6,96 %"): both with the same decimals, as many (one or two) as it takes for the shown numbers to
    order like the true ones.

    Where two decimals round both to the same number (4,999 % against 5 %), the value is rounded away
    from the reference and the reference away from the value, each by less than 0,01: "4,99 %" against
    "5,00 %", "6,99 %" against "6,98 %" for 6,9801 against 6,98. Equal values are shown equal. So the shown
    numbers never contradict the status, whether the target is strict (above the average) or not.
    """
    del strict  # see `decimals_for`
    shown_value, shown_reference, decimals = _shown_values(float(value), float(reference))
    return f"{number(shown_value, decimals)} %", f"{number(shown_reference, decimals)} %"


def unbroken(value: str) -> str:
    """`value` with no-break spaces: a number and its unit ("10,2 %", "+0,3 pp") never part where a table's
    cells wrap."""
    return value.replace(" ", "\u00a0")


def pct(value: float | None, threshold: float | None = None, strict: bool = False) -> str:
    """A share in percent with a decimal comma: "10,2 %"; beside a threshold or average, the shown
    value of `shown_pair` (two decimals, or directed rounding, where one decimal would mislead)."""
    if _unknown(value):
        return "–"
    if threshold is None or _unknown(threshold):
        return f"{number(value, 1)} %"
    return shown_pair(float(value), float(threshold), strict)[0]


def reference_pct(reference: float | None, value: float | None, strict: bool = False) -> str:
    """The threshold or average as shown beside `value` (the other half of `shown_pair`): rounded with
    the same decimals as the value it is compared with, not on its own."""
    if _unknown(reference):
        return "–"
    if _unknown(value):
        return f"{number(reference, 1)} %"
    return shown_pair(float(value), float(reference), strict)[1]


UNDER_SMALLEST = "under 0,01 pp"  # a gap too small for two decimals, in words, never a signed zero


def pp(value: float | None, threshold: float | None = None, strict: bool = False) -> str:
    """A signed gap in percentage points: "+4,2 pp", "−0,1 pp".

    With the `threshold` the gap is measured from, the decimals are those of the share beside it
    (`decimals_for`, which orders strict and non-strict comparisons alike), at least enough to show a gap
    that is not zero; a gap under 0,005 pp is "under 0,01 pp" (the sentence says over or under what),
    never "±0,00 pp"."""
    if _unknown(value):
        return "–"
    if threshold is None or _unknown(threshold):
        rounded = round(value, 1)
        sign = "+" if rounded > 0 else (MINUS if rounded < 0 else "±")
        return f"{sign}{number(abs(value), 1)} pp"
    if value == 0:
        return "±0 pp"
    decimals = decimals_for(threshold + value, threshold, strict)
    if round(value, decimals) == 0:
        decimals = 2
    if round(value, decimals) == 0:
        return UNDER_SMALLEST
    return f"{'+' if value > 0 else MINUS}{number(abs(value), decimals)} pp"


def gap_words(gap: float, reference: float, strict: bool, against: str) -> str:
    """A gap (value − reference, in pp) against "målet", "gennemsnittet" or "det aftalte" in words:
    "+0,3 pp over målet", "−0,04 pp under gennemsnittet", "under 0,01 pp under målet", "lige på målet"."""
    if gap == 0:
        return f"lige på {against}"
    side = "over" if gap > 0 else "under"
    return f"{pp(gap, reference, strict)} {side} {against}"


def target_pct(value: float | None) -> str:
    """A threshold as the strategy writes it: "15 %", "6 %"; a computed one with a decimal: "7,0 %"."""
    if _unknown(value):
        return "–"
    return f"{number(value)} %" if float(value).is_integer() else pct(value)


# ---- counts and plurals -----------------------------------------------------------------------------


def plural(n: float, one: str, many: str) -> str:
    """ "1 plads", "2 pladser", "1.234 personer": a whole count with its noun."""
    return f"{number(n)} {one if n == 1 else many}"


def persons(value: float | None) -> str:
    """ "1 person", "17 personer" (whole persons; a fraction is cut off)."""
    if value is None:
        return "–"
    return plural(int(value), "person", "personer")


def places(value: float | None) -> str:
    """ "1 plads", "3 pladser"."""
    if value is None:
        return "–"
    return plural(int(value), "plads", "pladser")


def count(value: float | None) -> str:
    """A count of persons on annual average: whole numbers without decimals, fractions with up to two
    ("4.670", "4.662,5", "4.660,25"), so a quarter of a person is not rounded away."""
    if _unknown(value):
        return "–"
    if float(value).is_integer():
        return number(value)
    return number(value, 2).rstrip("0").rstrip(",")


def signed_count(value: float) -> str:
    """ "+10", "−2,5", "±0": a change in persons."""
    if value == 0:
        return "±0"
    return ("+" if value > 0 else MINUS) + count(abs(value))


# ---- lists, years, statuses ---------------------------------------------------------------------------


def join(items: Sequence[str], word: str = "og") -> str:
    """ "a", "a og b", "a, b og c" ("a, b eller c" with `word="eller"`); "" for none."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def year_label(year: int, provisional: bool) -> str:
    return f"{year} (foreløbig)" if provisional else str(year)


def status_word(met: bool | None) -> str:
    if met is None:
        return "Ingen data"
    return "Opfyldt" if met else "Ikke opfyldt"


def status_icon(met: bool | None) -> str:
    if met is None:
        return "–"
    return "✅" if met else "❌"


STATUS_MARKS = {True: "✓", False: "✗", None: "–"}  # the printed report's marks (its font has no emoji)


def status_mark(met: bool | None) -> str:
    """ "✓", "✗" or "–": the status mark of the printed report, always next to `status_word`."""
    return STATUS_MARKS[None if _unknown(met) else bool(met)]


# ---- months and dates ----------------------------------------------------------------------------------

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
SHORT_MONTHS = tuple(m[:3] for m in MONTHS)  # "jan", "feb", … "dec"


def month_name(month: int, short: bool = False) -> str:
    """8 -> "august" ("aug" when `short`)."""
    return (SHORT_MONTHS if short else MONTHS)[month - 1]


def month_year(year: int, month: int) -> str:
    """(2025, 8) -> "august 2025"."""
    return f"{month_name(month)} {year}"


def month_list(months: Sequence[int]) -> str:
    """(2, 5, 8, 11) -> "februar, maj, august og november"."""
    return join([month_name(m) for m in months])


def danish_date(day: date) -> str:
    """ "3. februar 2025"."""
    return f"{day.day}. {month_name(day.month)} {day.year}"


def danish_datetime(when: datetime) -> str:
    """ "3. februar 2025 kl. 14.05" (the time as given; the store converts to Danish time first)."""
    return f"{danish_date(when)} kl. {when.hour:02d}.{when.minute:02d}"


def format_period(year: int, kind: str, index: int) -> str:
    """Danish display of a period: "februar 2019", "1. kvartal 2019", "2019"."""
    if kind == "M":
        return month_year(year, index)
    if kind == "Q":
        return f"{index}. kvartal {year}"
    return str(year)


# ---- the order of periods ----------------------------------------------------------------------------

_KIND_RANK = {"Y": 0, "Q": 1, "M": 2}


def period_key(year: int, kind: str, index: int) -> int:
    """The one order of periods ("first/last period"): by year, then by the month the period starts
    in, and at the same start the longer period first (2019, 1. kvartal 2019, januar 2019, februar 2019,
    2. kvartal 2019 …)."""
    start = index if kind == "M" else (3 * index - 2 if kind == "Q" else 1)
    return (year * 16 + start) * 4 + _KIND_RANK.get(kind, 0)


def period_keys(year: np.ndarray, kind: np.ndarray, index: np.ndarray) -> np.ndarray:
    """`period_key` for whole columns (year, period kind "Y"/"Q"/"M", index) at once, as int64."""
    year = np.asarray(year, dtype=np.int64)
    index = np.asarray(index, dtype=np.int64)
    kind = np.asarray(kind, dtype=object)
    is_month, is_quarter = kind == "M", kind == "Q"
    start = np.where(is_month, index, np.where(is_quarter, 3 * index - 2, 1))
    rank = np.where(is_month, 2, np.where(is_quarter, 1, 0))
    return (year * 16 + start) * 4 + rank


# ---- scheme display names ------------------------------------------------------------------------------


def short_scheme_name(name: str) -> str:
    """ "Særligt tilrettelagt ungdomsuddannelse (STU)" -> "STU"; names without an abbreviation as they are."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1]
    return name


def scheme_label(scheme: str, config: Config, *, short: bool = False, in_sentence: bool = False) -> str:
    """A scheme id as people read it: the configured name (`short`: its abbreviation, "STU"), the
    headcount's name ("Månedslønnede ansatte"; lower case `in_sentence`), an unknown id as it is."""
    if scheme == HEADCOUNT:
        return config.headcount_name.lower() if in_sentence else config.headcount_name
    try:
        name = config.scheme(scheme).name
    except KeyError:
        return scheme
    return short_scheme_name(name) if short else name


def in_running_text(name: str) -> str:
    """A category's name inside a sentence, as the strategy writes it there: "Beskæftigelse" ->
    "beskæftigelse", "Beredskabet" -> "beredskabet"."""
    return name[:1].lower() + name[1:]


# ---- the data version of a set of files -----------------------------------------------------------------


def files_digest(uploads: Sequence[tuple[str, bytes]]) -> str:
    """A digest of the files' names and contents: the data version of figures computed from files
    (the app's cache key and the report's fingerprint are the same number)."""
    h = hashlib.sha256()
    for name, data in uploads:
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()
