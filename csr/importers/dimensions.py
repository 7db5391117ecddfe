"""Breakdown columns of a long table ("Ydelsesgrupper", "Køn", "Alder", "Herkomst"): read at the total only.

jobindsats.dk and Statistikbanken tables can carry dimensions beyond area, period and scheme. A figure
per municipality, month and scheme is the total over such a dimension: the rows of its total category
("Ydelsesgrupper i alt", "Køn i alt", "Alder i alt") are read and the breakdown rows left out, so nothing
is summed across a dimension and nothing counts twice. A breakdown without a total is refused
(docs/regler.md §8).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from csr.importers.cells import header_role, is_blank, parse_number
from csr.importers.header import Header, _is_area
from csr.importers.resolve import looks_like_cpr
from csr.importers.sheetdata import SheetData, show
from csr.model import ERROR
from csr.names import normalize

# Headings that name a breakdown even when the file holds no total category for them.
DIMENSION_HEADINGS = frozenset(
    normalize(w)
    for w in (
        "ydelsesgrupper",
        "ydelsesgruppe i alt",
        "køn",
        "alder",
        "aldersgrupper",
        "aldersgruppe",
        "herkomst",
        "oprindelse",
        "målgruppe",
        "målgrupper",
        "varighed",
        "uddannelsesniveau",
        "branche",
        "sektor",
        "familietype",
    )
)
_TOTAL_WORDS = frozenset(normalize(w) for w in ("i alt", "total", "alle", "begge køn", "alle aldre", "samlet"))
_SCAN_ROWS = 5000


def is_total_category(label: object) -> bool:
    """ "Ydelsesgrupper i alt", "Køn i alt", "I alt", "Total", "Alle": the category that holds every other."""
    if not isinstance(label, str):
        return False
    key = normalize(label)
    return key in _TOTAL_WORDS or key.endswith("ialt")


def total_rows(
    rows: list[list], header: Header, sheet: SheetData, row_offset: int, col_offset: int
) -> np.ndarray | Literal[False] | None:
    """Which rows below the header to read: None (no breakdown column: all), a mask keeping the rows at
    every breakdown's total category, or False when a breakdown has no total (an error says so)."""
    from csr.importers.cells import column_letter

    taken = set(header.roles.values()) | set(header.scheme_cols)
    head = rows[header.row]
    candidates = [
        j
        for j, heading in enumerate(head)
        if j not in taken and isinstance(heading, str) and heading.strip() and not header_role(heading)
    ]
    if not candidates:
        return None
    body = rows[header.row + 1 :]
    keep: np.ndarray | None = None
    for j in candidates:
        heading = head[j]
        sample = [r[j] for r in body[:50] if j < len(r) and not is_blank(r[j])]
        if any(isinstance(parse_number(c), float) for c in sample):
            continue  # figures (a percent column), not categories
        labels = {c.strip() for r in body[:_SCAN_ROWS] if j < len(r) and isinstance(c := r[j], str) and c.strip()}
        if not labels or any(_is_area(v, sheet.config) for v in labels):
            continue  # areas, not categories
        totals = {v for v in labels if is_total_category(v)}
        known = normalize(heading) in DIMENSION_HEADINGS
        if not totals and not known:
            continue  # a comment or department column, not a breakdown
        if not totals:
            shown = [v for v in sorted(labels) if not looks_like_cpr(v)][:3]
            example = f" ({', '.join(shown)})" if shown else ""
            sheet.finding(
                ERROR,
                "Opdeling uden i alt",
                f"Opdeling uden i alt: tabellen er delt op efter '{heading.strip()}'{example}, men har "
                f"ingen række for '{heading.strip()} i alt'. Tallene lægges ikke sammen her (nogen kunne "
                f"tælle to gange); hent tabellen med '{heading.strip()} i alt'.",
                row_offset + header.row + 1,
                column_letter(col_offset + j),
                show(heading),
            )
            return False
        cells = [r[j] if j < len(r) else None for r in body]
        mask = np.fromiter(
            (is_blank(c) or (isinstance(c, str) and c.strip() in totals) for c in cells), bool, len(cells)
        )
        keep = mask if keep is None else keep & mask
    return keep
