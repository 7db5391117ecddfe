"""The CSR section of the HR account ("HR-regnskabet") for one year, as a PDF and as an Excel workbook.

    pack = build_pack(figures, config, year, Provenance(version, "store" | "files", sheets, sample))
    images = chart_images(pack.charts)          # once; both formats use them
    pdf, xlsx = pdf_bytes(pack, images), xlsx_bytes(pack, images)

`export(...)` does all of it for one format. The page `/rapport` and `python -m csr export` use it;
neither needs a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from csr.config import Config
from csr.export.content import (
    FILES,
    STORE,
    Outlook,
    Pack,
    Provenance,
    build_pack,
    files_version,
    outlook,
    stored_files,
)
from csr.export.images import Png, chart_images, warm_up_in_background
from csr.export.pdf import pdf_bytes
from csr.export.xlsx import xlsx_bytes
from csr.model import InputError
from csr.shares import Figures

if TYPE_CHECKING:  # imported where used: planning and the store are not needed to export
    from csr.planning import Scenario
    from csr.store import Store

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def format_of(path: str | Path) -> str:
    """ "pdf" or "xlsx" from a file name; anything else is an `InputError` in Danish."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"Filen {Path(path).name} skal ende på .pdf eller .xlsx, så det er klart, hvad der skal laves."
        )
    return FORMATS[suffix]


def render(pack: Pack, fmt: str, images: Mapping[str, Png] | None = None) -> bytes:
    """The pack in one format ("pdf" or "xlsx"), rendering the charts unless `images` are given."""
    images = chart_images(pack.charts) if images is None else images
    return pdf_bytes(pack, images) if fmt == "pdf" else xlsx_bytes(pack, images)


def export(
    figures: Figures,
    config: Config,
    year: int,
    provenance: Provenance,
    fmt: str,
    *,
    scenario: Scenario | None = None,
    scenario_name: str = "",
    scenario_outdated: bool = False,
) -> bytes:
    """The report for `year` as PDF or xlsx bytes (`scenario`: a `csr.planning.Scenario` as outlook)."""
    pack = build_pack(
        figures,
        config,
        year,
        provenance,
        scenario=scenario,
        scenario_name=scenario_name,
        scenario_outdated=scenario_outdated,
    )
    return render(pack, fmt)


def saved_scenario(store: Store, name: str) -> tuple[Scenario, bool]:
    """A scenario saved by the planner: (`csr.planning.Scenario`, whether the data changed since)."""
    from csr.planning import Scenario

    saved = store.load_scenario(name)
    scenario = Scenario.from_dict(saved.payload)
    return scenario, saved.outdated


__all__ = [
    "FILES",
    "FORMATS",
    "MIME",
    "STORE",
    "Outlook",
    "Pack",
    "Png",
    "Provenance",
    "build_pack",
    "chart_images",
    "export",
    "files_version",
    "format_of",
    "outlook",
    "pdf_bytes",
    "render",
    "saved_scenario",
    "stored_files",
    "warm_up_in_background",
    "xlsx_bytes",
]
