"""Statistikbanken (Danmarks Statistik) CSV as its API and web export give it (issue 9, item 2).

The shape: UTF-8 with BOM, CRLF, `;`, capital variable names as headers (`OMRÅDE`, `TID`, the table's own
dimensions such as `KØN`), `INDHOLD` the value, areas as code and name ("580 Aabenraa"), `..` for
confidential. Sources: the API's data call (https://api.statbank.dk/v1/data, format CSV; the variables
"OMRÅDE", "KØN", "Tid" as kristianolesenlarsen/pydst's README queries FOLK1A) and davidkonrad/Statistikbanken.js
(README: JSON and CSV answers parsed alike).
"""

from __future__ import annotations

from importers_support import ESBJERG, HOME, csv, load, one, values

from csr.model import NOTE, WARNING

HEADER = ["OMRÅDE", "ANSÆTTELSESFORHOLD", "TID", "INDHOLD"]


def statbank(rows: list[list]) -> bytes:
    return csv(rows, encoding="utf-8-sig", newline="\r\n")


def test_codes_and_names_aggregates_and_confidential_values():
    data = statbank(
        [
            HEADER,
            ["580 Aabenraa", "Ansatte i alt", "2022M02", "4700"],
            ["580 Aabenraa", "Fleksjob", "2022M02", "250"],
            ["561 Esbjerg", "Fleksjob", "2022M02", ".."],
            ["561 Esbjerg", "Fleksjob", "2022M05", "401"],
            ["000 Hele landet", "Fleksjob", "2022M02", "60000"],
            ["084 Region Syddanmark", "Fleksjob", "2022M02", "12000"],
        ]
    )
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    result = load(("FLEKS.csv", data))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2022, "M", 2, "headcount"): 4700.0,
        (HOME, 2022, "M", 2, "fleksjob"): 250.0,
        (ESBJERG, 2022, "M", 5, "fleksjob"): 401.0,
    }
    assert {f.value for f in result.findings if f.message.startswith("Samleområde")} == {
        "000 Hele landet",
        "084 Region Syddanmark",
    }
    hidden = one(result, WARNING, "Skjult værdi")
    assert (hidden.row, hidden.column) == (4, "D")
    assert result.sheets[0].shape == "Statistikbanken"


def test_the_municipality_column_is_never_read_as_the_scheme():
    # Before: OMRÅDE was taken for the scheme ("Ukendt ordning '580 Aabenraa'"); INDHOLD was not a value.
    result = load(
        (
            "s.csv",
            statbank([["OMRÅDE", "YDELSESTYPE", "TID", "INDHOLD"], ["580 Aabenraa", "Løntilskud", "2022M02", "31"]]),
        )
    )
    assert values(result) == {(HOME, 2022, "M", 2, "loentilskud"): 31.0}
    assert not [f for f in result.findings if "ordning" in f.message.casefold()]


def test_an_extra_dimension_is_read_at_its_total():
    result = load(
        (
            "k.csv",
            statbank(
                [
                    ["OMRÅDE", "KØN", "ANSÆTTELSESFORHOLD", "TID", "INDHOLD"],
                    ["580 Aabenraa", "Køn i alt", "Fleksjob", "2022M02", "250"],
                    ["580 Aabenraa", "Mænd", "Fleksjob", "2022M02", "100"],
                    ["580 Aabenraa", "Kvinder", "Fleksjob", "2022M02", "150"],
                ]
            ),
        )
    )
    assert values(result) == {(HOME, 2022, "M", 2, "fleksjob"): 250.0}


def test_christianso_is_skipped_like_an_aggregate():
    result = load(
        (
            "c.csv",
            statbank(
                [
                    HEADER,
                    ["411 Christiansø", "Fleksjob", "2022M02", "1"],
                    ["580 Aabenraa", "Fleksjob", "2022M02", "250"],
                ]
            ),
        )
    )
    assert result.ok, result.findings
    assert values(result) == {(HOME, 2022, "M", 2, "fleksjob"): 250.0}
    assert one(result, NOTE, "Samleområde").value == "411 Christiansø"
