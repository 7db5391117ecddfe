"""The sample data in sample_data/: shapes, the strategy's published 2019 status, the story, determinism.

The files are read back here independently of the generator (calamine for the workbooks, pandas'
CSV reader for the jobindsats export) and the figures are computed from scratch. This tests the
sample data only; the engine has its own tests.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SCRIPT = ROOT / "scripts" / "make_sample_data.py"
KRL = "krl_ansatte_og_ordninger.xlsx"
JOBINDSATS = "jobindsats_virksomhedspraktik.csv"
OWN = "egne_lister.xlsx"

NAMES = {
    "Aabenraa": 580,
    "Esbjerg": 561,
    "Haderslev": 510,
    "Kolding": 621,
    "Sønderborg": 540,
    "Tønder": 550,
    "Vejen": 575,
}
HOME, NEIGHBOURS = 580, (561, 510, 621, 540, 550, 575)
ROWS = {
    "Ansatte i alt": "headcount",
    "Løntilskud": "loentilskud",
    "Fleksjob": "fleksjob",
    "Skånejob": "skaanejob",
    "Ledige i jobrotation": "jobrotation",
    "IGU-elever": "igu",
    "Elever": "elever",
    "Voksenlærlinge": "voksenlaerlinge",
    "Studerende i praktik": "studerende",
}
OWN_SCHEMES = {"STU": "stu", "FGU": "fgu"}
BEREDSKAB_HEADER = ["Medarbejdernr.", "Afdeling", "Startdato", "Slutdato"]
BESK = ("virksomhedspraktik", "loentilskud", "fleksjob", "skaanejob", "jobrotation")
UDD = ("igu", "fgu", "elever", "voksenlaerlinge", "studerende")
YEARS = range(2018, 2026)


def code(name: str) -> int:
    return NAMES[str(name).removesuffix(" Kommune")]


def read_krl(path: Path) -> dict[tuple[int, int, int, str], float]:
    """(code, year, month, scheme) -> value from the pivoted KRL workbook."""
    out = {}
    for sheet, df in pd.read_excel(path, sheet_name=None, engine="calamine", header=None).items():
        if not sheet.isdigit():
            continue
        header = df.index[df[0] == "Kommune"][0]
        months = {j: pd.Timestamp(v) for j, v in df.loc[header].items() if isinstance(v, dt.datetime)}
        for i in range(header + 1, len(df)):
            kommune, ordning = df.at[i, 0], df.at[i, 1]
            if pd.isna(kommune):
                break
            for j, when in months.items():
                assert when.year == int(sheet)
                out[code(kommune), when.year, when.month, ROWS[ordning]] = float(df.at[i, j])
    return out


def read_own(path: Path) -> dict[tuple[int, int, int, str], float]:
    df = pd.read_excel(path, sheet_name="Data", engine="calamine", header=None)
    assert list(df.loc[0]) == ["Kommune", "Måned", "Ordning", "Antal"]
    out = {}
    for kommune, month, ordning, antal in df.iloc[1:].itertuples(index=False):
        year, m = (int(x) for x in str(month).split("-"))
        out[code(kommune), year, m, OWN_SCHEMES[ordning]] = float(antal)
    return out


def read_beredskab(path: Path) -> list[tuple[str, dt.date, dt.date | None]]:
    """HR's person list of Beredskab volunteers: (employee number, start, end or None) per row."""
    df = pd.read_excel(path, sheet_name="Beredskab", engine="calamine", header=None)
    header = df.index[df[0] == "Medarbejdernr."][0]
    assert list(df.loc[header]) == BEREDSKAB_HEADER
    return [
        (number, pd.Timestamp(start).date(), None if pd.isna(end) else pd.Timestamp(end).date())
        for number, _, start, end in df.loc[header + 1 :].itertuples(index=False)
    ]


def persons_in_month(rows, year: int, month: int) -> int:
    """Distinct persons whose period covers at least one day of the month."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    return len({n for n, start, end in rows if start <= last and (end is None or end >= first)})


def count_beredskab(path: Path) -> dict[tuple[int, int, int, str], float]:
    """(code, year, month, "beredskab") -> persons, for the measurement months up to the export (September 2025)."""
    rows = read_beredskab(path)
    return {
        (HOME, y, m, "beredskab"): float(persons_in_month(rows, y, m))
        for y in YEARS
        for m in (2, 5, 8, 11)
        if (y, m) <= (2025, 9)
    }


def read_jobindsats(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, sep=";", encoding="cp1252", decimal=",", thousands=".", skiprows=4, na_values=[".."])
    return df[df["Periode"].notna()]


def annual_figures(folder: Path) -> dict[tuple[int, int, str], float]:
    """(code, year, scheme) -> annual figure: mean of the measurement months / of the months present."""
    values = defaultdict(list)
    for (c, y, m, s), v in (read_krl(folder / KRL) | read_own(folder / OWN) | count_beredskab(folder / OWN)).items():
        assert m in (2, 5, 8, 11)
        values[c, y, s].append(v)
    df = read_jobindsats(folder / JOBINDSATS)
    df = df[df["Område"] != "Hele landet"]
    for area, period, fte in zip(df["Område"], df["Periode"], df["Antal fuldtidspersoner"], strict=True):
        values[code(area), int(period[:4]), "virksomhedspraktik"].append(fte)
    return {k: sum(v) / len(v) for k, v in values.items()}


def share(a, c: int, year: int, schemes) -> float:
    return sum(a.get((c, year, s), 0.0) for s in schemes) / a[c, year, "headcount"] * 100


def pooled(a, year: int, schemes) -> float:
    persons = sum(a[c, year, s] for c in NEIGHBOURS for s in schemes)
    return persons / sum(a[c, year, "headcount"] for c in NEIGHBOURS) * 100


def unweighted(a, year: int, schemes) -> float:
    return sum(share(a, c, year, schemes) for c in NEIGHBOURS) / len(NEIGHBOURS)


def total(a, year: int) -> float:
    return share(a, HOME, year, BESK + UDD + ("stu", "beredskab"))


def shown_as(value: float, published: float) -> bool:
    """Rounds to `published` at one decimal, with at least 0.015 to spare on either side."""
    return abs(value - published) <= 0.05 - 0.015


@pytest.fixture(scope="module")
def annual():
    return annual_figures(SAMPLE)


def test_2019_status_as_published(annual):
    assert shown_as(total(annual, 2019), 22.0)
    assert shown_as(share(annual, HOME, 2019, BESK), 10.2)
    assert shown_as(share(annual, HOME, 2019, UDD), 4.9)
    assert shown_as(share(annual, HOME, 2019, UDD + ("stu",)), 4.9)
    assert shown_as(share(annual, HOME, 2019, ("beredskab",)), 6.9)
    assert shown_as(pooled(annual, 2019, BESK), 7.0)
    assert shown_as(pooled(annual, 2019, UDD), 4.1)
    assert abs(annual[HOME, 2019, "headcount"] - 4700) <= 50


def test_stu_persons_as_published():
    own = read_own(SAMPLE / OWN)
    assert [own[HOME, 2018, m, "stu"] for m in (2, 5, 8, 11)] == [4, 4, 4, 4]
    assert [own[HOME, 2019, m, "stu"] for m in (2, 5, 8, 11)] == [3, 3, 3, 3]
    assert not any(c != HOME and s in ("stu", "beredskab") for c, _, _, s in own)


def test_unweighted_neighbour_mean_close_to_but_not_pooled(annual):
    for year in YEARS:
        for schemes in (BESK, UDD):
            diff = abs(unweighted(annual, year, schemes) - pooled(annual, year, schemes))
            assert 0.01 < diff < 0.3, (year, schemes, diff)


def test_story(annual):
    udd = {y: share(annual, HOME, y, UDD) for y in YEARS}
    bered = {y: share(annual, HOME, y, ("beredskab",)) for y in YEARS}
    assert udd[2019] < 5 and udd[2021] < 5 and udd[2022] > 5
    assert all(udd[y] > 5 for y in range(2022, 2026))
    assert bered[2023] < 5 and bered[2024] > 5
    assert all(bered[y] > 5 for y in YEARS if y != 2023)
    gaps = []
    for y in YEARS:
        assert 15 < total(annual, y) < 23.5, y
        besk = share(annual, HOME, y, BESK)
        assert besk > 6 and besk > pooled(annual, y, BESK), y
        assert 6.5 <= pooled(annual, y, BESK) <= 7.5 and 3.95 <= pooled(annual, y, UDD) <= 4.45, y
        assert 4650 <= annual[HOME, y, "headcount"] <= 4800, y
        gaps.append(besk - pooled(annual, y, BESK))
    assert gaps == sorted(gaps, reverse=True)  # the gap to the neighbours narrows


def test_2025_is_provisional_without_november():
    krl = pd.read_excel(SAMPLE / KRL, sheet_name=None, engine="calamine", header=None)
    assert list(krl) == [str(y) for y in YEARS] + ["Om data"]
    for year in YEARS:
        df = krl[str(year)]
        header = df.loc[df.index[df[0] == "Kommune"][0]]
        months = [v.month for v in header if isinstance(v, dt.datetime)]
        assert months == ([2, 5, 8] if year == 2025 else [2, 5, 8, 11])
        assert len(df) == header.name + 1 + 7 * 9 + 3
    own = read_own(SAMPLE / OWN)
    assert {(y, m) for _, y, m, _ in own} == {(y, m) for y in YEARS for m in (2, 5, 8, 11)} - {(2025, 11)}
    assert {(y, m) for _, y, m, _ in count_beredskab(SAMPLE / OWN)} == {(y, m) for _, y, m, _ in own}
    periods = read_jobindsats(SAMPLE / JOBINDSATS)["Periode"]
    assert periods.max() == "2025M08" and periods.min() == "2018M01"


def test_jobindsats_export_shape():
    raw = (SAMPLE / JOBINDSATS).read_bytes().decode("cp1252").splitlines()
    assert raw[:5] == [
        "Jobindsats.dk",
        "Virksomhedspraktik",
        "Antal personer og fuldtidspersoner, offentlige arbejdspladser",
        "",
        "Område;Periode;Antal personer;Antal fuldtidspersoner",
    ]
    assert raw[-1] == "Kilde: STAR, Jobindsats.dk"
    df = read_jobindsats(SAMPLE / JOBINDSATS)
    assert set(df["Område"]) == set(NAMES) | {"Hele landet"}
    assert (df.groupby("Område").size() == 8 * 12 - 4).all()
    assert df["Antal fuldtidspersoner"].notna().all()
    hidden = df[df["Antal personer"].isna()]
    assert 1 <= len(hidden) <= 5 and "Aabenraa" not in set(hidden["Område"])
    shown = df.dropna()
    assert (shown["Antal personer"] > shown["Antal fuldtidspersoner"]).all()
    national = df[df["Område"] == "Hele landet"]["Antal fuldtidspersoner"]
    assert 20000 < national.mean() < 30000


def test_beredskab_is_a_person_list_with_invented_numbers(sample_import):
    df = pd.read_excel(SAMPLE / OWN, sheet_name="Beredskab", engine="calamine", header=None)
    assert df.at[0, 0] == "Frivillige i Beredskabet – medarbejdere i Aabenraa Kommune"
    assert df.at[1, 0] == "Udtrukket 15-09-2025"
    rows = read_beredskab(SAMPLE / OWN)
    numbers = [n for n, _, _ in rows]
    assert all(re.fullmatch(r"EKS-\d{5}", n) for n in numbers)  # clearly invented, no CPR numbers
    assert 500 < len(rows) < 800 and len(set(numbers)) < len(rows)  # some persons have two rows
    assert 100 < sum(end is None for _, _, end in rows) < 400  # still there: no end date
    assert all(end is None or end >= start for _, start, end in rows)
    assert min(start for _, start, _ in rows) >= dt.date(2018, 1, 1)
    by_person = defaultdict(list)
    for n, start, end in rows:
        by_person[n].append((start, end or dt.date.max))
    overlapping = [
        n
        for n, periods in by_person.items()
        if any(a[0] <= b[1] and b[0] <= a[1] for i, a in enumerate(periods) for b in periods[i + 1 :])
    ]
    assert overlapping  # counted once in those months
    # The engine counts the same persons per measurement month as the plain count above.
    data = sample_import.data
    engine = data[(data["scheme"] == "beredskab") & (data["code"] == HOME)]
    engine = {
        (HOME, int(y), int(m), "beredskab"): v
        for y, m, v in zip(engine["year"], engine["index"], engine["value"], strict=True)
    }
    assert engine == count_beredskab(SAMPLE / OWN)
    assert not data["row"].isna().any() and "EKS-" not in data.to_csv()


def test_placements():
    df = pd.read_excel(SAMPLE / OWN, sheet_name="Praktikpladser", engine="calamine", header=0)
    assert list(df.columns) == ["År", "Uddannelse", "Aftalt", "Realiseret"]
    assert sorted(set(df["År"])) == list(range(2019, 2026))
    short = df[df["Realiseret"] < df["Aftalt"]]
    assert set(short[short["År"] == 2022]["Uddannelse"]) == {"Social- og sundhedsassistent", "Sygeplejestuderende"}
    assert set(short["År"]) == {2022, 2025}


def test_municipalities_match_configuration():
    config = tomllib.loads((ROOT / "csr" / "strategy.toml").read_text(encoding="utf-8"))
    names = {m["code"]: m["name"] for m in config["municipalities"]}
    assert config["strategy"]["home"] == HOME and tuple(config["strategy"]["neighbours"]) == NEIGHBOURS
    assert {names[c]: c for c in (HOME, *NEIGHBOURS)} == NAMES


def test_regenerating_gives_identical_files(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True)
    assert (tmp_path / JOBINDSATS).read_bytes() == (SAMPLE / JOBINDSATS).read_bytes()
    for name in (KRL, OWN):
        fresh = pd.read_excel(tmp_path / name, sheet_name=None, engine="calamine", header=None)
        committed = pd.read_excel(SAMPLE / name, sheet_name=None, engine="calamine", header=None)
        assert list(fresh) == list(committed)
        for sheet in fresh:
            pd.testing.assert_frame_equal(fresh[sheet], committed[sheet])
