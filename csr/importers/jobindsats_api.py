"""The jobindsats.dk API's JSON saved to a file, as rows of cells for the sheet readers.

Version 2 of the API answers a data request with a list of one object per table:
`[{"Variables": [{"Label": "Area"}, {"Label": "Periode"}, ...], "Data": [["Aabenraa", "2022M01", ...], ...]}]`,
numbers as JSON numbers and hidden values as "..". Version 3 (which replaced it in 2026) changed the
response shape; its JSON is read when it is a table of column names and rows (`{"columns": [...],
"rows": [[...]]}`), a list of records (`[{"Periode": "2022M01", ...}]`) or either under a "data" key.
The rows then go through the same readers as the API's `;`-CSV (an `Area` column, `Periode`, measures).
"""

from __future__ import annotations

import json

from csr.config import Config
from csr.importers.header import Header
from csr.importers.long import _read_long
from csr.importers.safety import text_encoding
from csr.importers.sheetdata import Reader
from csr.model import ERROR, Finding, InputError
from csr.names import normalize

MAX_DEPTH = 8  # a table is a list of lists at most a few levels down; deeper is not the API's answer


def json_sheets(name: str, data: bytes) -> list[tuple[str, list[list], int, int]]:
    """Every table in the file as (sheet name, rows of cells, 0, 0): a header row, then the data rows."""
    try:
        doc = json.loads(data.decode(text_encoding(data) or "utf-8", errors="replace"))
    except (ValueError, RecursionError):
        raise _unreadable(name, "kan ikke læses som JSON") from None
    if _depth(doc) > MAX_DEPTH:
        raise _unreadable(name, "er dybere indlejret, end en tabel fra jobindsats.dk er")
    tables = [t for t in map(_table, doc if _is_v2_list(doc) else [doc]) if t is not None]
    if not tables:
        raise _unreadable(
            name,
            "har ikke den form, jobindsats.dk's API giver (en liste med 'Variables' og "
            "'Data', kolonner og rækker, eller en liste af poster)",
        )
    if len(tables) == 1:
        return [("", tables[0], 0, 0)]
    return [(f"Tabel {i}", rows, 0, 0) for i, rows in enumerate(tables, start=1)]


def _is_v2_list(doc: object) -> bool:
    return isinstance(doc, list) and bool(doc) and all(isinstance(t, dict) and "Data" in t for t in doc)


def _table(doc: object) -> list[list] | None:
    """One table as rows (header first), or None when the object is not a table."""
    if isinstance(doc, dict):
        keys = {k.casefold(): k for k in doc}
        columns = doc.get(keys.get("variables", keys.get("columns", "")))
        body = doc.get(keys.get("data", keys.get("rows", "")))
        if isinstance(columns, list) and isinstance(body, list):
            return [[_label(c) for c in columns], *(_row(r) for r in body if isinstance(r, list))]
        for key in ("data", "result", "results", "rows"):
            if key in keys and isinstance(doc[keys[key]], (list, dict)):
                return _table(doc[keys[key]])
        return None
    if isinstance(doc, list) and doc and all(isinstance(r, dict) for r in doc):
        header: dict[str, None] = {}
        for record in doc:
            header.update(dict.fromkeys(map(str, record)))
        names = list(header)
        return [names, *([_cell(r.get(n)) for n in names] for r in doc)]
    if isinstance(doc, list) and len(doc) == 1:
        return _table(doc[0])
    return None


def _label(column: object) -> str:
    """A column's label: v2 `{"Label": "Area"}`, v3 `{"label": ...}` / `{"name": ...}`, or the text itself."""
    if isinstance(column, dict):
        for key in ("Label", "label", "Name", "name", "Text", "text", "id"):
            if isinstance(column.get(key), str):
                return column[key]
        return ""
    return "" if column is None else str(column)


def _row(row: list) -> list:
    return [_cell(c) for c in row]


def _cell(value: object) -> object:
    """JSON values as the cells a sheet holds: numbers stay numbers, text stays text."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    return str(value) if isinstance(value, bool) else None


def _depth(doc: object) -> int:
    """The nesting depth of lists and objects, walked without recursion."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            children = node.values() if isinstance(node, dict) else node
            stack.extend((c, depth + 1) for c in children if isinstance(c, (list, dict)))
    return deepest


def _unreadable(name: str, why: str) -> InputError:
    return InputError(
        Finding(
            ERROR,
            f"Filen {name} {why}. Gem svaret fra jobindsats.dk's API som JSON eller CSV, "
            "eller download tabellen som Excel.",
            name,
        )
    )


def _is_api_table(rows: list[list], header: Header, config: Config) -> bool:
    """The API's long table: its English area label "Area" beside "Periode" (JSON or `;`-CSV)."""
    head = {normalize(c) for c in rows[header.row] if isinstance(c, str)}
    return "area" in head and "periode" in head and not header.periods and not header.placement


READER = Reader("jobindsats.dk API", _is_api_table, _read_long)
