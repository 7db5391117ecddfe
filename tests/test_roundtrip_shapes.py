"""One canonical dataset, rendered in every shape the project reads, comes back the same from each (issue 9,
item 12): the template, a KRL pivot, jobindsats.dk as xlsx and CSV, the jobindsats.dk API as JSON and CSV, and
Statistikbanken CSV; whole counts also as an HR person list. The shapes are those the shape tests cite
(test_importers_jobindsats_api.py, test_importers_statistikbanken.py, test_importers_krl_pivots.py,
test_importers_person_list.py).
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importers_support import CONFIG, csv, load, values, xlsx

from csr.config import HEADCOUNT
from csr.importers.cells import DANISH_MONTHS

CODES = (580, 561, 510, 101)
SCHEMES = (HEADCOUNT, "fleksjob", "loentilskud", "virksomhedspraktik", "elever")


def label(scheme: str) -> str:
    return "Ansatte i alt" if scheme == HEADCOUNT else CONFIG.scheme(scheme).name


def name(code: int) -> str:
    return CONFIG.municipality(code).name


def comma(value: float) -> str:
    return (str(int(value)) if value.is_integer() else f"{value:.1f}").replace(".", ",")


def plausible(data: dict) -> dict:
    """Headcounts of 50,000 and more: no scheme (at most 9,999.9 persons) outnumbers the staff, and no year's
    total share reaches 100 %, so the plausibility rules (csr.importers.plausibility) never refuse a dataset."""
    return {k: 50_000 + v if k[3] == HEADCOUNT else v for k, v in data.items()}


datasets = st.dictionaries(
    keys=st.tuples(st.sampled_from(CODES), st.integers(2019, 2024), st.integers(1, 12), st.sampled_from(SCHEMES)),
    values=st.integers(0, 99_999).map(lambda n: n / 10),
    min_size=1,
    max_size=25,
).map(plausible)

Data = dict[tuple[int, int, int, str], float]


def template(data: Data) -> tuple[str, bytes]:
    rows = [["Kommune", "Måned", "Ordning", "Antal"]]
    rows += [[name(c), f"{y}-{m:02d}", label(s), v] for (c, y, m, s), v in data.items()]
    return "skabelon.xlsx", xlsx(("Data", rows))


def krl_pivot(data: Data) -> tuple[str, bytes]:
    months = sorted({(y, m) for _, y, m, _ in data})
    rows: list[list] = [
        ["Opgørelse fra KRL"],
        ["Kommune", "Ordning", *(f"{DANISH_MONTHS[m - 1]} {y}" for y, m in months)],
    ]
    for code in sorted({c for c, *_ in data}):
        first = True
        for scheme in sorted({s for c, _, _, s in data if c == code}):
            cells = [data.get((code, y, m, scheme)) for y, m in months]
            rows.append([f"{code:04d}" if first else None, label(scheme), *cells])
            first = False
    return "krl.xlsx", xlsx(("KRL", rows))


def jobindsats_rows(data: Data, area: str, fmt) -> list[list]:
    rows = [["Virksomhedspraktik og andre ordninger"], [area, "Periode", "Tilbud", "Antal"]]
    rows += [[name(c), f"{y}M{m:02d}", label(s), fmt(v)] for (c, y, m, s), v in data.items()]
    return rows


def jobindsats_xlsx(data: Data) -> tuple[str, bytes]:
    return "jobindsats.xlsx", xlsx(("Jobindsats", jobindsats_rows(data, "Område", float)))


def jobindsats_csv(data: Data) -> tuple[str, bytes]:
    return "jobindsats.csv", csv(jobindsats_rows(data, "Område", comma))


def api_json(data: Data) -> tuple[str, bytes]:
    doc = [
        {
            "Variables": [{"Label": x} for x in ("Area", "Periode", "Tilbud", "Antal personer")],
            "Data": [[name(c), f"{y}M{m:02d}", label(s), v] for (c, y, m, s), v in data.items()]
            + [["Hele landet", "2019M01", "Fleksjob", 1.0]],
        }
    ]
    return "api.json", json.dumps(doc).encode()


def api_csv(data: Data) -> tuple[str, bytes]:
    rows = [["Area", "Periode", "Ydelsesgrupper", "Tilbud", "Antal"]]
    for (c, y, m, s), v in data.items():
        rows.append([name(c), f"{y}M{m:02d}", "Ydelsesgrupper i alt", label(s), comma(v)])
        rows.append([name(c), f"{y}M{m:02d}", "Kontanthjælp", label(s), comma(v / 2)])
    return "api.csv", csv(rows, encoding="utf-8", newline="\n")


def statistikbanken(data: Data) -> tuple[str, bytes]:
    rows = [["OMRÅDE", "ANSÆTTELSESFORHOLD", "TID", "INDHOLD"]]
    rows += [[f"{c} {name(c)}", label(s), f"{y}M{m:02d}", comma(v)] for (c, y, m, s), v in data.items()]
    rows.append(["000 Hele landet", "Fleksjob", "2019M01", "1"])
    return "statbank.csv", csv(rows, encoding="utf-8-sig", newline="\r\n")


SHAPES = (template, krl_pivot, jobindsats_xlsx, jobindsats_csv, api_json, api_csv, statistikbanken)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets)
def test_every_shape_reads_back_the_same_canonical_values(data):
    expected = {(c, y, "M", m, s): v for (c, y, m, s), v in data.items()}
    for shape in SHAPES:
        result = load(shape(data), isolate=False)
        assert not result.errors, (shape.__name__, result.errors)
        assert values(result) == expected, shape.__name__


# ---- person lists -------------------------------------------------------------------------------
# An HR person list holds people, not numbers: it can carry whole counts for the home municipality, one per
# measurement month inside the list's span (months with nobody are 0, not missing). So its dataset is a run
# of consecutive measurement months with whole counts, the first and last not 0 (they set the span).

MEASUREMENT = (2, 5, 8, 11)


@st.composite
def counts(draw) -> Data:
    start = draw(st.integers(0, 20))  # an index into the measurement months from 2019
    length = draw(st.integers(1, 9))
    n = draw(st.lists(st.integers(0, 6), min_size=length, max_size=length))
    n[0], n[-1] = max(n[0], 1), max(n[-1], 1)
    months = [(2019 + (start + k) // 4, MEASUREMENT[(start + k) % 4]) for k in range(length)]
    return {(580, y, m, "beredskab"): float(v) for (y, m), v in zip(months, n, strict=True)}


def person_list(data: Data) -> tuple[str, bytes]:
    """Person i is there in every month whose count is above i: one row per person and month, the first
    and the last day of the month as start and end, so a person in consecutive months has touching periods."""
    import calendar
    import datetime as dt

    rows: list[list] = [["Frivillige i Beredskabet"], ["Medarbejdernr.", "Startdato", "Slutdato"]]
    for (_, y, m, _), v in sorted(data.items()):
        for i in range(int(v)):
            rows.append([f"EKS-{i:03d}", dt.datetime(y, m, 1), dt.datetime(y, m, calendar.monthrange(y, m)[1])])
    return "beredskab.xlsx", xlsx(("Beredskab", rows))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=counts())
def test_a_person_list_reads_back_the_same_counts_as_the_tables(data):
    expected = {(c, y, "M", m, s): v for (c, y, m, s), v in data.items()}
    for shape in (person_list, template, krl_pivot, jobindsats_csv):
        result = load(shape(data), isolate=False)
        assert not result.errors, (shape.__name__, result.errors)
        assert values(result) == expected, shape.__name__
