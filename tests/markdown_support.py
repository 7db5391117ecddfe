"""What the AppTest tests share about Markdown: the text a reader sees of an escaped body (`ui.safe`)."""

from __future__ import annotations

import re

import pandas as pd

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation, as CommonMark reads it


def seen(body: str) -> str:
    """`body` as the page shows its characters: backslash escapes resolved, invisible word joiners gone."""
    return _ESCAPED.sub(r"\1", body).replace("\u2060", "")


def seen_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table that st.table renders as Markdown (`ui.widgets.table(wrap=True)`) as the page shows it: its
    headers and text cells `seen`."""
    shown = frame.rename(columns=lambda c: seen(str(c)))
    for column in shown.columns:
        shown[column] = [seen(v) if isinstance(v, str) else v for v in shown[column]]
    return shown
