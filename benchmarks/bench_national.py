"""The national ranking at national scale: 98 municipalities × 8 years, every month, every scheme.

    python benchmarks/bench_national.py [--runs 20]

Builds the canonical table of a national upload in memory (the same values as the tests' national
workbook), then times, as the median of --runs runs in this process:
  shares.compute     every figure of the rules (what a page computes once per data version);
  national_ranking   the home municipality ranked in every category and year (csr.national), on the
                     shares that compute gave;
and prints the ranking's time as a ratio of compute's, and in milliseconds against the issue's 200 ms.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_ms  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 200.0
YEARS = range(2018, 2026)


def national_table() -> pd.DataFrame:
    """The canonical table of the national upload (values as tests/national_support.py's `figure`)."""
    from csr.config import HEADCOUNT, default_config
    from csr.model import CANONICAL_COLUMNS

    config = default_config()
    schemes = [HEADCOUNT, *(s.id for s in config.schemes)]
    codes = np.array([m.code for m in config.municipalities])
    names = {m.code: m.name for m in config.municipalities}
    code, year, month, k = (
        a.ravel() for a in np.meshgrid(codes, np.array(YEARS), np.arange(1, 13), np.arange(len(schemes)), indexing="ij")
    )
    value = np.where(k == 0, 3000 + code + month, (code * 7 + year * 3 + month * 11 + k) % 97).astype(float)
    frame = pd.DataFrame(
        {
            "municipality": [names[c] for c in code],
            "code": code.astype("int32"),
            "year": year.astype("int32"),
            "period": "M",
            "index": month.astype("int8"),
            "scheme": np.asarray(schemes, dtype=object)[k],
            "value": value,
            "file": "landsdata.xlsx",
            "sheet": "Data",
            "row": np.arange(2, len(code) + 2, dtype="int32"),
            "column": "D",
        }
    )
    return frame[list(CANONICAL_COLUMNS)]


def main() -> None:
    from csr.config import default_config
    from csr.model import empty_placements
    from csr.national import national_ranking
    from csr.shares import compute

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    config = default_config()
    data = national_table()
    placements = empty_placements()
    figures = compute(data, placements, config)
    national = national_ranking(figures.shares, config)
    assert national.counts == dict.fromkeys(YEARS, 98), national.counts

    compute_ms = median_ms(lambda: compute(data, placements, config), args.runs)
    ranking_ms = median_ms(lambda: national_ranking(figures.shares, config), args.runs)
    print(f"data: {len(data):,} canonical rows, {data['code'].nunique()} municipalities, {len(YEARS)} years")
    print(f"shares.compute     {compute_ms:8.1f} ms (baseline, 1.00)")
    print(f"national_ranking   {ranking_ms:8.1f} ms  ratio {ranking_ms / compute_ms:5.2f} of compute")
    verdict = "within" if ranking_ms < BUDGET_MS else "OVER"
    print(f"budget: national ranking under {BUDGET_MS:.0f} ms: {verdict} ({ranking_ms:.1f} ms)")


if __name__ == "__main__":
    main()
