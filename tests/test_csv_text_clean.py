"""The CSV fast path of text cleaning (`csv_text_is_clean`) never skips a cell `clean_rows` would change."""

from __future__ import annotations

import csv
import io
import random

from csr.importers import read_clean_cells
from csr.importers.cells import MAX_LABEL, clean_rows, csv_text_is_clean


def _rows(text: str, delimiter: str) -> list[list]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_fast_path_agrees_with_clean_rows_on_random_text():
    rng = random.Random(7)
    alphabet = [*'ab;,\t\r\n"ø ', "\x00", "\x85", "\u200b", "\x0b", "\u2028", "\ufeff", "\x1c", "€", "x" * 120]
    skipped = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for delimiter in (";", ",", "\t"):
            if csv_text_is_clean(text, delimiter):
                skipped += 1
                assert clean_rows(_rows(text, delimiter), "f.csv", "") == [], (text, delimiter)
    assert skipped > 1000  # the fast path is taken, not just always refused


def test_fast_path_refuses_what_needs_cleaning():
    assert csv_text_is_clean("Kommune;Antal\nAabenraa;3\n", ";")
    assert not csv_text_is_clean("Kommune;Antal\nAaben\u200braa;3\n", ";")
    assert not csv_text_is_clean('Kommune;Antal\n"Aaben\nraa";3\n', ";")  # a quoted line break
    assert not csv_text_is_clean("Kommune;Antal\nAaben\traa;3\n", ";")
    assert csv_text_is_clean("Kommune\tAntal\nAabenraa\t3\n", "\t")
    long_cell = "x" * (MAX_LABEL + 1)
    assert not csv_text_is_clean(f"Kommune;Antal\n{long_cell};3\n", ";")
    assert csv_text_is_clean(f"Kommune;Antal\n{'x' * MAX_LABEL};{'y' * MAX_LABEL}\n", ";")  # long line, short cells


def test_read_clean_cells_still_reports_on_the_slow_path():
    data = "Kommune;Antal\nAaben\u200braa;3\n".encode()
    sheets, findings = read_clean_cells("f.csv", data, "csv")
    assert sheets[0][1][1] == ["Aabenraa", "3"]
    assert len(findings) == 1 and "U+200B" in findings[0].message
