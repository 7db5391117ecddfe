"""One canonical dataset, rendered in every shape the project reads, comes back the same from each (issue 9,
item 12): the template, a KRL pivot, jobindsats.dk as xlsx and CSV, the jobindsats.dk API as JSON and CSV, and
Statistikbanken CSV. The shapes are those the shape tests cite (test_importers_jobindsats_api.py,
test_importers_statistikbanken.py, test_importers_krl_pivots.py).
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


datasets = st.dictionaries(
    keys=st.tuples(st.sampled_from(CODES), st.integers(2019, 2024), st.integers(1, 12), st.sampled_from(SCHEMES)),
    values=st.integers(0, 99_999).map(lambda n: n / 10),
    min_size=1, max_size=25,
)

Data = dict[tuple[int, int, int, str], float]


def template(data: Data) -> tuple[str, bytes]:
    rows = [["Kommune", "Måned", "Ordning", "Antal"]]
    rows += [[name(c), f"{y}-{m:02d}", label(s), v] for (c, y, m, s), v in data.items()]
    return "skabelon.xlsx", xlsx(("Data", rows))


def krl_pivot(data: Data) -> tuple[str, bytes]:
    months = sorted({(y, m) for _, y, m, _ in data})
    rows: list[list] = [["Opgørelse fra KRL"], ["Kommune", "Ordning", *(f"{DANISH_MONTHS[m - 1]} {y}" for y, m in months)]]
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
    doc = [{"Variables": [{"Label": x} for x in ("Area", "Periode", "Tilbud", "Antal personer")],
            "Data": [[name(c), f"{y}M{m:02d}", label(s), v] for (c, y, m, s), v in data.items()]
            + [["Hele landet", "2019M01", "Fleksjob", 1.0]]}]
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
