"""The shared host's data for tests/test_browser_tenancy.py, loaded through the Store API, and the figures the
pages must show computed from the stored rows in plain Python (no pandas arithmetic, no csr.shares, no
csr.national).

- national: the national workbook of tests/national_support.py (all 98 municipalities, 2018-2025), stored by the
  host administrator (`tenant=HOST`);
- Aabenraa (580): the sample data, a saved scenario and saved settings with a strategy name of its own;
- Haderslev (510): the sample data with the codes 580 and 510 swapped, under a file name of its own, and a saved
  scenario of its own. The swap alone would give Haderslev exactly Aabenraa's figures (Haderslev's rows would be
  the sample's Aabenraa rows), so a page showing Aabenraa's rows could not be told apart from one showing
  Haderslev's: Haderslev's own headcount is therefore 4/5 of the sample's, which makes every share of its own
  5/4 of Aabenraa's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from national_support import national_import, national_workbook

from csr import settings
from csr.config import HEADCOUNT, default_config
from csr.importers import import_uploads
from csr.model import ImportResult
from csr.planning import Scenario
from csr.store import HOST, Store

CONFIG = default_config()
AABENRAA, HADERSLEV = 580, 510
ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
HADERSLEV_FILE = "haderslev_hr_tal_2018-2025.xlsx"
AABENRAA_STRATEGY = "Aabenraas egen strategi"
AABENRAA_SCENARIO = "Aabenraas plan med flere fleksjob"
HADERSLEV_SCENARIO = "Haderslevs plan med flere elever"
HADERSLEV_HEADCOUNT = 0.8  # Haderslev's headcount as a part of the sample's (see the module docstring)

Key = tuple[int, int, int, str]  # municipality code, year, month, scheme


@dataclass(frozen=True)
class Loaded:
    """The rows in force for each municipality's store: its own numbers over the national ones, by key."""

    national: dict[Key, float]
    aabenraa: dict[Key, float]
    haderslev: dict[Key, float]

    def in_force(self, code: int) -> dict[Key, float]:
        """What `Store(..., tenant=code)` reads: the national rows, and the municipality's own number for a key
        in place of the national one (csr.store's rule)."""
        own = {AABENRAA: self.aabenraa, HADERSLEV: self.haderslev}[code]
        return {**self.national, **own}


def rows_of(data: pd.DataFrame) -> dict[Key, float]:
    """The canonical table's numbers by key; every row here is monthly."""
    assert set(data["period"]) == {"M"}
    out: dict[Key, float] = {}
    for code, year, month, scheme, value in zip(
        data["code"], data["year"], data["index"], data["scheme"], data["value"], strict=True
    ):
        key = (int(code), int(year), int(month), str(scheme))
        assert key not in out, key  # one number per key in a batch: no rule of precedence needed inside one
        out[key] = float(value)
    return out


def haderslev_import(sample: ImportResult) -> ImportResult:
    """The sample's rows with 580 and 510 swapped (codes and names), Haderslev's own headcount 4/5 of the
    sample's, and every row's provenance Haderslev's own file."""
    names = {AABENRAA: CONFIG.municipality(HADERSLEV).name, HADERSLEV: CONFIG.municipality(AABENRAA).name}
    swap = {AABENRAA: HADERSLEV, HADERSLEV: AABENRAA}
    data = sample.data.copy()
    codes = data["code"].to_numpy()
    data["municipality"] = [names.get(int(c), m) for c, m in zip(codes, data["municipality"], strict=True)]
    data["code"] = [swap.get(int(c), int(c)) for c in codes]
    data["code"] = data["code"].astype(sample.data["code"].dtype)
    own_headcount = (data["code"] == HADERSLEV) & (data["scheme"] == HEADCOUNT)
    data.loc[own_headcount, "value"] = (data.loc[own_headcount, "value"] * HADERSLEV_HEADCOUNT).round()
    data["file"] = HADERSLEV_FILE
    placements = sample.placements.assign(file=HADERSLEV_FILE)
    return ImportResult(data=data, placements=placements, findings=sample.findings, sheets=sample.sheets)


def load(owner_url: str, app_url: str) -> Loaded:
    """The three parts stored: each municipality's as the app's role, then the national data as the host
    administrator. (In this order: a municipality's import made right after the national data were stored, before
    PostgreSQL had analysed the table again, took about a minute for the sample's 2.876 numbers, against a fraction
    of a second before them or after an ANALYZE.)"""
    uploads = [(p.name, p.read_bytes()) for p in SAMPLE_FILES]
    sample = import_uploads(uploads, CONFIG)
    assert sample.ok, sample.errors[:3]
    aabenraa = Store(app_url, tenant=AABENRAA)
    aabenraa.add_batch(uploads, sample, who="Anne Aabenraa")
    settings.save(aabenraa, {"strategy": {"name": AABENRAA_STRATEGY}}, who="Anne Aabenraa")

    haderslev_rows = haderslev_import(sample)
    haderslev = Store(app_url, tenant=HADERSLEV)
    content = b"".join(content for _, content in uploads) + b"Haderslev"  # a content of its own (its own hash)
    haderslev.add_batch([(HADERSLEV_FILE, content)], haderslev_rows, who="Hans Haderslev")

    national = national_import()
    Store(owner_url, tenant=HOST).add_batch([("landsdata.xlsx", national_workbook())], national, who="Værten")
    # The scenarios saved on the data as they now are (one saved before is marked as of older data).
    aabenraa.save_scenario(
        AABENRAA_SCENARIO, Scenario(2023, {"fleksjob": 4.0}, name=AABENRAA_SCENARIO).to_dict(), who="Anne Aabenraa"
    )
    haderslev.save_scenario(
        HADERSLEV_SCENARIO, Scenario(2023, {"elever": 3.0}, name=HADERSLEV_SCENARIO).to_dict(), who="Hans Haderslev"
    )
    return Loaded(rows_of(national.data), rows_of(sample.data), rows_of(haderslev_rows.data))


# ---- the figures, in plain Python --------------------------------------------------------------------


def shares(rows: dict[Key, float], year: int) -> dict[int, dict[str, float]]:
    """Per municipality with a headcount in the year: each scheme's share in percent. The annual figure of a
    scheme is the mean of its measurement months present (of all twelve months for a scheme averaged over
    every period, virksomhedspraktik), the headcount's the mean of its measurement months (docs/regler.md)."""
    months = CONFIG.measurement_months
    values: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for (code, y, month, scheme), value in rows.items():
        if y == year:
            values[(code, scheme)][month] = value
    out: dict[int, dict[str, float]] = {}
    for code in {code for code, _ in values}:
        heads = [v for m, v in values.get((code, HEADCOUNT), {}).items() if m in months]
        if not heads or sum(heads) == 0:
            continue
        head = sum(heads) / len(heads)
        out[code] = {}
        for s in CONFIG.schemes:
            span = range(1, 13) if s.averaging == "all_periods" else months
            present = [v for m, v in values.get((code, s.id), {}).items() if m in span]
            if present:
                out[code][s.id] = sum(present) / len(present) / head * 100
    return out


def target_share(rows: dict[Key, float], code: int, year: int, target: str) -> float:
    """A share target's value for the municipality: the sum of its schemes' shares."""
    schemes = next(t for t in CONFIG.targets if t.id == target).schemes
    own = shares(rows, year)[code]
    return sum(own[s] for s in schemes if s in own)


def national_rank(rows: dict[Key, float], code: int, year: int, category: str) -> tuple[int, int]:
    """(rank, municipalities ranked) of the municipality in a comparison category: each municipality's share is
    the sum of its shares in the category's schemes of the neighbour comparison; rank 1 the highest, a tie
    (to 9 decimals) shares the best rank."""
    ids = [s.id for s in CONFIG.schemes if s.category == category and s.in_neighbour_comparison]
    category_shares = {
        c: sum(v for s, v in per.items() if s in ids)
        for c, per in shares(rows, year).items()
        if any(s in per for s in ids)
    }
    mine = round(category_shares[code], 9)
    return 1 + sum(1 for v in category_shares.values() if round(v, 9) > mine), len(category_shares)


def percent(value: float) -> str:
    """A share as the cards show it away from a threshold: one decimal, a decimal comma ("22,0 %")."""
    return f"{value:.1f}".replace(".", ",") + " %"
