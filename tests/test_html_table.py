"""ui.widgets.html_table: the plain tables of Omegnskommuner and Praktikpladser, drawn by st.html without
Streamlit's Markdown, so every header and cell is escaped as HTML and marked up for a screen reader."""

from __future__ import annotations

import pandas as pd
from table_support import read_table

from ui.widgets import html_table, status_cell


def test_headers_row_headers_numbers_and_escapes():
    frame = pd.DataFrame({"Kommune": ["Tønder & Co", "<b>Fed</b>"], 'Fleksjob "x"': ["1,0\u00a0%", "12,5\u00a0%"]})
    assert html_table(frame, numeric={'Fleksjob "x"'}, label="Tabel <1>") == (
        '<div class="csr-table-box" role="region" tabindex="0" aria-label="Tabel &lt;1&gt;">'
        '<table class="csr-table"><thead><tr>'
        '<th scope="col">Kommune</th><th scope="col" class="num">Fleksjob &quot;x&quot;</th>'
        "</tr></thead><tbody>"
        '<tr><th scope="row">Tønder &amp; Co</th><td class="num">1,0\u00a0%</td></tr>'
        '<tr><th scope="row">&lt;b&gt;Fed&lt;/b&gt;</th><td class="num">12,5\u00a0%</td></tr>'
        "</tbody></table></div>"
    )


def test_a_reader_sees_the_characters_the_frame_holds():
    frame = pd.DataFrame(
        {"Uddannelse": ["<img src=x> & ![y](z)", "I alt"], "Aftalt": ["5", "7"], "Status": ["Opfyldt", "–"]}
    )
    shown = read_table(html_table(frame, numeric={"Aftalt"}))
    assert shown.to_dict("list") == frame.to_dict("list")


def test_rows_draw_the_same_table_as_their_frame():
    """The planner hands its tables over as rows (no frame at every slider move): the same HTML."""
    rows = [
        {"Mål": "Uddannelse & STU", "Før": "4,7\u00a0%", "Status": status_cell(False)},
        {"Mål": "<i>Beredskab</i>", "Før": "–", "Status": status_cell(None)},
    ]
    drawn = html_table(rows, numeric={"Før"}, label="Resultat", markup=("Status",))
    assert drawn == html_table(pd.DataFrame(rows), numeric={"Før"}, label="Resultat", markup=("Status",))
    assert read_table(drawn).to_dict("list") == {
        "Mål": ["Uddannelse & STU", "<i>Beredskab</i>"],
        "Før": ["4,7\u00a0%", "–"],
        "Status": ["✗ Ikke opfyldt", "– Ingen data"],
    }


def test_a_markup_column_holds_the_app_s_own_html_and_the_rest_is_still_escaped():
    frame = pd.DataFrame({"Mål": ["<i>Uddannelse</i>"], "Status": [status_cell(False)], "Før": ["<b>"]})
    table = html_table(frame, markup=("Status",))
    assert '<td><strong class="csr-unmet">✗ Ikke opfyldt</strong></td>' in table
    assert '<th scope="row">&lt;i&gt;Uddannelse&lt;/i&gt;</th>' in table and "<td>&lt;b&gt;</td>" in table
    assert read_table(table).to_dict("list") == {
        "Mål": ["<i>Uddannelse</i>"],
        "Status": ["✗ Ikke opfyldt"],
        "Før": ["<b>"],
    }


def test_status_cells_are_sign_word_and_a_class_for_each_colour():
    assert [status_cell(m) for m in (True, False, None)] == [
        '<strong class="csr-met">✓ Opfyldt</strong>',
        '<strong class="csr-unmet">✗ Ikke opfyldt</strong>',
        '<strong class="csr-nodata">– Ingen data</strong>',
    ]
