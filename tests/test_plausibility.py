"""Implausible figures: judged at import (errors and warnings), and never a crash in the computation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from importers_support import ESBJERG, HOME, csv, load, one

from csr.config import HEADCOUNT, default_config
from csr.model import ERROR, WARNING, ImportResult, empty_canonical, empty_placements
from csr.report import build_report, format_report
from csr.shares import compute

ROOT = Path(__file__).parent.parent
CONFIG = default_config()
MONTHS = ("feb", "maj", "aug", "nov")


def template(*records: tuple[str, str, str, object]) -> bytes:
    """A template CSV of (municipality, month, scheme, value) rows."""
    return csv([["Kommune", "Måned", "Ordning", "Antal"], *[list(r) for r in records]])


def year_of(municipality: str, year: int, headcount: float, **schemes: float) -> list[tuple]:
    rows = []
    for m in MONTHS:
        rows.append((municipality, f"{m} {year}", "Ansatte i alt", headcount))
        rows += [(municipality, f"{m} {year}", name, value) for name, value in schemes.items()]
    return rows


def canonical(*records: tuple[int, int, int, str, float]) -> pd.DataFrame:
    """Stored canonical rows from (code, year, month, scheme, value)."""
    frame = pd.DataFrame(
        [
            {
                "municipality": CONFIG.municipality(code).name,
                "code": code,
                "year": year,
                "period": "M",
                "index": m,
                "scheme": scheme,
                "value": float(value),
                "file": "gammel.xlsx",
                "sheet": "Data",
                "row": i + 2,
                "column": "D",
            }
            for i, (code, year, m, scheme, value) in enumerate(records)
        ]
    )
    return pd.concat([empty_canonical(), frame], ignore_index=True).astype(empty_canonical().dtypes.to_dict())


def stored_year(code: int, year: int, headcount: float, **schemes: float) -> list[tuple]:
    return [(code, year, m, s, v) for m in (2, 5, 8, 11) for s, v in {HEADCOUNT: headcount, **schemes}.items()]


# ---- the computation never raises ------------------------------------------------------------------


def test_a_neighbour_with_more_fleksjob_than_staff_is_computed_and_named():
    # Before: persons_needed raised ValueError ("Et mål på 100 % ...") and every figures page failed.
    data = canonical(*stored_year(HOME, 2022, 4700, fleksjob=100), *stored_year(ESBJERG, 2022, 100, fleksjob=500))
    figures = compute(data, empty_placements(), CONFIG)
    assert figures.neighbour(2022, "beskaeftigelse").average == pytest.approx(500.0)  # shown as it is
    target = figures.target(2022, "beskaeftigelse_naboer")
    assert target.met is None and target.gap_persons is None and target.threshold is None
    assert target.note == (
        "Kan ikke vurderes: omegnskommunernes gennemsnit er 500,0 %, over 100 % af de ansatte. "
        "Tjek tallene for personer og ansatte."
    )
    assert figures.target(2022, "beskaeftigelse_min").value == pytest.approx(100 / 4700 * 100)


def test_the_report_of_such_data_has_the_numbers_and_a_warning():
    data = canonical(*stored_year(HOME, 2022, 4700, fleksjob=100), *stored_year(ESBJERG, 2022, 100, fleksjob=500))
    report = build_report(compute(data, empty_placements(), CONFIG), CONFIG)
    assert report["years"][0]["neighbours"]["beskaeftigelse"] == pytest.approx(500.0)
    assert report["warnings"] == [
        "Samlet andel over 100 %: Esbjerg har i 2022 500 personer i ordningerne, 500,0 % af 100 månedslønnede "
        "ansatte; største ordning er Fleksjob med 500. Tallene vises, som de er; tjek dem."
    ]
    text = format_report(report, CONFIG)
    assert text.splitlines()[2].startswith("Advarsel: Samlet andel over 100 %: Esbjerg")


def test_a_zero_headcount_gives_no_share_and_no_infinity():
    data = canonical(*stored_year(HOME, 2022, 0, fleksjob=10), *stored_year(ESBJERG, 2022, 0, fleksjob=5))
    figures = compute(data, empty_placements(), CONFIG)
    assert figures.shares["share"].isna().all()
    assert {t.met for t in figures.targets if t.kind != "obligations_met"} == {None}
    report = build_report(figures, CONFIG)
    json.dumps(report, allow_nan=False)  # strict JSON: no NaN, no Infinity
    assert report["years"][0]["schemes"]["fleksjob"] == {"persons": 10.0, "share": None}
    assert report["warnings"][0] == (
        "Aabenraa har 0 månedslønnede ansatte i 2022: andelene kan ikke beregnes. Tjek tallene."
    )
    assert "0 månedslønnede ansatte i 2022" in format_report(report, CONFIG)


def test_the_command_line_reports_a_stored_implausible_neighbour(tmp_path):
    # Before: `python -m csr report` exited 1 with "Uventet fejl (ValueError)".
    from csr.store import Store

    data = canonical(*stored_year(HOME, 2022, 4700, fleksjob=100), *stored_year(ESBJERG, 2022, 100, fleksjob=500))
    Store(tmp_path).add_batch([("gammel.xlsx", b"x")], ImportResult(data=data))
    proc = subprocess.run(
        [sys.executable, "-m", "csr", "report", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Advarsel: Samlet andel over 100 %: Esbjerg har i 2022 500 personer" in proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout


# ---- the rules at import ----------------------------------------------------------------------------


def test_a_scheme_above_the_headcount_in_a_month_is_an_error():
    rows = [*year_of("Aabenraa", 2022, 4700, Fleksjob=100), *year_of("Esbjerg", 2022, 6000, Fleksjob=200)]
    rows[rows.index(("Esbjerg", "maj 2022", "Fleksjob", 200))] = ("Esbjerg", "maj 2022", "Fleksjob", "6.248,6")
    result = load(("naboer.csv", template(*rows)))
    f = one(result, ERROR, "Flere personer end ansatte")
    assert f.message == (
        "Flere personer end ansatte: Esbjerg har 6.248,6 personer i Fleksjob i maj 2022, men kun 6.000 "
        "månedslønnede ansatte (fil naboer.csv, række 13). Tjek, at tallet gælder den rigtige kommune, periode og "
        "ordning, og at det er personer (ikke fx et tal for hele landet)."
    )
    assert (f.file, f.row, f.column, f.value) == ("naboer.csv", 13, "D", "6.248,6")
    assert result.data.empty  # an error blocks the import


def test_a_total_share_above_100_percent_is_an_error():
    # Each scheme below the headcount, together above it (the national figure booked to one municipality).
    rows = year_of("Aabenraa", 2022, 4700, Fleksjob=2500, Løntilskud=2400)
    result = load(("aabenraa.csv", template(*rows)))
    f = one(result, ERROR, "Samlet andel over 100 %")
    assert f.message.startswith(
        "Samlet andel over 100 %: Aabenraa har i 2022 4.900 personer i ordningerne, 104,3 % af 4.700 månedslønnede "
        "ansatte (årsgennemsnit); største ordning er Fleksjob med 2.500 (fil aabenraa.csv, række 3)."
    )
    assert not result.ok and result.data.empty


def test_a_total_share_above_50_percent_is_a_warning_to_tick():
    result = load(("aabenraa.csv", template(*year_of("Aabenraa", 2022, 4700, Fleksjob=1500, Løntilskud=1000))))
    assert result.ok
    f = one(result, WARNING, "Samlet andel over 50 %")
    assert "2.500 personer i ordningerne, 53,2 % af 4.700 månedslønnede ansatte" in f.message
    assert len(result.data) == 12


def test_a_headcount_that_halves_between_measurement_months_is_a_warning():
    rows = [*year_of("Aabenraa", 2021, 4700, Fleksjob=100), *year_of("Aabenraa", 2022, 4700, Fleksjob=100)]
    rows[rows.index(("Aabenraa", "feb 2022", "Ansatte i alt", 4700))] = ("Aabenraa", "feb 2022", "Ansatte i alt", 2000)
    result = load(("aabenraa.csv", template(*rows)))
    assert result.ok
    hits = [f for f in result.warnings if f.message.startswith("Antallet af ansatte ændrer sig")]
    # November 2021 -> February 2022 are consecutive measurement months; and back up in May.
    assert [f.message.split(" (")[0] for f in hits] == [
        "Antallet af ansatte ændrer sig med mere end halvdelen: Aabenraa har 4.700 månedslønnede ansatte i "
        "november 2021 og 2.000 i februar 2022",
        "Antallet af ansatte ændrer sig med mere end halvdelen: Aabenraa har 2.000 månedslønnede ansatte i "
        "februar 2022 og 4.700 i maj 2022",
    ]
    assert "(−57,4 %; fil aabenraa.csv, række 8 og fil aabenraa.csv, række 10)" in hits[0].message
    assert "(+135,0 %;" in hits[1].message


def test_plausible_figures_give_no_finding():
    rows = [*year_of("Aabenraa", 2022, 4700, Fleksjob=100), *year_of("Esbjerg", 2022, 6000, Fleksjob=200)]
    result = load(("ok.csv", template(*rows)))
    assert result.ok and result.findings == []


def test_a_gap_in_the_months_is_not_a_jump():
    # February to August with May missing: not consecutive, no comparison (missing months are warned apart).
    rows = [
        ("Aabenraa", "feb 2022", "Ansatte i alt", 4700),
        ("Aabenraa", "aug 2022", "Ansatte i alt", 2000),
        ("Aabenraa", "feb 2022", "Fleksjob", 10),
        ("Aabenraa", "aug 2022", "Fleksjob", 10),
    ]
    result = load(("huller.csv", template(*rows)), isolate=False)
    assert not [f for f in result.findings if "halvdelen" in f.message]
