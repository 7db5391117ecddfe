"""Small CSV and JSON uploads are parsed in the server process; workbooks and large text always in a child."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import csr.importers as importers
from csr.importers import import_uploads, safety
from csr.importers.safety import CSV, JSON, XLS, XLSX, Limits, fits_in_server

TEMPLATE = "Kommune;Måned;Ordning;Antal\nAabenraa;2024-02;Fleksjob;12\nAabenraa;2024-05;Fleksjob;14\n".encode()


@pytest.fixture
def children(monkeypatch) -> list[str]:
    """The names of the uploads that went to a guarded child."""
    names: list[str] = []
    original = importers.run_isolated

    def recording(func, *args, name="", limits=safety.LIMITS):
        names.append(name)
        return original(func, *args, name=name, limits=limits)

    monkeypatch.setattr(importers, "run_isolated", recording)
    return names


def test_a_small_csv_is_parsed_without_a_child_and_gives_the_same_result(children) -> None:
    here = import_uploads([("lille.csv", TEMPLATE)])
    assert children == []
    assert here.data["value"].tolist() == [12.0, 14.0]
    assert here.data["municipality"].tolist() == ["Aabenraa", "Aabenraa"]
    assert [str(t) for t in here.data.dtypes] == [str(t) for t in importers.empty_canonical().dtypes]
    there = import_uploads([("lille.csv", TEMPLATE)], limits=Limits(server_text_cells=5))  # above the cap
    assert children == ["lille.csv"]
    assert there.data.equals(here.data) and there.findings == here.findings


def test_a_csv_over_the_byte_cap_goes_to_a_child(children) -> None:
    result = import_uploads([("stor.csv", TEMPLATE)], limits=Limits(server_text_bytes=len(TEMPLATE) - 1))
    assert children == ["stor.csv"] and len(result.data) == 2


def test_fits_in_server_counts_every_possible_separator_and_never_takes_a_workbook() -> None:
    limits = Limits(server_text_cells=10, server_text_bytes=1000)
    assert fits_in_server(CSV, b"a;b\n" * 5, limits)  # 10 separators
    assert not fits_in_server(CSV, b"a,b\n" * 6, limits)  # 12: commas count too (the delimiter is guessed later)
    assert not fits_in_server(CSV, b"\r" * 11, limits)  # empty lines are rows as well
    assert not fits_in_server(CSV, b"x" * 1001, limits)  # over the byte cap
    assert fits_in_server(JSON, b"[" + b",".join([b"1"] * 10) + b"]", limits)  # 1 + 9 separators
    assert not fits_in_server(JSON, b"[" + b",".join([b"[]"] * 10) + b"]", limits)  # 1 + 9 + 10
    assert not fits_in_server(XLSX, b"PK\x03\x04", limits)
    assert not fits_in_server(XLS, b"\xd0\xcf\x11\xe0", limits)


def test_a_text_parse_in_the_server_waits_in_the_same_queue_as_the_children() -> None:
    with safety._slots:  # every place taken
        safety._running += 2
    try:
        result = import_uploads([("kø.csv", TEMPLATE)], limits=Limits(max_parallel=2, queue_timeout_s=0.2))
    finally:
        with safety._slots:
            safety._running -= 2
            safety._slots.notify_all()
    assert result.data.empty
    assert [f.message for f in result.errors] == ["Serveren er optaget af at læse andre filer; prøv igen om lidt."]


def text_frame(rows: int) -> pd.DataFrame:
    """In the child: a frame like a canonical table, with a missing text value and a column of many labels."""
    frame = pd.DataFrame(
        {
            "municipality": pd.array(["Aabenraa", "Tønder", None] * (rows // 3), dtype="str"),
            "code": np.arange(rows // 3 * 3, dtype=np.int32),
            "value": np.linspace(0.0, 1.0, rows // 3 * 3),
            "row": pd.array([f"r{i}" for i in range(rows // 3 * 3)], dtype="str"),
        }
    )
    return frame


def test_a_large_frame_comes_back_from_the_child_equal_and_smaller() -> None:
    here = text_frame(30_000)
    there = safety.run_isolated(text_frame, 30_000)
    pd.testing.assert_frame_equal(there, here, check_exact=True)
    assert [str(t) for t in there.dtypes] == ["str", "int32", "float64", "str"]
    assert there["municipality"].isna().sum() == 10_000
    names = here[["municipality"]]  # a few labels over every row: codes instead of text
    assert len(safety._dumps(names)) < 0.3 * len(pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL))
    small = text_frame(300)  # below COMPACT_ROWS: pickled as it is
    assert safety._dumps(small) == pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL)
