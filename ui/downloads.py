"""Download buttons: charts as PNG (print quality) and SVG, tables as .xlsx with Danish headers.

The files are made only when someone clicks (Streamlit calls `data` then), so the buttons cost
nothing on a rerun.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import streamlit as st

from csr import charts


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Tal", number_formats: dict[str, str] | None = None) -> bytes:
    """The table as an Excel workbook; numbers stay numbers (Excel shows them with the reader's decimal comma)."""
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for i, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))]) + 2
            ws.column_dimensions[letter].width = min(60, width)
            fmt = (number_formats or {}).get(column)
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
    return buffer.getvalue()


def chart_buttons(name: str, build: Callable[[], charts.Chart]) -> None:
    """PNG at 200 ppi and SVG of one chart, made from the builder when clicked."""
    with st.container(horizontal=True, key=f"downloads_{name}"):
        st.download_button("PNG til tryk", data=lambda: charts.to_png(build().to_dict()), file_name=f"{name}.png",
                           mime="image/png", key=f"png_{name}", on_click="ignore", icon=":material/image:",
                           help=f"Billede i {charts.PRINT_PPI} ppi til rapporter og præsentationer")
        st.download_button("SVG", data=lambda: charts.to_svg(build().to_dict()), file_name=f"{name}.svg",
                           mime="image/svg+xml", key=f"svg_{name}", on_click="ignore",
                           icon=":material/draw:", help="Vektorgrafik, der kan skaleres frit")


def table_button(name: str, frame: pd.DataFrame, number_formats: dict[str, str] | None = None) -> None:
    st.download_button("Excel (.xlsx)", data=lambda: xlsx_bytes(frame, name, number_formats),
                       file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"xlsx_{name}", on_click="ignore", icon=":material/download:")
