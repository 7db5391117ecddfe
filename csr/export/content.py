"""What the HR account's CSR section says for one year: sentences, tables and charts, before any layout.

`build_pack` gathers everything from `csr.shares.Figures` once; the PDF (`csr.export.pdf`) and the
workbook (`csr.export.xlsx`) only lay it out, so both say the same. Every sentence comes from
`csr.text`, the module the app's captions use. Table cells keep numbers unrounded; a share is a
`Share` that knows the threshold deciding how many decimals it needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from csr import charts, text
from csr.config import HEADCOUNT, Config
from csr.fmt import files_digest, period_key, reference_pct, scheme_label
from csr.model import SheetSummary
from csr.shares import Figures, HomeYear, TargetStatus, comparison_groups, neighbour_note, placement_status

if TYPE_CHECKING:
    from csr.planning import Scenario
    from csr.store import Store

STORE = "store"
FILES = "files"


# ---- where the figures come from -------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """The data version the figures were computed from and the files (and sheets) behind them.

    `kind` is "store" (`version` is `Store.version()`, internal: it names caches and scenarios) or "files"
    (`version` is `files_version`). `as_of` is what people read about stored data: `csr.text.data_as_of`.
    """

    version: str
    kind: str = FILES
    sheets: tuple[SheetSummary, ...] = ()
    sample: bool = False
    as_of: str | None = None

    def version_text(self) -> str:
        """Which data, as people read it: "Data pr. 1. december 2026 kl. 18.53 (import nr. 3)", or the
        files' fingerprint for figures computed from files."""
        if self.kind == STORE:
            return self.as_of or "Data fra databasen"
        what = "Eksempeldata fra de medfølgende filer" if self.sample else "Data fra filerne"
        return f"{what} (fingeraftryk {self.version[:16]})"


files_version = files_digest  # the data version of figures computed from files (`csr.fmt.files_digest`)


def stored_files(store: Store) -> tuple[SheetSummary, ...]:
    """The files of the store's active imports, oldest first (a `csr.store.Store`; it keeps no sheets)."""
    from csr.store import ACTIVE

    history = store.history()
    out = []
    for batch in reversed(list(history.loc[history["status"] == ACTIVE, "batch"])):
        out += [SheetSummary(f.name, "", f"import nr. {int(batch)}", f.rows) for f in store.batch(int(batch)).files]
    return tuple(out)


def _period_key(period: str) -> int:
    from csr.importers.cells import parse_period

    parsed = parse_period(period)
    if parsed is None:
        return 0
    year, kind, index = parsed
    return period_key(year, kind, index)


def source_lines(sheets: Sequence[SheetSummary], config: Config) -> list[str]:
    """One line per file: its sheets, what they held and for which periods."""
    by_file: dict[str, list[SheetSummary]] = {}
    for sh in sheets:
        by_file.setdefault(sh.file, []).append(sh)
    lines = []
    for file, group in by_file.items():
        named = [sh.sheet for sh in group if sh.sheet]
        where = file
        if len(named) == 1:
            where += f", ark «{named[0]}»"
        elif named:
            where += (
                f", {len(named)} ark («{named[0]}» – «{named[-1]}»)"
                if len(named) > 3
                else ", ark " + ", ".join(f"«{n}»" for n in named)
            )
        parts = [
            ", ".join(dict.fromkeys(sh.shape for sh in group if sh.shape)),
            f"{text.number(sum(sh.rows for sh in group))} rækker",
        ]
        periods = [p for sh in group for p in (sh.first_period, sh.last_period) if p]
        if periods:
            parts.append(f"{min(periods, key=_period_key)} – {max(periods, key=_period_key)}")
        municipalities = {m for sh in group for m in sh.municipalities}
        if municipalities:
            parts.append(f"{len(municipalities)} kommuner")
        schemes = dict.fromkeys(s for sh in group for s in sh.schemes)
        names = [scheme_label(s, config, short=True) for s in schemes if s == HEADCOUNT or s in config.scheme_ids]
        if names:
            parts.append(", ".join(names))
        lines.append(f"{where}: {'; '.join(p for p in parts if p)}")
    return lines


# ---- cells and tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A share in percent (unrounded) with the threshold that decides its decimals (see `text.pct`);
    `exact` shows a threshold as the strategy writes it ("6 %"); `beside` is the share a threshold or an
    average is shown beside, whose decimals it takes (`csr.fmt.shown_pair`)."""

    value: float | None
    threshold: float | None = None
    strict: bool = False
    exact: bool = False
    beside: float | None = None

    @property
    def missing(self) -> bool:
        return self.value is None

    def text(self) -> str:
        if self.missing:
            return "–"
        if self.exact:
            return text.target_pct(self.value)
        if self.beside is not None:
            return reference_pct(self.value, self.beside, self.strict)
        return text.pct(self.value, self.threshold, self.strict)

    def decimals(self) -> int:
        value = self.value
        if value is None:
            return 1
        if self.exact and float(value).is_integer():
            return 0
        if self.beside is not None and not math.isnan(self.beside):
            return text.decimals_for(float(self.beside), float(value), self.strict)
        return text.decimals_for(float(value), self.threshold, self.strict)


@dataclass(frozen=True)
class Gap:
    """A gap in percentage points (unrounded) with the threshold or average it is measured from, so it is
    printed with the decimals of the share beside it and never as a signed zero (`csr.fmt.pp`)."""

    value: float
    reference: float | None = None
    strict: bool = False

    def text(self) -> str:
        return text.pp(self.value, self.reference, self.strict)

    def decimals(self) -> int:
        if self.reference is None or math.isnan(self.reference):
            return 1
        return text.decimals_for(self.reference + self.value, self.reference, self.strict)


TEXT, STATUS, PERSONS, COUNT, PCT, PP, YEAR = "text", "status", "persons", "count", "pct", "pp", "year"
TEXTUAL = (TEXT, STATUS)  # a status ("✓ Opfyldt") is text that stays on one line


SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 1.0  # relative width in the PDF
    pdf_header: str = ""  # the header as the PDF prints it, where it needs a place to break a long word

    @property
    def printed_header(self) -> str:
        return self.pdf_header or self.header


@dataclass(frozen=True)
class Table:
    """A table with Danish headers; cells hold numbers (or `Share`), never formatted text for numbers."""

    sheet: str  # the workbook's sheet name (at most 31 characters)
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    note: str = ""
    bold_rows: tuple[int, ...] = ()  # totals


def cell_text(kind: str, value: object) -> str:
    """A cell as the PDF prints it: Danish numbers, "–" for no data."""
    if isinstance(value, (Share, Gap)):
        return value.text()
    if value is None:
        return "–"
    if isinstance(value, str) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if kind == PERSONS:
        return text.number(float(value), 1)
    if kind == COUNT:
        return text.number(float(value))
    if kind == PCT:
        return text.pct(float(value))
    if kind == PP:
        return text.pp(float(value))
    if kind == YEAR:
        return str(int(value))
    return str(value)


# ---- the pack ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    id: str
    name: str
    met: bool | None
    sentence: str


@dataclass(frozen=True)
class ChartItem:
    """One chart of the report: how to build it, its heading and the sentence under it."""

    name: str
    title: str
    caption: str
    build: Callable[[], charts.Chart]
    width_mm: float = 170.0  # the widest it may be printed
    heading: str = ""  # a heading above the chart in the PDF (the chart has its own title)


@dataclass(frozen=True)
class Outlook:
    """A saved planning scenario appended to the report."""

    name: str
    year: int
    sentence: str
    notes: tuple[str, ...]
    plan: Table
    targets: Table


@dataclass(frozen=True)
class Pack:
    """Everything the CSR section of the HR account says for one year."""

    title: str
    strategy: str
    organisation: str
    year: int
    provisional: bool
    generated: datetime
    provenance: Provenance
    notes: tuple[str, ...]  # the strategy period and provisional figures
    summary: tuple[str, ...]  # the year in three sentences
    targets: tuple[TargetResult, ...]
    tables: dict[str, Table]
    charts: tuple[ChartItem, ...]
    neighbour_notes: tuple[str, ...]
    method: tuple[str, ...]
    sources: tuple[str, ...]
    outlook: Outlook | None = None
    chart_notes: dict[str, str] = field(default_factory=dict)

    @property
    def year_label(self) -> str:
        return text.year_label(self.year, self.provisional)

    def chart(self, name: str) -> ChartItem | None:
        return next((c for c in self.charts if c.name == name), None)


def _home_row(figures: Figures, config: Config, year: int) -> HomeYear:
    row = figures.home_row(year, config)
    if row is None:
        known = ", ".join(str(y) for y in figures.home_years(config))
        raise KeyError(f"Der er ingen tal for {config.home_name} i {year}. Årene i data er {known}.")
    return row


def _until(figures: Figures, year: int) -> Figures:
    """The figures of the years up to `year` (a report shows no later years)."""
    placements = figures.placements
    if placements is not None and len(placements):
        placements = placements[placements["year"] <= year]
    return replace(
        figures,
        annual=figures.annual[figures.annual["year"] <= year],
        shares=figures.shares[figures.shares["year"] <= year],
        years=figures.years[figures.years["year"] <= year],
        neighbours=tuple(f for f in figures.neighbours if f.year <= year),
        targets=tuple(t for t in figures.targets if t.year <= year),
        placements=placements,
    )


def _target_cells(t: TargetStatus | None) -> tuple[Share | str | None, Share | str | None]:
    """A target's requirement and result cells: shares in percent, or for placements places in words."""
    if t is None:
        return None, None
    if t.places:
        if t.value is None or t.threshold is None:
            return "alle aftalte pladser", None
        return f"{text.places(t.threshold)} aftalt", f"{text.count(t.value)} besat"
    exact = not t.strict  # a threshold as the strategy writes it; the neighbours' average with decimals
    return (
        Share(t.threshold, strict=t.strict, exact=exact, beside=None if exact else t.value),
        Share(t.value, t.threshold, t.strict),
    )


def targets_table(figures: Figures, config: Config, year: int) -> Table:
    """The year's targets: the name in force that year, the requirement, the result against the year
    before, the status, the gap in percentage points and what is missing (persons, or places)."""
    rows = []
    for t in figures.targets_in(year):
        requirement, result = _target_cells(t)
        _, previous = _target_cells(figures.target(year - 1, t.id))
        short = t.gap_places if t.places else t.gap_persons
        rows.append(
            (
                t.name,
                requirement,
                result,
                previous,
                f"{text.status_mark(t.met)} {text.status_word(t.met)}",
                None if t.met is None or t.gap_pp is None else Gap(t.gap_pp, t.threshold, t.strict),
                None if t.met is None or t.met else short,
            )
        )
    return Table(
        "Mål",
        f"Målene i {year}",
        (
            Column("Mål", TEXT, 3.2),
            Column("Krav", PCT, 0.9),
            Column(f"Resultat {year}", PCT, 1.0),
            Column(f"Året før ({year - 1})", PCT, 1.0),
            Column("Status", STATUS),
            Column("Afstand (procentpoint)", PP, 1.2),
            Column("Mangler (personer)", COUNT, 1.0),
        ),
        tuple(rows),
        note="Krav: målets tærskel det år; for målene om omegnskommunerne deres gennemsnit, for praktikpladserne "
        "de aftalte pladser (målet er nået, når hver uddannelse når sit aftalte antal). Mangler: personer i "
        "årsgennemsnit (for praktikpladserne: pladser under det aftalte, lagt sammen over uddannelserne).",
    )


def schemes_table(figures: Figures, config: Config, year: int) -> Table:
    shares = figures.shares
    home = shares[(shares["code"] == config.home) & (shares["year"] == year)].set_index("scheme")
    row = _home_row(figures, config, year)
    rows: list[tuple[str, str, str, float | None, Share | None, str]] = []
    bold: list[int] = []
    for category, category_name in config.categories.items():
        persons_sum = 0.0
        for sid in config.schemes_in(category):
            scheme = config.scheme(sid)
            if sid in home.index:
                r = home.loc[sid]
                persons_sum += float(r["persons"])
                basis = f"{int(r['present'])} af {int(r['expected'])} {r['basis']}"
                if r["provisional"]:
                    basis += " (foreløbig)"
                rows.append((category_name, scheme.name, scheme.source, float(r["persons"]), Share(r["share"]), basis))
            else:
                rows.append((category_name, scheme.name, scheme.source, None, None, "ingen data"))
        bold.append(len(rows))
        rows.append(("", f"{category_name} i alt", "", persons_sum, Share(row.categories[category]), ""))
    bold.append(len(rows))
    total_persons = float(home["persons"].sum()) if len(home) else 0.0
    rows.append(("", "I alt i ordningerne", "", total_persons, Share(row.total_share), ""))
    bold.append(len(rows))
    rows.append(("", f"{config.headcount_name} (årsgennemsnit)", "", row.headcount, None, ""))
    return Table(
        "Ordninger",
        f"Ordningerne i {year}",
        (
            Column("Gruppe", TEXT, 1.0),
            Column("Ordning", TEXT, 2.4),
            Column("Kilde", TEXT, 1.2),
            Column("Personer (årsgennemsnit)", PERSONS),
            Column("Andel af ansatte", PCT),
            Column("Grundlag", TEXT, 1.8),
        ),
        tuple(rows),
        note=text.missing_schemes_sentence(figures.years, config, year),
        bold_rows=tuple(bold),
    )


def years_table(figures: Figures, config: Config, year: int) -> Table:
    home = figures.years[(figures.years["code"] == config.home) & (figures.years["year"] <= year)]
    rows = []
    for _, r in home.sort_values("year").iterrows():
        rows.append(
            (
                int(r["year"]),
                float(r["headcount"]),
                *(Share(r[c]) for c in config.categories),
                Share(r["total_share"]),
                "Foreløbige" if r["provisional"] else "Endelige",
            )
        )
    columns = (
        Column("År", YEAR, 0.7),
        Column(f"{config.headcount_name} (årsgennemsnit)", PERSONS, 1.6),
        *(Column(name, PCT, 1.1) for name in config.categories.values()),
        Column("I alt", PCT, 0.9),
        Column("Tal", TEXT, 1.0),
    )
    return Table("År for år", "Andel af ansatte år for år", columns, tuple(rows))


def neighbour_tables(figures: Figures, config: Config, year: int) -> dict[str, Table]:
    out = {}
    for group in comparison_groups(config):
        frame = charts.neighbour_scheme_table(figures.shares, config, year, group, figures.method)
        columns = (
            Column(frame.columns[0], TEXT, 2.6),
            *(
                Column(c, PCT, pdf_header=c.replace("Omegnsgennemsnit", f"Omegns{SOFT_HYPHEN}gennemsnit"))
                for c in frame.columns[1:]
            ),
        )
        rows = tuple(
            (r[0], *(Share(float(v) if math.isfinite(v) else None) for v in r[1:]))
            for r in frame.itertuples(index=False, name=None)
        )
        name = config.categories[group]
        nb = figures.neighbour(year, group)
        out[f"omegn_{group}"] = Table(
            f"Omegn – {name}"[:31],
            f"{name} {year}: andel af ansatte pr. ordning og kommune",
            columns,
            rows,
            note="" if nb is None else neighbour_note(nb, config),
            bold_rows=(len(rows) - 1,),
        )
    return out


def placements_table(figures: Figures, year: int) -> Table | None:
    status = placement_status(figures.placements, year)
    if status.empty:
        return None
    rows = tuple(
        (
            r["education"],
            float(r["agreed"]),
            float(r["realised"]),
            int(r["short"]),
            f"{text.status_mark(bool(r['met']))} {text.status_word(bool(r['met']))}",
        )
        for _, r in status.iterrows()
    )
    return Table(
        "Praktikpladser",
        f"Praktik- og elevpladser {year}",
        (
            Column("Uddannelse", TEXT, 3.0),
            Column("Aftalt", COUNT, 1.0),
            Column("Realiseret", COUNT, 1.0),
            Column("Mangler (pladser)", COUNT, 1.0),
            Column("Status", STATUS),
        ),
        rows,
        note="Målet er nået, når hver uddannelse når sit aftalte antal; flere pladser på én uddannelse dækker "
        "ikke mangler på en anden. I alt: pladser under det aftalte, lagt sammen over uddannelserne.",
        bold_rows=(len(rows) - 1,),
    )


def _charts(figures: Figures, config: Config, year: int) -> tuple[tuple[ChartItem, ...], dict[str, str]]:
    upto = _until(figures, year)
    items = [
        ChartItem(
            "figur1",
            "Figur 1",
            text.figure1_caption(figures.years, config, year),
            lambda: charts.figure1_donut(figures.years, config, year),
            125.0,
            heading="Figur 1",
        ),
        ChartItem(
            "udvikling",
            "Udviklingen",
            text.trend_caption(upto.targets, config, upto.provisional_years(config)),
            lambda: charts.trend_chart(upto.targets, upto.years, config),
        ),
    ]
    for group in comparison_groups(config):
        ranking = charts.neighbour_ranking_frame(figures.shares, config, year, group)
        rank = int(ranking.loc[ranking["home"], "rank"].iloc[0]) if ranking["home"].any() else None
        items.append(
            ChartItem(
                f"omegn_{group}",
                f"Omegnskommunerne: {config.categories[group]}",
                text.neighbour_caption(figures.neighbours, config, year, group, rank, len(ranking)),
                partial(charts.neighbour_ranking_chart, figures.shares, figures.neighbours, config, year, group),
                140.0,
            )
        )  # both groups on one page
    items.append(
        ChartItem(
            "omegn_udvikling",
            "Omegnskommunerne år for år",
            text.neighbour_trend_caption(upto.neighbours, config),
            lambda: charts.neighbour_trend_chart(upto.neighbours, upto.years, config),
        )
    )
    status = placement_status(figures.placements, year)
    notes = {}
    if status.empty:
        notes["praktikpladser"] = text.placement_caption(status, year)
    else:
        items.append(
            ChartItem(
                "praktikpladser",
                "Praktik- og elevpladser",
                text.placement_caption(status, year),
                lambda: charts.placement_bullets(figures.placements, year),
            )
        )
    return tuple(items), notes


def outlook(figures: Figures, config: Config, scenario: Scenario, name: str, outdated: bool = False) -> Outlook:
    """A saved scenario as the report's outlook; `PlanError` (Danish) when it cannot be computed on these data."""
    from csr.planning import build_baseline, compare_targets, evaluate, placement_table

    baseline = build_baseline(figures, config, scenario.year)
    before, after = evaluate(baseline, config), evaluate(baseline, config, scenario)
    comparison = compare_targets(before, after)
    plan_rows: list[tuple[str, str, float, str, str, float | None]] = [
        ("Ændring", config.scheme(s).name if s in config.scheme_ids else s, float(n), "", "", float(n))
        for s, n in scenario.changes.items()
    ]
    if scenario.headcount_change:
        plan_rows.append(("Ændring", "Øvrige ansatte", float(scenario.headcount_change), "", "", None))
    for _, p in placement_table(scenario, config).iterrows():
        plan_rows.append(
            (
                "Forløb",
                p["name"],
                float(p["persons"]),
                f"{p['first']} til {p['last']}",
                p["months"] or "ingen målemåneder",
                float(p["annual_persons"]),
            )
        )
    plan = Table(
        "Udsigt – plan",
        f"Scenariet «{name}» for {scenario.year}",
        (
            Column("Type", TEXT, 0.9),
            Column("Ordning", TEXT, 2.6),
            Column("Personer", PERSONS, 0.9),
            Column("Periode", TEXT, 1.5),
            Column("Tæller i", TEXT, 1.7),
            Column("Årsgennemsnit", PERSONS, 1.1),
        ),
        tuple(plan_rows),
        note="Årsgennemsnit: et forløb tæller kun i de målemåneder, det dækker.",
    )
    rows = []
    for b, a in zip(before.targets, after.targets, strict=True):
        strict = a.kind == "above_neighbours"
        requirement: Share | str
        value_before: Share | str | None
        value_after: Share | str | None
        if a.kind == "obligations_met":
            requirement = "alle aftalte pladser" if a.threshold is None else f"{text.places(a.threshold)} aftalt"
            value_before = None if b.value is None else f"{text.count(b.value)} besat"
            value_after = None if a.value is None else f"{text.count(a.value)} besat"
        else:
            requirement = Share(a.threshold, exact=not strict)
            value_before, value_after = Share(b.value, a.threshold, strict), Share(a.value, a.threshold, strict)
        rows.append(
            (
                a.name,
                requirement,
                value_before,
                f"{text.status_mark(b.met)} {text.status_word(b.met)}",
                value_after,
                f"{text.status_mark(a.met)} {text.status_word(a.met)}",
                None if a.met is None or a.met else a.gap_persons,
            )
        )
    targets = Table(
        "Udsigt – mål",
        f"Målene i {scenario.year} uden og med planen",
        (
            Column("Mål", TEXT, 3.2),
            Column("Krav", PCT),
            Column("Uden planen", PCT),
            Column("Status uden", STATUS),
            Column("Med planen", PCT),
            Column("Status med", STATUS),
            Column("Mangler med planen (personer; praktikpladser: pladser)", COUNT),
        ),
        tuple(rows),
    )
    notes = [n for n in (baseline.provisional_note(config),) if n]
    if outdated:
        notes.append("Scenariet er gemt på en ældre version af data; tallene her er regnet på de nuværende data.")
    return Outlook(
        name, scenario.year, text.outlook_sentence(comparison, name, scenario.year), tuple(notes), plan, targets
    )


def build_pack(
    figures: Figures,
    config: Config,
    year: int,
    provenance: Provenance,
    *,
    scenario: Scenario | None = None,
    scenario_name: str = "",
    scenario_outdated: bool = False,
    generated: datetime | None = None,
) -> Pack:
    """The CSR section of the HR account for `year`; raises KeyError (Danish message) for a year without data.

    `scenario` is a `csr.planning.Scenario` to append as an outlook (a `PlanError` says why it cannot be).
    """
    row = _home_row(figures, config, year)
    provisional = row.provisional
    notes = tuple(
        n for n in (text.period_sentence(config, year), text.provisional_sentence(figures.annual, config, year)) if n
    )
    summary = (
        text.csr_mark_sentence(figures.targets, config, year),
        text.targets_met_sentence(figures.targets, year, provisional),
        text.figure1_caption(figures.years, config, year),
    )
    sentences = text.target_sentences(figures, config, year)
    targets = tuple(TargetResult(t.id, t.name, t.met, sentences[t.id]) for t in figures.targets_in(year))
    tables = {
        "maal": targets_table(figures, config, year),
        "ordninger": schemes_table(figures, config, year),
        "aar": years_table(figures, config, year),
        **neighbour_tables(figures, config, year),
    }
    placements = placements_table(figures, year)
    if placements is not None:
        tables["praktikpladser"] = placements
    items, chart_notes = _charts(figures, config, year)
    neighbour_count = len(config.neighbours)
    method = (
        text.measurement_sentence(config),
        text.method_sentence(figures.method, neighbour_count),
        text.left_out_sentence(config),
        text.provisional_years_sentence(figures.provisional_years(config)),
        "Andelene regnes uden afrunding og vises med én decimal; med to, hvor én decimal ville skjule, om et "
        "mål er nået (fx 4,96 %, der ellers ville stå som 5,0 %).",
        *(n for n in (text.period_sentence(config, year),) if n),
        f"{provenance.version_text()}.",
    )
    ahead = None
    if scenario is not None:
        ahead = outlook(figures, config, scenario, scenario_name or scenario.name or "uden navn", scenario_outdated)
    return Pack(
        title=f"HR-regnskabet {year}",
        strategy=config.name,
        organisation=config.organisation,
        year=year,
        provisional=provisional,
        generated=generated or datetime.now(UTC),
        provenance=provenance,
        notes=notes,
        summary=summary,
        targets=targets,
        tables=tables,
        charts=items,
        neighbour_notes=(
            text.method_sentence(figures.method, neighbour_count),
            text.missing_neighbours_sentence(figures.neighbours, config, year),
            text.left_out_sentence(config),
        ),
        method=method,
        sources=tuple(source_lines(provenance.sheets, config)),
        outlook=ahead,
        chart_notes=chart_notes,
    )
