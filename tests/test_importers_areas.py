"""Never a municipality the file does not name (issue 9, item 6).

A column that names areas is always used, whatever its header says; a file naming only an aggregate
("Hele landet") or only another municipality is never booked to the home municipality; a file with no
area information at all is read as the home municipality's with a warning (which the Data page makes the
consultant tick and the command line prints).

The header `Area;Periode;Tilbud;Antal personer;Antal fuldtidspersoner` is the jobindsats.dk API's CSV as
municipal ETL jobs save it (the API's v2 column labels, see https://api.jobindsats.dk/v2/ and STAR's
examples; "Area" is the API's English label of the area dimension).
"""

from __future__ import annotations

import pytest
from importers_support import ESBJERG, HOME, csv, load, one, values, xlsx

from csr.model import ERROR, NOTE, WARNING

API_HEADER = ["Area", "Periode", "Tilbud", "Antal personer", "Antal fuldtidspersoner"]


def api_csv(area: str, header: list[str] = API_HEADER) -> bytes:
    rows = [header] + [[area, f"2022M{m:02d}", "Virksomhedspraktik", "8123", "6775,7"] for m in range(1, 13)]
    return csv(rows, encoding="utf-8", newline="\n")


def test_an_api_csv_of_hele_landet_only_is_never_booked_to_the_home_municipality():
    result = load(("api.csv", api_csv("Hele landet")))
    assert values(result) == {}
    assert not result.ok
    note = [f for f in result.findings if f.severity == NOTE and f.message.startswith("Samleområde")]
    assert note and "'Hele landet'" in note[0].message and note[0].column == "A"
    one(result, ERROR, "Ingen tal at importere")


def test_an_api_csv_of_esbjerg_only_is_booked_to_esbjerg():
    result = load(("api.csv", api_csv("Esbjerg")))
    assert result.ok, result.findings
    got = values(result)
    assert {k[0] for k in got} == {ESBJERG}
    assert got[(ESBJERG, 2022, "M", 1, "virksomhedspraktik")] == pytest.approx(6775.7)
    assert not [f for f in result.findings if "Ingen kommune" in f.message]


@pytest.mark.parametrize("heading", ["Område", "OMRÅDE", "Kommune", "Jobcenter", "Kommunenavn", "Areas", "Geografi"])
def test_every_area_heading_is_the_municipality_column(heading):
    result = load(("api.csv", api_csv("Esbjerg", [heading, *API_HEADER[1:]])))
    assert {k[0] for k in values(result)} == {ESBJERG}


@pytest.mark.parametrize("area, expected", [("Esbjerg", {ESBJERG}), ("561 Esbjerg", {ESBJERG}), ("Hele landet", set())])
def test_a_column_of_areas_under_an_unknown_heading_is_still_the_municipality_column(area, expected):
    result = load(("api.csv", api_csv(area, ["Sted", *API_HEADER[1:]])))
    assert {k[0] for k in values(result)} == expected
    assert not [f for f in result.findings if "Ingen kommune" in f.message]


def test_a_title_naming_an_aggregate_area_is_not_the_home_municipality():
    rows = [["Virksomhedspraktik, Hele landet"], ["Periode", "Antal fuldtidspersoner"], ["2022M01", "6775,7"]]
    result = load(("titel.csv", csv(rows)))
    assert values(result) == {}
    note = one(result, NOTE, "Samleområde sprunget over")
    assert "'Hele landet'" in note.message and note.row == 1


def test_a_wide_table_with_an_area_column_of_hele_landet_only_books_nothing():
    rows = [["Area", "Tilbud", "2022M01", "2022M02"], ["Hele landet", "Virksomhedspraktik", "6775,7", "6800,1"]]
    result = load(("bred.xlsx", xlsx(("Ark1", rows))))
    assert values(result) == {}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_no_area_information_at_all_is_the_home_municipality_with_a_warning_naming_it(kind):
    rows = [["Virksomhedspraktik"], ["Periode", "Antal fuldtidspersoner"], ["2022M01", "81,5"]]
    data = csv(rows) if kind == "csv" else xlsx(("Ark1", rows))
    result = load((f"egne.{kind}", data))
    assert values(result) == {(HOME, 2022, "M", 1, "virksomhedspraktik"): 81.5}
    warning = one(result, WARNING, "Ingen kommune angivet")
    assert "Aabenraa Kommunes" in warning.message and warning.row == 3
    assert warning in result.warnings


def test_the_command_line_prints_the_home_municipality_warning(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "egne.csv"
    path.write_bytes(csv([["Virksomhedspraktik"], ["Periode", "Antal fuldtidspersoner"], ["2022M01", "81,5"]]))
    root = Path(__file__).parent.parent
    env = {**os.environ, "CSR_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, "-m", "csr", "report", str(path), "--year", "2022"],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        env=env,
    )
    assert "Traceback" not in proc.stderr
    assert "Ingen kommune angivet" in proc.stderr and "Aabenraa Kommunes" in proc.stderr
