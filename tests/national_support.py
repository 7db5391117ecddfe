"""The national workbook of the tests: all 98 municipalities, eight years, every month, every scheme and
the headcount, imported once per process (tests/test_importers_national.py checks the import itself)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict

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


def independent_national() -> dict[tuple[int, str], dict]:
    """Per (year, category): every municipality's share, the home rank, pooled and mean figures and the
    quartiles, in plain Python from `figure()`: annual figures as the rules say (measurement months; all
    twelve months for virksomhedspraktik), no pandas, no csr.shares."""
    months = CONFIG.measurement_months
    index = {sid: k for k, (sid, _) in enumerate(SCHEMES)}
    groups: dict[str, list[str]] = defaultdict(list)
    for s in CONFIG.schemes:
        if s.in_neighbour_comparison:
            groups[s.category].append(s.id)
    out = {}
    for year in YEARS:
        for group, ids in groups.items():
            shares: dict[int, float] = {}
            per_scheme: dict[str, list[tuple[float, float]]] = defaultdict(list)
            for m in CONFIG.municipalities:
                head = sum(figure(m.code, year, mo, 0) for mo in months) / len(months)
                total = 0.0
                for sid in ids:
                    span = range(1, 13) if CONFIG.scheme(sid).averaging == "all_periods" else months
                    persons = sum(figure(m.code, year, mo, index[sid]) for mo in span) / len(span)
                    total += persons / head * 100
                    per_scheme[sid].append((persons, head))
                shares[m.code] = total
            home = shares[CONFIG.home]
            higher = sum(1 for v in shares.values() if round(v, 9) > round(home, 9))
            ordered = sorted(shares.values())

            def quantile(q: float, ordered: list[float] = ordered) -> float:
                pos = (len(ordered) - 1) * q
                lo = math.floor(pos)
                hi = min(lo + 1, len(ordered) - 1)
                return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)

            out[(year, group)] = {
                "shares": shares,
                "rank": higher + 1,
                "average": sum(sum(p for p, _ in c) / sum(h for _, h in c) * 100 for c in per_scheme.values()),
                "mean": sum(sum(p / h * 100 for p, h in c) / len(c) for c in per_scheme.values()),
                "quartiles": (quantile(0.25), quantile(0.5), quantile(0.75)),
            }
    return out
