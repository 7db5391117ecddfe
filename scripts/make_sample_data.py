"""Deterministic generator of realistic sample data for the CSR dashboard.

    python scripts/make_sample_data.py [--out DIR]      (default: sample_data/)

Writes three files in the shapes HR consultants upload:

    krl_ansatte_og_ordninger.xlsx       KRL-style pivoted export, one sheet per year (2018-2025)
    jobindsats_virksomhedspraktik.csv   jobindsats.dk export (semicolon, cp1252, decimal comma)
    egne_lister.xlsx                    the project's own template (STU, FGU, placements) and HR's
                                        person list of Aabenraa's Beredskab volunteers (start and end dates)

Aabenraa Kommune (580) and its six neighbours, 2018 to August 2025 (2025 is provisional).

Design: target annual figures are chosen first, per municipality, year and scheme, as whole
"units" (the sum of the whole-person values over the measurement months present, or the sum of
the one-decimal full-time values in tenths over the months present for virksomhedspraktik), so
the annual means are exactly representable. Aabenraa's 2019 figures are pinned to the status the
strategy publishes; the neighbours' pooled averages are calibrated through the largest neighbour
(Esbjerg). Only then are the units spread over the months (seasonal pattern and a little noise,
largest-remainder rounding, so every mean comes out exactly as chosen). Aabenraa's Beredskab
volunteers are then written as HR's person list: people join and leave between measurement months,
a few come back later or have two overlapping rows, so that the persons counted in each measurement
month are exactly the planned values. At the end the files are read back, the published 2019 status
is checked, and a summary table is printed.

The random seed is fixed and the xlsx files are written with fixed timestamps: running the
script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font

SEED = 20212024
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "sample_data"

KRL_FILE = "krl_ansatte_og_ordninger.xlsx"
JOBINDSATS_FILE = "jobindsats_virksomhedspraktik.csv"
OWN_FILE = "egne_lister.xlsx"

YEARS = tuple(range(2018, 2026))
LAST_MONTH = (2025, 8)  # data up to and including August 2025
MEASUREMENT_MONTHS = (2, 5, 8, 11)
EXTRACTED = "15-09-2025"
FIXED_TIME = dt.datetime(2025, 9, 15, 8, 0, 0)

HOME = 580
NEIGHBOURS = (561, 510, 621, 540, 550, 575)
MUNICIPALITIES = {  # code: (name, approximate monthly-paid headcount)
    580: ("Aabenraa", 4700),
    561: ("Esbjerg", 9000),
    510: ("Haderslev", 4500),
    621: ("Kolding", 7500),
    540: ("Sønderborg", 6000),
    550: ("Tønder", 3000),
    575: ("Vejen", 3200),
}
ORDER = (580, 561, 510, 621, 540, 550, 575)  # alphabetical, as KRL lists them

HEADCOUNT = "headcount"
BESK = ("virksomhedspraktik", "loentilskud", "fleksjob", "skaanejob", "jobrotation")
UDD = ("igu", "fgu", "elever", "voksenlaerlinge", "studerende")  # uddannelse without STU
KRL_ROWS = (
    (HEADCOUNT, "Ansatte i alt"),
    ("loentilskud", "Løntilskud"),
    ("fleksjob", "Fleksjob"),
    ("skaanejob", "Skånejob"),
    ("jobrotation", "Ledige i jobrotation"),
    ("igu", "IGU-elever"),
    ("elever", "Elever"),
    ("voksenlaerlinge", "Voksenlærlinge"),
    ("studerende", "Studerende i praktik"),
)
OWN_NAMES = {"stu": "STU", "fgu": "FGU"}
BEREDSKAB_SHEET = "Beredskab"
BEREDSKAB_TITLE = "Frivillige i Beredskabet – medarbejdere i Aabenraa Kommune"
BEREDSKAB_HEADER = ["Medarbejdernr.", "Afdeling", "Startdato", "Slutdato"]
DEPARTMENTS = (
    "Børn og Skole",
    "Sundhed og Omsorg",
    "Social og Beskæftigelse",
    "Teknik og Miljø",
    "Vej og Park",
    "Kultur og Fritid",
    "Ejendomme",
    "Rådhuset",
)
FIRST_REGISTERED = dt.date(2018, 1, 2)  # the person list starts with the HR system in January 2018

# ---------------------------------------------------------------- the story (annual targets)
# Aabenraa: headcount and shares (% of headcount) per year. Uddannelse is without STU.
AABENRAA_HEADCOUNT = {2018: 4690, 2019: 4710, 2020: 4745, 2021: 4770, 2022: 4735, 2023: 4700, 2024: 4675, 2025: 4660}
AABENRAA_BESK = {2018: 10.42, 2020: 9.68, 2021: 9.37, 2022: 9.08, 2023: 8.84, 2024: 8.52, 2025: 8.34}
AABENRAA_UDD = {2018: 4.78, 2020: 4.91, 2021: 4.68, 2022: 5.31, 2023: 5.36, 2024: 5.44, 2025: 5.31}
AABENRAA_BEREDSKAB = {2018: 7.08, 2020: 6.42, 2021: 5.80, 2022: 5.41, 2023: 4.81, 2024: 5.17, 2025: 5.30}
# 2019 is pinned to the strategy's published status, as persons (annual means) out of 4,710:
#   beskæftigelse 480.00 -> 10.191 %   uddannelse 229.25 -> 4.867 % (+ STU 3 -> 4.931 %)
#   beredskab 324.50 -> 6.890 %        total 1,036.75 -> 22.012 %
AABENRAA_2019 = {"besk": 480.0, "udd": 229.25, "beredskab": 324.5}
# STU in Aabenraa per measurement month (the strategy: 4 persons in 2018, 3 in 2019).
AABENRAA_STU = {
    2018: (4, 4, 4, 4),
    2019: (3, 3, 3, 3),
    2020: (3, 3, 4, 4),
    2021: (4, 4, 3, 3),
    2022: (3, 4, 4, 4),
    2023: (4, 4, 4, 5),
    2024: (4, 4, 5, 5),
    2025: (5, 4, 4),
}

# Neighbours: the pooled averages (the strategy's 2019: 7 % and 4.1 %), calibrated exactly.
NEIGHBOUR_BESK = {2018: 7.12, 2019: 7.00, 2020: 6.68, 2021: 6.81, 2022: 6.97, 2023: 7.12, 2024: 7.27, 2025: 7.38}
NEIGHBOUR_UDD = {2018: 4.07, 2019: 4.10, 2020: 4.02, 2021: 4.13, 2022: 4.21, 2023: 4.28, 2024: 4.37, 2025: 4.41}
# Each neighbour's own level relative to the pooled average (so the unweighted mean differs).
NEIGHBOUR_OFFSET = {  # code: (beskaeftigelse, uddannelse), percentage points
    561: (-0.20, 0.15),
    510: (0.30, -0.20),
    621: (-0.35, 0.25),
    540: (0.20, -0.10),
    550: (0.45, -0.40),
    575: (0.05, -0.20),
}
HEADCOUNT_DRIFT = {
    2018: 0.985,
    2019: 0.990,
    2020: 1.000,
    2021: 1.006,
    2022: 1.010,
    2023: 1.006,
    2024: 1.001,
    2025: 0.996,
}

# How a category splits into its schemes (before a little noise per municipality and year).
BESK_SPLIT = {"virksomhedspraktik": 0.17, "loentilskud": 0.18, "fleksjob": 0.55, "skaanejob": 0.06, "jobrotation": 0.04}
UDD_SPLIT = {"elever": 0.52, "voksenlaerlinge": 0.15, "studerende": 0.24, "igu": 0.03, "fgu": 0.06}
SPLIT_BY_YEAR = {  # scheme: {year: multiplier}; corona lowered virksomhedspraktik in 2020-21
    "virksomhedspraktik": {2020: 0.72, 2021: 0.85},
    "loentilskud": {2018: 1.10, 2019: 1.05, 2022: 0.95, 2023: 0.90, 2024: 0.85, 2025: 0.82},
    "jobrotation": {2020: 0.7, 2021: 0.8},
    "igu": {2018: 1.3, 2019: 1.2, 2023: 0.8, 2024: 0.7, 2025: 0.7},
}
ANCHOR = {"besk": "fleksjob", "udd": "elever"}  # the scheme that absorbs rounding

# Seasonal weights over Feb, May, Aug, Nov (elever and voksenlærlinge start in August).
SEASON = {
    HEADCOUNT: (0.997, 1.000, 1.004, 0.999),
    "loentilskud": (1.00, 1.04, 0.94, 1.02),
    "fleksjob": (0.99, 1.00, 1.00, 1.01),
    "skaanejob": (1.0, 1.0, 1.0, 1.0),
    "jobrotation": (1.10, 1.00, 0.85, 1.05),
    "igu": (1.0, 1.0, 1.0, 1.0),
    "fgu": (1.00, 1.06, 0.84, 1.10),
    "elever": (0.93, 0.91, 1.07, 1.09),
    "voksenlaerlinge": (0.96, 0.94, 1.04, 1.06),
    "studerende": (1.06, 0.97, 0.82, 1.15),
    "beredskab": (1.0, 1.0, 1.0, 1.0),
}
NOISE = {HEADCOUNT: 0.001, "beredskab": 0.004, "skaanejob": 0.03, "fleksjob": 0.01}
# Virksomhedspraktik by calendar month (summer and Christmas dips), and corona in spring 2020.
VP_SEASON = (0.95, 1.00, 1.05, 1.05, 1.05, 1.00, 0.75, 0.95, 1.05, 1.05, 1.05, 0.85)
VP_CORONA = {(2020, 3): 0.75, (2020, 4): 0.45, (2020, 5): 0.60, (2020, 6): 0.85, (2021, 1): 0.80, (2021, 2): 0.85}
NATIONAL_FTE = {2018: 27400, 2019: 26100, 2020: 21300, 2021: 23400, 2022: 25600, 2023: 25100, 2024: 24600, 2025: 24200}
PERSONS_PER_FTE = {580: 1.24, 561: 1.31, 510: 1.22, 621: 1.28, 540: 1.26, 550: 1.20, 575: 1.27, 0: 1.25}
# Values hidden as ".." in the jobindsats export (persons column only; never a full-time value).
HIDDEN_PERSONS = {(550, 2021, 7), (550, 2021, 12), (575, 2018, 7)}

EDUCATIONS = (
    "Social- og sundhedshjælper",
    "Social- og sundhedsassistent",
    "Pædagogisk assistent",
    "Ernæringsassistent",
    "Kontoruddannelse",
    "Sygeplejestuderende",
    "Pædagogstuderende",
)
AGREED = {  # education: agreed places 2019..2025
    "Social- og sundhedshjælper": (30, 32, 28, 27, 26, 25, 25),
    "Social- og sundhedsassistent": (52, 55, 58, 60, 58, 56, 55),
    "Pædagogisk assistent": (14, 15, 15, 16, 15, 15, 15),
    "Ernæringsassistent": (4, 4, 4, 4, 3, 4, 4),
    "Kontoruddannelse": (6, 6, 5, 6, 6, 7, 6),
    "Sygeplejestuderende": (44, 45, 46, 48, 47, 46, 45),
    "Pædagogstuderende": (34, 35, 36, 35, 34, 35, 35),
}
SHORT_2022 = {"Social- og sundhedsassistent": 53, "Sygeplejestuderende": 43}
PARTIAL_2025 = {  # realised so far in 2025 (the year is not over)
    "Social- og sundhedshjælper": 16,
    "Social- og sundhedsassistent": 31,
    "Pædagogisk assistent": 15,
    "Ernæringsassistent": 4,
    "Kontoruddannelse": 6,
    "Sygeplejestuderende": 28,
    "Pædagogstuderende": 21,
}


# ---------------------------------------------------------------- calendar helpers
def measurement_months(year: int) -> tuple[int, ...]:
    return tuple(m for m in MEASUREMENT_MONTHS if (year, m) <= LAST_MONTH)


def all_months(year: int) -> tuple[int, ...]:
    return tuple(m for m in range(1, 13) if (year, m) <= LAST_MONTH)


def krl_name(code: int) -> str:
    return f"{MUNICIPALITIES[code][0]} Kommune"


# ---------------------------------------------------------------- planning
def spread(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that sum to exactly `total` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def split_weights(split: dict[str, float], year: int, rng: random.Random) -> dict[str, float]:
    w = {s: f * SPLIT_BY_YEAR.get(s, {}).get(year, 1.0) * (1 + rng.uniform(-0.08, 0.08)) for s, f in split.items()}
    total = sum(w.values())
    return {s: v / total for s, v in w.items()}


class Plan:
    """Annual units per (code, year, scheme).

    For a measurement-month scheme (and the headcount) a unit is one person in one measurement
    month: annual figure = units / number of measurement months present. For virksomhedspraktik
    a unit is a tenth of a full-time person in one month: annual = units / (10 * months present).
    """

    def __init__(self) -> None:
        self.units: dict[tuple[int, int, str], int] = {}

    @staticmethod
    def divisor(year: int, scheme: str) -> int:
        if scheme == "virksomhedspraktik":
            return 10 * len(all_months(year))
        return len(measurement_months(year))

    def set(self, code: int, year: int, scheme: str, persons: float) -> None:
        self.units[code, year, scheme] = round(persons * self.divisor(year, scheme))

    def annual(self, code: int, year: int, scheme: str) -> float:
        return self.units[code, year, scheme] / self.divisor(year, scheme)

    def category(self, code: int, year: int, schemes: tuple[str, ...]) -> float:
        return sum(self.annual(code, year, s) for s in schemes)


def plan_category(
    plan: Plan, code: int, year: int, persons: float, split: dict[str, float], anchor: str, rng: random.Random
) -> None:
    """Split `persons` over the schemes; the anchor absorbs the rounding so the sum is exact."""
    weights = split_weights(split, year, rng)
    for scheme, w in weights.items():
        if scheme != anchor:
            plan.set(code, year, scheme, persons * w)
    rest = persons - sum(plan.annual(code, year, s) for s in weights if s != anchor)
    plan.set(code, year, anchor, rest)


def make_plan(rng: random.Random) -> Plan:
    plan = Plan()
    for year in YEARS:
        # Aabenraa
        h = AABENRAA_HEADCOUNT[year]
        plan.set(HOME, year, HEADCOUNT, h)
        h = plan.annual(HOME, year, HEADCOUNT)
        if year == 2019:
            besk, udd, bered = AABENRAA_2019["besk"], AABENRAA_2019["udd"], AABENRAA_2019["beredskab"]
        else:
            besk = AABENRAA_BESK[year] * h / 100
            udd = AABENRAA_UDD[year] * h / 100
            bered = AABENRAA_BEREDSKAB[year] * h / 100
        plan_category(plan, HOME, year, besk, BESK_SPLIT, ANCHOR["besk"], rng)
        plan_category(plan, HOME, year, udd, UDD_SPLIT, ANCHOR["udd"], rng)
        plan.set(HOME, year, "beredskab", bered)
        # Neighbours
        for code in NEIGHBOURS:
            base = MUNICIPALITIES[code][1]
            plan.set(code, year, HEADCOUNT, base * HEADCOUNT_DRIFT[year] * (1 + rng.uniform(-0.006, 0.006)))
            h = plan.annual(code, year, HEADCOUNT)
            ob, ou = NEIGHBOUR_OFFSET[code]
            besk = (NEIGHBOUR_BESK[year] + ob + rng.uniform(-0.12, 0.12)) * h / 100
            udd = (NEIGHBOUR_UDD[year] + ou + rng.uniform(-0.08, 0.08)) * h / 100
            plan_category(plan, code, year, besk, BESK_SPLIT, ANCHOR["besk"], rng)
            plan_category(plan, code, year, udd, UDD_SPLIT, ANCHOR["udd"], rng)
        # Calibrate the pooled neighbour averages through the largest neighbour.
        heads = sum(plan.annual(c, year, HEADCOUNT) for c in NEIGHBOURS)
        for key, schemes, target in (("besk", BESK, NEIGHBOUR_BESK), ("udd", UDD, NEIGHBOUR_UDD)):
            persons = sum(plan.category(c, year, schemes) for c in NEIGHBOURS)
            anchor = ANCHOR[key]
            delta = target[year] * heads / 100 - persons
            plan.set(561, year, anchor, plan.annual(561, year, anchor) + delta)
    return plan


# ---------------------------------------------------------------- monthly values
def monthly_values(plan: Plan, rng: random.Random) -> dict[tuple[int, str], dict[tuple[int, int], int]]:
    """(code, scheme) -> {(year, month): value}; virksomhedspraktik in tenths of a full-time person."""
    values: dict[tuple[int, str], dict[tuple[int, int], int]] = defaultdict(dict)
    for (code, year, scheme), units in sorted(plan.units.items()):
        if scheme == "virksomhedspraktik":
            months = all_months(year)
            weights = [
                VP_SEASON[m - 1] * VP_CORONA.get((year, m), 1.0) * (1 + rng.uniform(-0.04, 0.04)) for m in months
            ]
        else:
            months = measurement_months(year)
            noise = NOISE.get(scheme, 0.02)
            weights = [SEASON[scheme][MEASUREMENT_MONTHS.index(m)] * (1 + rng.uniform(-noise, noise)) for m in months]
        for m, v in zip(months, spread(units, weights), strict=True):
            values[code, scheme][year, m] = v
    for year, stu in AABENRAA_STU.items():
        for m, v in zip(measurement_months(year), stu, strict=True):
            values[HOME, "stu"][year, m] = v
    return values


def national_fte(rng: random.Random) -> dict[tuple[int, int], int]:
    """Hele landet: full-time persons in tenths, per (year, month)."""
    out = {}
    for year in YEARS:
        months = all_months(year)
        weights = [VP_SEASON[m - 1] * VP_CORONA.get((year, m), 1.0) * (1 + rng.uniform(-0.015, 0.015)) for m in months]
        for m, v in zip(months, spread(NATIONAL_FTE[year] * 10 * len(months), weights), strict=True):
            out[year, m] = v
    return out


# ---------------------------------------------------------------- the Beredskab person list
def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def beredskab_persons(targets: dict[tuple[int, int], int]) -> list[list]:
    """HR's person list (employee number, department, start, end or None) whose distinct persons in each
    measurement month are exactly `targets[(year, month)]`.

    Between two measurement months some volunteers leave (their end date falls in the gap) and others
    join (their start falls after the previous measurement month, at the latest on the last day of
    this one); a few of those who join are earlier volunteers coming back (a second row with the same
    number), and a few change department with a row that overlaps the old one by some days.
    """
    rng = random.Random(SEED + 11)
    months = sorted(targets)
    rows: list[list] = []
    active: dict[str, int] = {}  # employee number -> index of their open row
    former: list[str] = []
    numbers = (f"EKS-{n:05d}" for n in range(1, 100_000))
    previous_end = FIRST_REGISTERED - dt.timedelta(days=1)
    for year, month in months:
        first, last = dt.date(year, month, 1), _last_day(year, month)
        gap_last = first - dt.timedelta(days=1)  # leavers' last day: after the previous measurement month
        want = targets[year, month]
        leave = 0 if not rows else round(len(active) * rng.uniform(0.015, 0.045))
        leave = max(leave, len(active) - want)
        for number in rng.sample(sorted(active), leave):
            rows[active.pop(number)][3] = _day_between(rng, previous_end + dt.timedelta(days=1), gap_last)
            former.append(number)
        while len(active) < want:
            back = [n for n in former if n not in active and rows[-1][0] != n]
            number = back[rng.randrange(len(back))] if back and rng.random() < 0.12 else next(numbers)
            start = _day_between(rng, previous_end + dt.timedelta(days=1), last)
            active[number] = len(rows)
            rows.append([number, rng.choice(DEPARTMENTS), start, None])
        settled = sorted(n for n in active if rows[active[n]][2] <= previous_end)
        for number in rng.sample(settled, min(2, len(settled))):  # department changes, overlapping
            old = rows[active[number]]
            change = _day_between(rng, max(old[2], previous_end) + dt.timedelta(days=1), last)
            old[3] = change + dt.timedelta(days=rng.randint(0, 10))
            active[number] = len(rows)
            rows.append([number, rng.choice([d for d in DEPARTMENTS if d != old[1]]), change, None])
        previous_end = last
    return sorted(rows, key=lambda r: (r[2], r[0]))


def count_persons(rows: list[list], year: int, month: int) -> int:
    """Distinct persons whose period covers at least one day of the month (the strategy file's rule)."""
    first, last = dt.date(year, month, 1), _last_day(year, month)
    return len({r[0] for r in rows if r[2] <= last and (r[3] is None or r[3] >= first)})


# ---------------------------------------------------------------- writing
def save_workbook(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed timestamps (document properties and zip entries): byte-identical reruns."""
    wb.properties.creator = "make_sample_data.py"
    wb.properties.lastModifiedBy = "make_sample_data.py"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            out = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            dst.writestr(out, data)


def write_krl(values, path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for year in YEARS:
        ws = wb.create_sheet(str(year))
        ws.append(["KRL – Kommunernes og Regionernes Løndatakontor"])
        ws.append(["Månedslønnede ansatte på særlige vilkår, udvalgte kommuner"])
        ws.append([f"Udtrukket {EXTRACTED}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"].font = Font(bold=True)
        ws.append([])
        months = measurement_months(year)
        ws.append(["Kommune", "Ordning"] + [dt.datetime(year, m, 1) for m in months])
        header = ws.max_row
        for cell in ws[header]:
            cell.font = bold
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "mmm yyyy"
                cell.alignment = Alignment(horizontal="right")
        for code in ORDER:
            for scheme, label in KRL_ROWS:
                ws.append([krl_name(code), label] + [values[code, scheme][year, m] for m in months])
        ws.append([])
        ws.append(["Kilde: KRL, egne beregninger."])
        ws.append(["Note: Opgjort for månedslønnede ansatte."])
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 24
        for col in "CDEF":
            ws.column_dimensions[col].width = 11
        ws.freeze_panes = ws.cell(row=header + 1, column=3)
    ws = wb.create_sheet("Om data")
    ws.append(["Eksempeldata dannet af scripts/make_sample_data.py – ikke officielle tal fra KRL."])
    ws.append(["2025 omfatter februar, maj og august og er derfor foreløbigt (november mangler)."])
    ws.column_dimensions["A"].width = 90
    save_workbook(wb, path)


def danish_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def write_jobindsats(values, national, rng: random.Random, path: Path) -> None:
    lines = [
        "Jobindsats.dk",
        "Virksomhedspraktik",
        "Antal personer og fuldtidspersoner, offentlige arbejdspladser",
        "",
        "Område;Periode;Antal personer;Antal fuldtidspersoner",
    ]
    areas = [(0, "Hele landet")] + [(c, MUNICIPALITIES[c][0]) for c in ORDER]
    for code, area in areas:
        for year in YEARS:
            for m in all_months(year):
                tenths = national[year, m] if code == 0 else values[code, "virksomhedspraktik"][year, m]
                fte = tenths / 10
                ratio = PERSONS_PER_FTE[code] * (1 + rng.uniform(-0.05, 0.05))
                persons = max(math.ceil(fte), round(fte * ratio))
                shown = ".." if (code, year, m) in HIDDEN_PERSONS else danish_number(persons, 0)
                lines.append(f"{area};{year}M{m:02d};{shown};{danish_number(fte, 1)}")
    lines += ["", "Kilde: STAR, Jobindsats.dk"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_own_lists(values, rng: random.Random, path: Path) -> None:
    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "Data"
    ws.append(["Kommune", "Måned", "Ordning", "Antal"])
    for code in ORDER:
        schemes = ("stu", "fgu") if code == HOME else ("fgu",)
        for year in YEARS:
            for m in measurement_months(year):
                for scheme in schemes:
                    ws.append(
                        [MUNICIPALITIES[code][0], f"{year}-{m:02d}", OWN_NAMES[scheme], values[code, scheme][year, m]]
                    )
    for cell in ws[1]:
        cell.font = bold
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["C"].width = 26
    ws.freeze_panes = "A2"

    ws = wb.create_sheet(BEREDSKAB_SHEET)
    ws.append([BEREDSKAB_TITLE])
    ws.append([f"Udtrukket {EXTRACTED}"])
    ws.append([])
    ws.append(BEREDSKAB_HEADER)
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[4]:
        cell.font = bold
    for number, department, start, end in beredskab_persons(values[HOME, "beredskab"]):
        ws.append([number, department, start, end])
        for cell in ws[ws.max_row][2:]:
            cell.number_format = "dd-mm-yyyy"
    for col, width in zip("ABCD", (16, 26, 12, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"

    ws = wb.create_sheet("Praktikpladser")
    ws.append(["År", "Uddannelse", "Aftalt", "Realiseret"])
    for i, year in enumerate(range(2019, 2026)):
        for edu in EDUCATIONS:
            agreed = AGREED[edu][i]
            if year == 2025:
                realised = PARTIAL_2025[edu]
            elif year == 2022 and edu in SHORT_2022:
                realised = SHORT_2022[edu]
            else:
                realised = agreed + rng.choice((0, 0, 0, 1, 1, 2)) * (agreed >= 10)
            ws.append([year, edu, agreed, realised])
    for cell in ws[1]:
        cell.font = bold
    ws.column_dimensions["B"].width = 32
    ws.freeze_panes = "A2"

    ws = wb.create_sheet("Vejledning")
    for line in (
        "Vejledning til egne lister (eksempeldata)",
        "Arket 'Data' er en lang tabel: én række pr. kommune, måned og ordning med antal personer.",
        "Måned skrives som år-måned, fx 2019-02. Målemånederne er februar, maj, august og november.",
        "Ordning skrives som i konfigurationen, fx 'STU' eller 'FGU'.",
        "Arket 'Beredskab' er HR-systemets personliste over frivillige i Beredskabet: én række pr. medarbejder og "
        "periode med start- og slutdato (tom slutdato: stadig med). Medarbejdernumrene er opdigtede.",
        "En medarbejder tæller i en måned, når perioden dækker mindst én dag af måneden; kun antallet pr. måned "
        "gemmes.",
        "Arket 'Praktikpladser' har én række pr. år og uddannelse med aftalte og realiserede pladser.",
        "Tal for 2025 er foreløbige: de går til og med august.",
    ):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 95
    save_workbook(wb, path)


# ---------------------------------------------------------------- reading back
def _code_of(name: str) -> int:
    key = str(name).replace(" Kommune", "").strip()
    for code, (n, _) in MUNICIPALITIES.items():
        if n == key:
            return code
    raise ValueError(f"ukendt kommune: {name!r}")


def read_back(out: Path) -> dict[tuple[int, int, str], float]:
    """Annual figures (code, year, scheme) -> value, from the written files only."""
    monthly: dict[tuple[int, int, str], list[float]] = defaultdict(list)
    krl_schemes = {label: scheme for scheme, label in KRL_ROWS}
    wb = openpyxl.load_workbook(out / KRL_FILE, read_only=True)
    for ws in wb.worksheets:
        if not ws.title.isdigit():
            continue
        rows = list(ws.iter_rows(values_only=True))
        h = next(i for i, r in enumerate(rows) if r and r[0] == "Kommune")
        cols = {j: v for j, v in enumerate(rows[h]) if isinstance(v, dt.datetime)}
        for r in rows[h + 1 :]:
            if not r or r[0] is None:
                break
            for j, d in cols.items():
                monthly[_code_of(r[0]), d.year, krl_schemes[r[1]]].append(float(r[j]))
    wb.close()
    own_schemes = {v: k for k, v in OWN_NAMES.items()}
    wb = openpyxl.load_workbook(out / OWN_FILE, read_only=True)
    for kommune, month, ordning, antal in list(wb["Data"].iter_rows(values_only=True))[1:]:
        monthly[_code_of(kommune), int(month[:4]), own_schemes[ordning]].append(float(antal))
    persons = [
        [r[0], r[1], r[2].date(), r[3] and r[3].date()]
        for r in list(wb[BEREDSKAB_SHEET].iter_rows(values_only=True))[4:]
    ]
    wb.close()
    for year in YEARS:
        for m in measurement_months(year):
            monthly[HOME, year, "beredskab"].append(float(count_persons(persons, year, m)))
    df = pd.read_csv(
        out / JOBINDSATS_FILE, sep=";", encoding="cp1252", decimal=",", thousands=".", skiprows=4, na_values=[".."]
    )
    df = df[df["Periode"].notna() & (df["Område"] != "Hele landet")]
    for area, period, fte in zip(df["Område"], df["Periode"], df["Antal fuldtidspersoner"], strict=True):
        monthly[_code_of(area), int(period[:4]), "virksomhedspraktik"].append(float(fte))
    return {key: sum(v) / len(v) for key, v in monthly.items()}


def shares(annual, code: int, year: int) -> dict[str, float]:
    h = annual[code, year, HEADCOUNT]

    def pct(schemes):
        return sum(annual.get((code, year, s), 0.0) for s in schemes) / h * 100

    out = {
        "headcount": h,
        "besk": pct(BESK),
        "udd": pct(UDD),
        "udd_stu": pct(UDD + ("stu",)),
        "beredskab": pct(("beredskab",)),
    }
    out["total"] = out["besk"] + out["udd_stu"] + out["beredskab"]
    return out


def neighbours(annual, year: int) -> dict[str, float]:
    heads = sum(annual[c, year, HEADCOUNT] for c in NEIGHBOURS)
    out = {}
    for key, schemes in (("besk", BESK), ("udd", UDD)):
        persons = sum(annual[c, year, s] for c in NEIGHBOURS for s in schemes)
        out[key] = persons / heads * 100
        out[key + "_mean"] = sum(shares(annual, c, year)[key] for c in NEIGHBOURS) / len(NEIGHBOURS)
    return out


def check_2019(annual) -> list[str]:
    """The strategy's published 2019 status, each at least 0.015 from a rounding boundary."""
    a, n = shares(annual, HOME, 2019), neighbours(annual, 2019)
    wanted = [
        ("samlet", a["total"], 22.0),
        ("beskæftigelse", a["besk"], 10.2),
        ("uddannelse uden STU", a["udd"], 4.9),
        ("uddannelse med STU", a["udd_stu"], 4.9),
        ("beredskab", a["beredskab"], 6.9),
        ("omegn beskæftigelse", n["besk"], 7.0),
        ("omegn uddannelse", n["udd"], 4.1),
    ]
    problems = [
        f"{name}: {value:.4f} (skal give {target})" for name, value, target in wanted if abs(value - target) > 0.035
    ]
    if abs(a["headcount"] - 4710) > 30:
        problems.append(f"ansatte: {a['headcount']:.2f} (ca. 4.700)")
    if annual[HOME, 2018, "stu"] != 4 or annual[HOME, 2019, "stu"] != 3:
        problems.append("STU skal være 4 personer i 2018 og 3 i 2019")
    return problems


def fmt(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}".replace(".", ",")


def summary(annual) -> str:
    head = (
        f"{'År':<6}{'Ansatte':>9}{'Beskæft.':>10}{'Udd.':>8}{'Udd.+STU':>10}{'Beredsk.':>10}"
        f"{'Samlet':>9}  |{'Omegn besk.':>13}{'(gns.)':>8}{'Omegn udd.':>12}{'(gns.)':>8}"
    )
    lines = [
        "Aabenraa Kommune, andele i % (udd. = uden STU); omegn = samlet gennemsnit (gns. = uvægtet)",
        head,
        "-" * len(head),
    ]
    for year in YEARS:
        a, n = shares(annual, HOME, year), neighbours(annual, year)
        mark = "*" if len(measurement_months(year)) < 4 else " "
        lines.append(
            f"{str(year) + mark:<6}{fmt(a['headcount'], 1):>9}{fmt(a['besk']):>10}{fmt(a['udd']):>8}"
            f"{fmt(a['udd_stu']):>10}{fmt(a['beredskab']):>10}{fmt(a['total']):>9}  |"
            f"{fmt(n['besk']):>13}{fmt(n['besk_mean']):>8}{fmt(n['udd']):>12}{fmt(n['udd_mean']):>8}"
        )
    lines.append("* foreløbigt år (februar, maj og august; virksomhedspraktik januar-august)")
    return "\n".join(lines)


# ---------------------------------------------------------------- main
def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    plan = make_plan(rng)
    values = monthly_values(plan, rng)
    national = national_fte(rng)
    write_krl(values, out / KRL_FILE)
    write_jobindsats(values, national, rng, out / JOBINDSATS_FILE)
    write_own_lists(values, rng, out / OWN_FILE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dan eksempeldata til CSR-dashboardet.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="mappe til filerne (standard: sample_data/)")
    args = parser.parse_args(argv)
    generate(args.out)
    annual = read_back(args.out)
    print(f"Skrev {KRL_FILE}, {JOBINDSATS_FILE} og {OWN_FILE} i {args.out}\n")
    print(summary(annual))
    problems = check_2019(annual)
    if problems:
        print("\nFEJL: eksempeldata rammer ikke strategiens status for 2019:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("\nStatus 2019 fra strategien er ramt (22 %, 10,2 %, 4,9 %, 6,9 %, omegn 7 % og 4,1 %).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
