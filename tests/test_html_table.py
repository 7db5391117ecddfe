"""ui.widgets.html_table: the plain tables of Omegnskommuner and Praktikpladser, drawn by st.html without
Streamlit's Markdown, so every header and cell is escaped as HTML and marked up for a screen reader."""

from __future__ import annotations

import pandas as pd
from table_support import read_table

from ui.widgets import html_table


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
