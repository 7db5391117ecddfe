"""The tables that ui.widgets.html_table draws with st.html, read back from an AppTest run as a reader sees
them: one frame per table, its column headers as columns, every cell as the text it shows."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.widgets import TABLE_CLASS


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()  # convert_charrefs: "&lt;" comes back as "<", as the page shows it
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_table(body: str) -> pd.DataFrame:
    parser = _Rows()
    parser.feed(body)
    header, *rows = parser.rows
    return pd.DataFrame(rows, columns=header)


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every `html_table` on the page, in page order."""
    return [read_table(e.value) for e in at.get("html") if f'<table class="{TABLE_CLASS}">' in e.value]
