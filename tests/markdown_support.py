"""What the AppTest tests share about Markdown: the text a reader sees of an escaped body (`ui.safe`)."""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation, as CommonMark reads it


def seen(body: str) -> str:
    """`body` as the page shows its characters: backslash escapes resolved, invisible word joiners gone."""
    return _ESCAPED.sub(r"\1", body).replace("\u2060", "")
