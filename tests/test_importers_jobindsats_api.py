"""The jobindsats.dk API's output saved to a file: JSON and `;`-CSV (issue 9, items 1 and 6).

Shapes as public code that consumes the API reads them:
- v2 JSON: a list of one object, `data[0]['Variables']` (each with a 'Label') and `data[0]['Data']` (rows),
  the area column labelled "Area", periods such as `2022Y01`: Randers-Kommune-Digitalisering/custom-data-connector,
  its jobindsats jobs (e.g. the OTIJ01 job posting to https://api.jobindsats.dk/v2/data/otij01/json).
- v2 CSV: the same endpoints with /csv/ (https://api.jobindsats.dk/v2/data/y30r21/csv/), `;`, UTF-8, decimal comma;
  dimensions such as "Ydelsesgrupper" with "Ydelsesgrupper i alt" (the y30r21 job's `_ygrp_y30r21` selection).
- v3 (https://jobindsats.dk/api/kom-i-gang/brugervejledning-til-version-3/): `format=csv` read with
  `sep=";"` and "utf-8-sig", a "Periode" column and a total category "… i alt"; JSON as column names and rows
  or as records (the shapes public v3 clients accept).
"""

from __future__ import annotations

import json

import pytest
from importers_support import ESBJERG, HOME, csv, load, one, values

from csr.importers.safety import check_upload
from csr.model import ERROR, NOTE, WARNING

VP = "virksomhedspraktik"
VARIABLES = [
    {"Label": "Area"},
    {"Label": "Periode"},
    {"Label": "Tilbud"},
    {"Label": "Antal personer"},
    {"Label": "Antal fuldtidspersoner"},
]


def api_json(data: list[list], variables=VARIABLES) -> bytes:
    return json.dumps([{"Variables": variables, "Data": data}], ensure_ascii=False).encode()


def api_csv(rows: list[list]) -> bytes:
    return csv(rows, encoding="utf-8", newline="\n")


def test_v2_json_full_time_persons_public_counts_private_skipped_aggregates_noted():
    data = api_json(
        [
            ["Aabenraa", "2022M01", "Offentlig virksomhedspraktik", 81, 67.2],
            ["Aabenraa", "2022M02", "Offentlig virksomhedspraktik", 80, ".."],
            ["Aabenraa", "2022M01", "Privat virksomhedspraktik", 120, 101.4],
            ["Esbjerg", "2022Y01", "Offentlig virksomhedspraktik", 150, 120.5],
            ["Hele landet", "2022M01", "Offentlig virksomhedspraktik", 8123, 6775.7],
            ["RAR Sydjylland", "2022M01", "Offentlig virksomhedspraktik", 900, 700.1],
        ]
    )
    assert check_upload("api.json", data) == "json"
    result = load(("api.json", data))
    assert result.ok, result.findings
    assert values(result) == {(HOME, 2022, "M", 1, VP): 67.2, (ESBJERG, 2022, "Y", 0, VP): 120.5}
    assert one(result, NOTE, "Ordning sprunget over").value == "Privat virksomhedspraktik"
    assert {f.value for f in result.findings if f.message.startswith("Samleområde")} == {
        "Hele landet",
        "RAR Sydjylland",
    }
    hidden = one(result, WARNING, "Skjult værdi")
    assert (hidden.row, hidden.column) == (3, "E")
    assert result.sheets[0].shape == "jobindsats.dk API"


def test_v2_json_with_a_bom_and_several_tables():
    doc = [
        {"Variables": VARIABLES, "Data": [["Aabenraa", "2022M01", "Virksomhedspraktik", 81, 67.2]]},
        {"Variables": VARIABLES, "Data": [["Esbjerg", "2022M01", "Virksomhedspraktik", 90, 70.0]]},
    ]
    result = load(("api.json", b"\xef\xbb\xbf" + json.dumps(doc).encode()))
    assert values(result) == {(HOME, 2022, "M", 1, VP): 67.2, (ESBJERG, 2022, "M", 1, VP): 70.0}
    assert [s.sheet for s in result.sheets] == ["Tabel 1", "Tabel 2"]


@pytest.mark.parametrize(
    "doc",
    [
        {
            "columns": ["Area", "Periode", "Tilbud", "Antal fuldtidspersoner"],
            "rows": [["Aabenraa", "2022M01", "Offentlig virksomhedspraktik", 67.2]],
        },
        [
            {
                "Area": "Aabenraa",
                "Periode": "2022M01",
                "Tilbud": "Offentlig virksomhedspraktik",
                "Antal fuldtidspersoner": 67.2,
            }
        ],
        {
            "data": [
                {
                    "Area": "Aabenraa",
                    "Periode": "2022M01",
                    "Tilbud": "Offentlig virksomhedspraktik",
                    "Antal fuldtidspersoner": 67.2,
                }
            ]
        },
    ],
)
def test_v3_json_as_columns_and_rows_or_as_records(doc):
    result = load(("v3.json", json.dumps(doc).encode()))
    assert values(result) == {(HOME, 2022, "M", 1, VP): 67.2}


@pytest.mark.parametrize(
    "data, why",
    [
        (b'{"besked": "ingen adgang"}', "har ikke den form"),
        (b"[" * 50 + b"]" * 50, "dybere indlejret"),
        (b"[1, 2,", "kan ikke læses som JSON"),
    ],
)
def test_json_that_is_not_an_api_table_is_one_danish_error(data, why):
    result = load(("svar.json", data))
    error = one(result, ERROR, "Filen svar.json")
    assert why in error.message and "Traceback" not in error.message
    assert result.data.empty


HEADER = [
    "Area",
    "Periode",
    "Tilbud",
    "Antal personer",
    "Antal fuldtidspersoner",
    "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
]


def test_api_csv_decimal_commas_percent_ignored_and_every_period_code():
    rows = [
        HEADER,
        ["Aabenraa", "2022M01", "Offentlig virksomhedspraktik", "81", "67,2", "0,3"],
        ["Aabenraa", "2022Q1", "Offentlig virksomhedspraktik", "83", "68,4", "0,3"],
        ["Aabenraa", "2021Y01", "Offentlig virksomhedspraktik", "1.010", "812,5", "0,3"],
        ["Aabenraa", "2023QMAT02", "Offentlig virksomhedspraktik", "85", "70,9", "0,3"],
        ["Region Syddanmark", "2022M01", "Offentlig virksomhedspraktik", "900", "700,1", "0,2"],
    ]
    result = load(("api.csv", api_csv(rows)))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2022, "M", 1, VP): 67.2,
        (HOME, 2022, "Q", 1, VP): 68.4,
        (HOME, 2021, "Y", 0, VP): 812.5,
    }
    moving = one(result, NOTE, "Løbende år sprunget over")
    assert moving.value == "2023QMAT02" and (moving.row, moving.column) == (5, "B")


def test_tilbud_og_samtaler_measures_and_prefixed_labels():
    rows = [
        ["Area", "Periode", "Tilbud", "Antal aktiverede", "Antal fuldtidsaktiverede"],
        ["Aabenraa", "2022M02", "Offentlig virksomhedspraktik", "90", "71,5"],
    ]
    assert values(load(("t.csv", api_csv(rows)))) == {(HOME, 2022, "M", 2, VP): 71.5}
    rows = [
        ["Area", "Periode", "Tilbud", "Forventet og faktisk antal fuldtidspersoner: Faktisk antal"],
        ["Aabenraa", "2022M02", "Offentlig virksomhedspraktik", "71,5"],
    ]
    result = load(("p.csv", api_csv(rows)))
    assert values(result) == {(HOME, 2022, "M", 2, VP): 71.5}


def test_extra_dimensions_are_read_at_their_totals_and_never_summed():
    rows = [["Area", "Periode", "Ydelsesgrupper", "Køn", "Tilbud", "Antal personer", "Antal fuldtidspersoner"]]
    for group, value in (("Ydelsesgrupper i alt", 10.0), ("Kontanthjælp", 4.0), ("A-dagpenge", 6.0)):
        for sex, share in (("Køn i alt", 1.0), ("Mænd", 0.5), ("Kvinder", 0.5)):
            rows.append(["Aabenraa", "2022M01", group, sex, "Offentlig virksomhedspraktik", "1", str(value * share)])
    result = load(("dim.csv", api_csv(rows)))
    assert result.ok, result.findings
    assert values(result) == {(HOME, 2022, "M", 1, VP): 10.0}
    assert not [f for f in result.findings if f.severity != NOTE]


def test_a_breakdown_without_its_total_is_refused_with_a_sentence():
    rows = [
        ["Area", "Periode", "Køn", "Tilbud", "Antal fuldtidspersoner"],
        ["Aabenraa", "2022M01", "Mænd", "Offentlig virksomhedspraktik", "5,5"],
        ["Aabenraa", "2022M01", "Kvinder", "Offentlig virksomhedspraktik", "4,5"],
    ]
    result = load(("kon.csv", api_csv(rows)))
    assert values(result) == {}
    error = one(result, ERROR, "Opdeling uden i alt")
    assert error.message == (
        "Opdeling uden i alt: tabellen er delt op efter 'Køn' (Kvinder, Mænd), men har ingen "
        "række for 'Køn i alt'. Tallene lægges ikke sammen her (nogen kunne tælle to gange); "
        "hent tabellen med 'Køn i alt'."
    )
    assert (error.row, error.column) == (1, "C")


def test_public_and_private_are_a_strategy_setting_not_code(tmp_path):
    import tomllib

    from csr.config import DEFAULT_CONFIG, parse_config

    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["skip"]["schemes"] = [n for n in raw["skip"]["schemes"] if n != "Privat virksomhedspraktik"]
    vp = next(s for s in raw["schemes"] if s["id"] == VP)
    vp["aliases"].append("Privat virksomhedspraktik")
    config = parse_config(raw)
    rows = [HEADER[:5], ["Aabenraa", "2022M01", "Privat virksomhedspraktik", "9", "7,5"]]
    assert values(load(("p.csv", api_csv(rows)), config=config)) == {(HOME, 2022, "M", 1, VP): 7.5}


def test_one_column_per_period_with_a_year_code_and_a_moving_total_column():
    rows = [
        ["Område", "Tilbud", "2022M01", "2022Y01", "2023QMAT02"],
        ["Aabenraa", "Offentlig virksomhedspraktik", "67,2", "70,1", "71,0"],
    ]
    result = load(("bred.csv", api_csv(rows)))
    assert values(result) == {(HOME, 2022, "M", 1, VP): 67.2, (HOME, 2022, "Y", 0, VP): 70.1}
    moving = one(result, NOTE, "Løbende år sprunget over")
    assert (moving.row, moving.column, moving.value) == (1, "E", "2023QMAT02")
