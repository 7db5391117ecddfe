"""Fuzzing the importers: generated workbooks (.xlsx by openpyxl, .xls by xlwt) and CSV files with random cell
types, text from every Unicode category, empty and huge values and header-like rows, through `import_uploads`.

Properties: never an unexpected exception (only an ImportResult with findings); the guarded path gives what the
in-process path gives (no worker dies beyond the guard); every canonical value is a number written in the file;
no text that reaches the canonical tables holds a control, direction or invisible character.

The default profile is small enough for the suite (CSR_FUZZ_EXAMPLES=500 for a longer run).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re

import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importers_support import CONFIG
from openpyxl import Workbook

from csr.importers import import_uploads
from csr.importers.cells import _REMOVE, clean_text, parse_number
from csr.model import ImportResult

EXAMPLES = int(os.environ.get("CSR_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

WORDS = [
    "Kommune",
    "Område",
    "Area",
    "OMRÅDE",
    "Måned",
    "Periode",
    "TID",
    "År",
    "Ordning",
    "Tilbud",
    "Antal",
    "Antal personer",
    "Antal fuldtidspersoner",
    "INDHOLD",
    "Uddannelse",
    "Aftalt",
    "Realiseret",
    "Ansatte i alt",
    "Månedslønnede i alt",
    "Fleksjob",
    "Løntilskud",
    "Elever",
    "Virksomhedspraktik",
    "I alt",
    "Total",
    "Aabenraa",
    "Esbjerg",
    "Sønderborg",
    "Hele landet",
    "Region Syddanmark",
    "0580",
    "580 Aabenraa",
    "Christiansø",
    "2022M02",
    "2022Q1",
    "2022Y01",
    "2023QMAT02",
    "feb 2022",
    "februar 2022",
    "2022-05",
    "11-2022",
    "2019",
    "..",
    "-",
    "x",
    "1.234,5",
    "12,5",
    "1,234.5",
    "-3",
    "1e308",
    "nan",
    "inf",
    "=1+1",
    "#N/A",
    "Kilde: KRL",
    "![x](http://127.0.0.1:9) **fed**",
    "\u202eAabenraa",
    "Aab\u200benraa",
    "Elev\x01",
    "Fleksjob\x9b",
]

text = st.text(st.characters(codec=None), max_size=24)  # every category, surrogates and controls included
huge_text = st.builds(lambda c, n: c * n, st.characters(codec=None), st.integers(150, 1200))
cell = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    text,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=10_000).map(lambda v: round(v, 1)),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    huge_text,
)
value = st.one_of(
    st.integers(0, 10_000),
    st.floats(0, 10_000).map(lambda v: round(v, 1)),
    st.sampled_from(["1.234,5", "12,5", "7", "..", "-", "", "-3", "1e308"]),
    cell,
)
data_row = st.tuples(
    st.sampled_from(["Aabenraa", "Esbjerg", "Kolding", "Hele landet", "0580", "Ukendt"]),
    st.sampled_from(["feb 2022", "2022-05", "2022M08", "2022Q4", "2022", "november 2022", "13-2022"]),
    st.sampled_from(["Ansatte i alt", "Fleksjob", "Elever", "STU", "Virksomhedspraktik", "Andet"]),
    value,
).map(list)
placement_row = st.tuples(st.sampled_from([2021, 2022, "2022", None]), st.sampled_from(WORDS[-25:]), value, value).map(
    list
)
row = st.one_of(st.lists(cell, max_size=7), data_row, placement_row)
header = st.one_of(
    st.sampled_from(
        [
            ["Kommune", "Måned", "Ordning", "Antal"],
            ["År", "Uddannelse", "Aftalt", "Realiseret"],
            ["Område", "Periode", "Tilbud", "Antal personer", "Antal fuldtidspersoner"],
        ]
    ),
    st.lists(st.sampled_from(WORDS[:20]), min_size=2, max_size=6),
)
messy_sheet = st.tuples(st.lists(row, max_size=3), header, st.lists(row, max_size=14)).map(
    lambda t: [*t[0], list(t[1]), *t[2]]
)
clean_number = st.one_of(
    st.integers(0, 4000),
    st.floats(0, 4000).map(lambda v: round(v, 1)),
    st.sampled_from(["1.234,5", "12,5", "7", "3.000"]),
)
clean_rows = st.lists(
    st.tuples(
        st.sampled_from(["Aabenraa", "Esbjerg", "Kolding Kommune", "0580"]),
        st.sampled_from(["feb 2022", "2022-05", "2022M08", "november 2022", "2023-02"]),
        st.sampled_from(["Fleksjob", "Elever", "STU", "Løntilskud"]),
        clean_number,
    ),
    max_size=12,
    unique_by=lambda r: (r[0], r[1], r[2]),
).map(lambda rows: [list(r) for r in rows])
clean_sheet = st.tuples(st.lists(st.sampled_from(WORDS[-12:]).map(lambda w: [w]), max_size=2), clean_rows).map(
    lambda t: [*t[0], ["Kommune", "Måned", "Ordning", "Antal"], *t[1]]
)
clean_placements = st.lists(
    st.tuples(
        st.sampled_from([2021, 2022]),
        st.sampled_from(["Elev\x01", "SOSU-assistent", "Pædagog\u202e"]),
        clean_number,
        clean_number,
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda r: (r[0], r[1]),
).map(lambda rows: [["År", "Uddannelse", "Aftalt", "Realiseret"], *[list(r) for r in rows]])
sheet_rows = st.one_of(messy_sheet, clean_sheet, clean_placements)
sheet_title = st.text(st.sampled_from("ABCDataæøå 12\u202e\u200b"), min_size=1, max_size=20)
workbook = st.lists(st.tuples(sheet_title, sheet_rows), min_size=1, max_size=3, unique_by=lambda s: s[0].casefold())
file_stem = st.text(st.characters(codec=None, exclude_characters="/\x00"), min_size=1, max_size=30)

_ESCAPE_LIKE = re.compile("_x", re.IGNORECASE)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Text as an xlsx holds it: characters XML cannot hold become the _xHHHH_ escapes Excel writes."""
    value = _ESCAPE_LIKE.sub("_y", value)  # random text must not spell an escape by accident
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def write_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(_xml_text(title)[:31])
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                target = ws.cell(r, c)
                if isinstance(value, str):
                    target.value = _xml_text(value)[:32767]
                    target.data_type = "s"  # text stays text, "=1+1" included
                else:
                    target.value = value
                    if isinstance(value, dt.datetime):
                        target.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_xls(sheets: list[tuple[str, list[list]]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for n, (title, rows) in enumerate(sheets):
        ws = book.add_sheet(f"{_ESCAPE_LIKE.sub('_y', title)[:28]}{n}")
        for r, values in enumerate(rows[:200]):
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write(r, c, _xls_text(value))
                elif isinstance(value, dt.datetime):
                    ws.write(r, c, value, date)
                else:
                    ws.write(r, c, float(value) if isinstance(value, int) and not isinstance(value, bool) else value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls_text(value: str) -> str:
    value = re.sub("[\ud800-\udfff]", "?", value)  # BIFF8 holds UTF-16: no lone surrogates
    return value[:32767]


def write_csv(rows: list[list], sep: str, encoding: str) -> bytes:
    lines = []
    for values in rows:
        cells = []
        for value in values:
            s = "" if value is None else (value.strftime("%Y-%m-%d") if isinstance(value, dt.datetime) else str(value))
            if sep in s or '"' in s or "\n" in s or "\r" in s:
                s = '"' + s.replace('"', '""') + '"'
            cells.append(s)
        lines.append(sep.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace")


# ---- what the file holds -----------------------------------------------------------------------


def numbers_written(sheets: list[tuple[str, list[list]]]) -> set[float]:
    """Every number a person could read in the file: numeric cells, and text as the documented parsing of Danish
    numbers reads it ("1.234,5" is 1234.5) once meaningless characters are removed."""
    out: set[float] = set()
    for _, rows in sheets:
        for values in rows:
            for value in values:
                if isinstance(value, bool) or value is None or isinstance(value, dt.datetime):
                    continue
                if isinstance(value, int | float):
                    out.add(float(value))
                    continue
                for candidate in (value, clean_text(value)[0], _XML_ILLEGAL.sub("", value)):
                    parsed = parse_number(candidate)
                    if isinstance(parsed, float):
                        out.add(parsed)
    return out


def check(result: ImportResult, written: set[float]) -> None:
    assert isinstance(result, ImportResult)
    for f in result.findings:
        assert f.message and f.severity in ("fejl", "advarsel", "note")
        assert not re.search(r"np\.|Traceback|Error\b|Exception", f.message), f.message
    if result.errors:
        assert result.data.empty and result.placements.empty
    values = result.data["value"].to_numpy(float)
    assert all(math.isfinite(v) and v in written for v in values), (sorted(set(values) - written)[:5], written)
    for column in ("agreed", "realised"):
        for v in result.placements[column].to_numpy(float):
            assert math.isnan(v) or v in written, (column, v)
    for column in ("municipality", "scheme", "file", "sheet", "column"):
        assert not any(_REMOVE.search(s) for s in result.data[column].unique()), column
    for column in ("education", "file", "sheet"):
        assert not any(_REMOVE.search(str(s)) for s in result.placements[column].unique()), column
    for f in result.findings:
        assert not _REMOVE.search(f.message + f.file + f.sheet), f


# ---- the properties -----------------------------------------------------------------------------


@FUZZ
@given(workbook, file_stem)
def test_generated_xlsx_workbooks(sheets, stem):
    result = import_uploads([(f"{stem}.xlsx", write_xlsx(sheets))], CONFIG, isolate=False)
    check(result, numbers_written(sheets))


@FUZZ
@given(workbook)
def test_generated_xls_workbooks(sheets):
    data = write_xls(sheets)
    result = import_uploads([("gammel.xls", data)], CONFIG, isolate=False)
    check(result, numbers_written([(t, rows[:200]) for t, rows in sheets]))


@FUZZ
@given(sheet_rows, st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8-sig", "utf-8", "cp1252"]), file_stem)
def test_generated_csv_files(rows, sep, encoding, stem):
    data = write_csv(rows, sep, encoding)
    result = import_uploads([(f"{stem}.csv", data)], CONFIG, isolate=False)
    decoded = [
        [v.encode(encoding, errors="replace").decode(encoding) if isinstance(v, str) else v for v in r] for r in rows
    ]
    check(result, numbers_written([("", rows), ("", decoded)]))


@settings(max_examples=max(5, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbook, sheet_rows)
def test_the_guarded_path_gives_what_the_process_gives(sheets, rows):
    # A worker that died would turn into a "kunne ikke læses" finding here and differ from the in-process result.
    uploads = [("fuzz.xlsx", write_xlsx(sheets)), ("fuzz.csv", write_csv(rows, ";", "utf-8"))]
    guarded = import_uploads(uploads, CONFIG, isolate=True)
    direct = import_uploads(uploads, CONFIG, isolate=False)
    assert [str(f) for f in guarded.findings] == [str(f) for f in direct.findings]
    assert guarded.data.equals(direct.data) and guarded.placements.equals(direct.placements)
    check(guarded, numbers_written([*sheets, ("", rows)]))
