"""A national upload: all 98 municipalities, eight years, every month, every scheme and the headcount."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from importers_support import CONFIG, load, month, values
from national_support import SCHEMES, YEARS, figure, national_workbook
from openpyxl import load_workbook

from csr.config import HEADCOUNT


@pytest.fixture(scope="module")
def national() -> bytes:
    return national_workbook()


def test_the_national_workbook_is_a_real_workbook(national):
    ws = load_workbook(io.BytesIO(national), read_only=True)["Data"]
    first = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first == (101, dt.datetime(2018, 1, 1), "Ansatte i alt", 3102)  # a real Excel date cell


def test_a_national_upload_of_eight_years_imports_correctly(national):
    result = load(("landsdata.xlsx", national), isolate=True)  # the guarded path the app uses
    expected_rows = 98 * len(YEARS) * 12 * len(SCHEMES)
    assert expected_rows == 122_304
    assert result.ok, result.errors[:3]
    assert len(result.data) == expected_rows
    assert result.data["code"].nunique() == 98 and set(result.data["year"]) == set(YEARS)
    got = values(result)
    k = {sid: i for i, (sid, _) in enumerate(SCHEMES)}
    for code, year, m, sid in [
        (580, 2019, 2, HEADCOUNT),
        (580, 2019, 11, "fleksjob"),
        (101, 2018, 1, "stu"),
        (860, 2025, 12, "beredskab"),
        (461, 2022, 7, "virksomhedspraktik"),
        (550, 2024, 5, "voksenlaerlinge"),
    ]:
        assert got[month(code, year, m, sid)] == figure(code, year, m, k[sid])
    row = result.data[
        (result.data["code"] == 580)
        & (result.data["year"] == 2019)
        & (result.data["index"] == 2)
        & (result.data["scheme"] == HEADCOUNT)
    ].iloc[0]
    position = [m.code for m in CONFIG.municipalities].index(580)
    excel_row = 2 + (12 + 1) * 98 * len(SCHEMES) + position * len(SCHEMES)  # 2019 after 2018; February after January
    assert (row["municipality"], row["row"], row["column"], row["sheet"]) == ("Aabenraa", excel_row, "D", "Data")
    # One warning for the 91 municipalities outside the comparison, none for months: every year is complete.
    assert [f.message[:25] for f in result.warnings] == ["Kommuner uden for omegnen"]
    assert result.sheets[0].first_period == "januar 2018" and result.sheets[0].last_period == "december 2025"
