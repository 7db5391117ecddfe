"""Download buttons: charts as PNG (print quality) and SVG, tables as .xlsx with Danish headers.

The files are made only when someone clicks (Streamlit calls `data` then), so the buttons cost
nothing on a rerun. Text in a workbook stays text (`csr.plain`). A chart that cannot be drawn
(`csr.drawing.DrawError`) still downloads: an image holding the Danish sentence that says so, and the
page shows the sentence beside the buttons from its next run on.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from csr import audit as events
from csr import charts
from csr.drawing import DrawError
from csr.plain import plain, row_cells
from ui import auth

FAILED_CHARTS = "_failed_charts"  # session: chart name -> the sentence of its last failed download
FONT = Path(charts.__file__).parent / "fonts" / "DejaVuSans.ttf"


def _excel_value(value: Any) -> Any:
    """A table value as openpyxl writes it: numpy scalars as Python, missing as empty, times without zone."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Tal", number_formats: dict[str, str] | None = None) -> bytes:
    """The table as an Excel workbook; numbers stay numbers (Excel shows them with the reader's decimal comma)
    and text stays text: never a formula or an error cell, control characters removed."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet, and it is active
    ws.title = sheet[:31]
    ws.append(row_cells(ws, [str(c) for c in frame.columns]))
    for row in frame.itertuples(index=False, name=None):
        ws.append(row_cells(ws, [_excel_value(v) for v in row]))
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))]) + 2
        ws.column_dimensions[letter].width = min(60, width)
        fmt = (number_formats or {}).get(column)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def failure_png(sentence: str) -> bytes:
    """A white PNG with the sentence in it: what "PNG til tryk" gives when the chart cannot be drawn."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 28)
    lines = textwrap.wrap(plain(sentence), 60)
    image = Image.new("RGB", (1200, 80 + 40 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 40 * i), line, fill="#222222", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def failure_svg(sentence: str) -> str:
    """An SVG with the sentence in it, for "SVG" when the chart cannot be drawn."""
    import textwrap
    from xml.sax.saxutils import escape

    lines = textwrap.wrap(plain(sentence), 70)
    texts = "".join(f'<text x="20" y="{30 + 22 * i}">{escape(line)}</text>' for i, line in enumerate(lines))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="760" height="{40 + 22 * len(lines)}" '
        f'font-family="sans-serif" font-size="15" fill="#222222">{texts}</svg>'
    )


def guarded(
    make: Callable[[], Any], fallback: Callable[[str], Any], failures: MutableMapping[str, str], name: str
) -> Callable[[], Any]:
    """`make` for a deferred download, which never fails: a `DrawError` is kept in `failures[name]` (the page
    shows it on its next run) and the download gets `fallback(sentence)` instead. Streamlit ignores page
    commands inside the callable, and shows its own English text for an exception."""

    def data() -> Any:
        try:
            result = make()
        except DrawError as exc:
            failures[name] = str(exc)
            return fallback(str(exc))
        failures.pop(name, None)
        return result

    return data


def chart_buttons(name: str, build: Callable[[], charts.Chart]) -> None:
    """PNG at 200 ppi and SVG of one chart, made from the builder when clicked (in the guarded worker)."""
    failures = st.session_state.setdefault(FAILED_CHARTS, {})
    with st.container(horizontal=True, key=f"downloads_{name}"):
        st.download_button(
            "PNG til tryk",
            file_name=f"{name}.png",
            data=auth.audited(
                guarded(lambda: charts.to_png(build().to_dict()), failure_png, failures, name),
                events.DATA_DOWNLOAD,
                f"{name}.png",
                auth.actor(),
            ),
            mime="image/png",
            key=f"png_{name}",
            on_click="ignore",
            icon=":material/image:",
            help=f"Billede i {charts.PRINT_PPI} ppi til rapporter og præsentationer",
        )
        st.download_button(
            "SVG",
            file_name=f"{name}.svg",
            data=auth.audited(
                guarded(lambda: charts.to_svg(build().to_dict()), failure_svg, failures, name),
                events.DATA_DOWNLOAD,
                f"{name}.svg",
                auth.actor(),
            ),
            mime="image/svg+xml",
            key=f"svg_{name}",
            on_click="ignore",
            icon=":material/draw:",
            help="Vektorgrafik, der kan skaleres frit",
        )
    if name in failures:
        st.warning(failures[name], icon=":material/error:")  # csr.drawing's own sentence, no text from a file


def table_button(name: str, frame: pd.DataFrame, number_formats: dict[str, str] | None = None) -> None:
    st.download_button(
        "Excel (.xlsx)",
        data=auth.audited(
            lambda: xlsx_bytes(frame, name, number_formats), events.DATA_DOWNLOAD, f"{name}.xlsx", auth.actor()
        ),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click="ignore",
        icon=":material/download:",
    )
