"""The national workbook of the tests: all 98 municipalities, eight years, every month, every scheme and
the headcount (as tests/test_importers_national.py builds it), imported once per process."""

from __future__ import annotations

import datetime as dt
import functools

from importers_support import CONFIG, big_xlsx, load

from csr.config import HEADCOUNT
from csr.model import ImportResult

YEARS = range(2018, 2026)
SCHEMES = [(HEADCOUNT, "Ansatte i alt")] + [(s.id, s.name) for s in CONFIG.schemes]


def figure(code: int, year: int, m: int, k: int) -> float:
    """The value of scheme number `k` (0: the headcount) for a municipality and month."""
    if k == 0:
        return float(3000 + code + m)  # a headcount that keeps the schemes plausible (under 50 %)
    return float((code * 7 + year * 3 + m * 11 + k) % 97)


@functools.cache
def national_workbook() -> bytes:
    rows: list[list] = [["Kommune", "Måned", "Ordning", "Antal"]]
    for year in YEARS:
        for m in range(1, 13):
            when = dt.date(year, m, 1)
            for municipality in CONFIG.municipalities:
                for k, (_, name) in enumerate(SCHEMES):
                    rows.append([municipality.code, when, name, figure(municipality.code, year, m, k)])
    return big_xlsx("Data", rows)


@functools.cache
def national_import() -> ImportResult:
    result = load(("landsdata.xlsx", national_workbook()), isolate=False)
    assert result.ok, result.errors[:3]
    return result
