"""The sentences the app, the command line and reports share, built on the formatting primitives of
`csr.fmt` (re-exported here, so `text.pct` and `fmt.pct` are the same function)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from csr.fmt import (  # noqa: F401 (re-exported)
    STATUS_MARKS,
    _unknown,
    count,
    decimals_for,
    gap_words,
    in_running_text,
    month_list,
    number,
    pct,
    persons,
    places,
    pp,
    reference_pct,
    short_scheme_name,
    signed_count,
    status_icon,
    status_mark,
    status_word,
    target_pct,
    unbroken,
    year_label,
)
from csr.fmt import join as _join

if TYPE_CHECKING:
    import pandas as pd

    from csr.config import Config, Scheme
    from csr.planning import Outcome
    from csr.shares import Figures, NeighbourFigure, Shortfall, TargetStatus


# ---- sentences the app's cards and charts share with a later printed report -----------------------

CSR_MARK = "csr_maerke"  # the target whose status is the CSR-mærke (strategy.toml)
METHOD_NAMES = {"pooled": "samlede gennemsnit", "mean": "simple gennemsnit"}
METHOD_SHORT = {"pooled": "samlet", "mean": "simpelt"}


def method_name(method: str | None) -> str:
    """ "samlede gennemsnit" (pooled) or "simple gennemsnit" (mean), for "omegnskommunernes …"."""
    return METHOD_NAMES.get(method or "", "gennemsnit")


def method_sentence(method: str, neighbours: int) -> str:
    """Which neighbour average is shown, and what that means, in one sentence."""
    if method == "mean":
        return (
            f"Omegnskommunernes gennemsnit er her det simple gennemsnit af de {neighbours} kommuners "
            "andele: hver kommune vejer lige meget."
        )
    return (
        f"Omegnskommunernes gennemsnit er her det samlede gennemsnit: alle {neighbours} kommuners personer i "
        "ordningerne delt med alle deres ansatte, så store kommuner vejer mest."
    )


def _home(frame: pd.DataFrame, config: Config, year: int | None = None) -> pd.DataFrame:
    rows = frame[frame["code"] == config.home]
    return rows if year is None else rows[rows["year"] == year]


def figure1_caption(years: pd.DataFrame, config: Config, year: int) -> str:
    """ "I 2019 var 22,0 % af de ansatte i ordningerne: beskæftigelse 10,2 %, … ; øvrige ansatte 78,0 %." """
    row = _home(years, config, year).iloc[0]
    parts = [f"{in_running_text(name)} {pct(row[cid])}" for cid, name in config.categories.items()]
    prov = " (foreløbige tal)" if row["provisional"] else ""
    return (
        f"I {year}{prov} var {pct(row['total_share'])} af de ansatte i {config.organisation} i en af "
        f"ordningerne: {_join(parts)}; øvrige ansatte {pct(100.0 - row['total_share'])}."
    )


def missing_schemes_sentence(years: pd.DataFrame, config: Config, year: int) -> str:
    """Which schemes had no data in `year` (they count as 0 in the shares)."""
    row = _home(years, config, year)
    missing = list(row.iloc[0]["missing_schemes"]) if len(row) else list(config.scheme_ids)
    if not missing:
        return f"Alle {len(config.schemes)} ordninger har data for {year}."
    names = [config.scheme(s).name for s in missing]
    return f"Ingen data for {year} om {_join(names)}; de tæller som 0 i andelene."


def provisional_sentence(annual: pd.DataFrame, config: Config, year: int) -> str | None:
    """ "Tallene for 2025 er foreløbige: …" when the year is built from fewer periods than it should."""
    rows = _home(annual, config, year)
    prov = rows[rows["provisional"]]
    if prov.empty:
        return None
    head = prov[prov["scheme"] == "headcount"]
    if len(head):
        h = head.iloc[0]
        basis = f"de bygger på {int(h['present'])} af {int(h['expected'])} målemåneder"
    else:
        basis = f"{len(prov)} ordninger bygger på færre perioder end et helt år"
    return f"Tallene for {year} er foreløbige: {basis}. De kan ændre sig, når resten af året kommer med."


def strategy_first_year(config: Config) -> int:
    """The first year of the strategy period: the latest year a min-share target starts from.

    `strategy.first_year` when the configuration names it (an administrator's setting); otherwise, for
    Aabenraa's strategy, this gives 2021.
    """
    if config.first_year is not None:
        return config.first_year
    firsts = [t.thresholds[0].from_year for t in config.targets if t.thresholds]
    return max(firsts) if firsts else config.last_year


def period_sentence(config: Config, year: int) -> str | None:
    """Say when `year` lies before the strategy period or after it has ended."""
    first = strategy_first_year(config)
    if year < first:
        return (
            f"{year} ligger før strategiperioden {first}-{config.last_year}. Målene vises med de "
            "tærskler, der gjaldt dengang eller, hvor målet endnu ikke fandtes, med dets første tærskel."
        )
    if config.strategy_period_ended(year):
        return (
            f"Strategiperioden {first}-{config.last_year} er udløbet; de sidste mål gælder fortsat, "
            "indtil en ny strategi er vedtaget."
        )
    return None


def _find(targets: Sequence[TargetStatus], year: int, target_id: str) -> TargetStatus | None:
    return next((t for t in targets if t.year == year and t.id == target_id), None)


def csr_mark_sentence(targets: Sequence[TargetStatus], config: Config, year: int) -> str:
    """The CSR-mærke status stated plainly."""
    t = _find(targets, year, CSR_MARK)
    if t is None or t.met is None:
        return f"Der er ingen tal til at vurdere CSR-mærket i {year}."
    value, threshold = pct(t.value, t.threshold), target_pct(t.threshold)
    if t.met:
        return (
            f"{config.organisation} opfylder kravet til CSR-mærket i {year}: {value} af de ansatte er i "
            f"ordningerne, og mærket gives ved mindst {threshold}."
        )
    return (
        f"{config.organisation} opfylder ikke kravet til CSR-mærket i {year}: {value} af de ansatte er i "
        f"ordningerne, men mærket kræver mindst {threshold} ({persons(t.gap_persons)} mere)."
    )


def places_total_text(realised: float, agreed: float) -> str:
    """ "187 besatte mod 184 aftalte pladser": the placements of a year in total."""
    return f"{count(realised)} besatte mod {count(agreed)} aftalte pladser"


def target_threshold_text(t: TargetStatus) -> str:
    """The card's threshold line for one target's status."""
    if t.kind == "min_share":
        return f"Mål i {t.year}: mindst {target_pct(t.threshold)}"
    if t.kind == "above_neighbours":
        return "Omegnskommunerne: " + (
            reference_pct(t.threshold, t.value, True) if t.threshold is not None else "ingen data"
        )
    return "Mål: alle uddannelser når det aftalte antal pladser"


def target_value_text(t: TargetStatus) -> str:
    """The card's value: a share in percent, or for placements the places in total."""
    if t.places:
        return "–" if t.value is None or t.threshold is None else places_total_text(t.value, t.threshold)
    return pct(t.value, t.threshold, t.strict)


def shortfall_text(s: Shortfall) -> str:
    """ "SOSU-assistent: 3 besatte mod 5 aftalte pladser, 2 pladser mangler"."""
    return f"{s.education}: {places_total_text(s.realised, s.agreed)}, {places(s.short)} mangler"


def target_gap_text(t: TargetStatus) -> str:
    """How far from the target: percentage points and, when short, the persons needed; for placements
    the places short per education."""
    if t.met is None:
        return t.note or "Ingen data."
    if t.places:
        if t.met:
            return "Alle uddannelser nåede det aftalte antal."
        return _join([shortfall_text(s) for s in t.shortfalls if s.short]) + "."
    if t.gap_pp is None:
        return t.note or "Ingen data."
    against = "gennemsnittet" if t.strict else "målet"
    gap = gap_words(t.gap_pp, t.threshold if t.threshold is not None else 0.0, t.strict, against)
    if t.met:
        return gap
    return f"{gap}: {persons(t.gap_persons or 0)} mere i årsgennemsnit"


def change_text(value: float | None, previous: float | None, previous_year: int | None) -> str | None:
    """The change since the year before in percentage points, or None without a year before."""
    if previous is None or value is None or previous_year is None:
        return None
    return f"{pp(value - previous)} siden {previous_year}"


def trend_caption(targets: Sequence[TargetStatus], config: Config, provisional: Iterable[int] = ()) -> str:
    """The Udvikling chart in one sentence: the total share from the first to the last year and its target."""
    first_target = next(
        (t for t in config.targets if t.kind == "min_share" and len(t.schemes) == len(config.schemes)), None
    )
    if first_target is None:
        return ""
    rows = sorted((t for t in targets if t.id == first_target.id and t.value is not None), key=lambda t: t.year)
    if not rows:
        return ""
    a, b = rows[0], rows[-1]
    last = year_label(b.year, b.year in set(provisional))
    steps = [(p, t) for p, t in zip(rows, rows[1:]) if t.threshold != p.threshold]
    if steps:
        p, s = steps[-1]
        goal = f"målet steg fra {target_pct(p.threshold)} til {target_pct(s.threshold)} i {s.year}"
    else:
        goal = f"målet er {target_pct(b.threshold)}"
    return f"Den samlede andel gik fra {pct(a.value)} i {a.year} til {pct(b.value)} i {last}; {goal}."


def scheme_trend_caption(shares: pd.DataFrame, config: Config, measure: str, year: int) -> str:
    """Which scheme was largest in `year`, in persons or share."""
    rows = _home(shares, config, year)
    if rows.empty:
        return f"Ingen ordninger har data for {year}."
    top = rows.sort_values("persons", ascending=False).iloc[0]
    name = config.scheme(top["scheme"]).name
    amount = pct(top["share"]) if measure == "share" else f"{number(top['persons'], 1)} personer"
    what = "andel af de ansatte" if measure == "share" else "antal personer i årsgennemsnit"
    return f"Hver figur viser én ordnings {what} år for år; størst i {year} var {name} med {amount}."


def _neighbour(neighbours: Sequence[NeighbourFigure], year: int, group: str) -> NeighbourFigure | None:
    return next((f for f in neighbours if f.year == year and f.group == group), None)


def neighbour_caption(
    neighbours: Sequence[NeighbourFigure], config: Config, year: int, group: str, rank: int | None, count: int
) -> str:
    """ "I 2019 var 10,2 % af Aabenraa Kommunes ansatte i ordningerne under beskæftigelse mod 7,0 % …",
    naming the neighbours that lack a scheme (the figure for it is taken without them)."""
    n = _neighbour(neighbours, year, group)
    if n is None:
        return f"Ingen tal at sammenligne for {year}."
    name = in_running_text(config.categories[group])
    place = f"; {config.home_name} er nr. {rank} af {count} kommuner" if rank else ""
    if n.average is None:
        return f"I {year} var {pct(n.home)} af {config.organisation}s ansatte i ordningerne under {name}{place}."
    sentence = (
        f"I {year} var {pct(n.home, n.average, strict=True)} af {config.organisation}s ansatte i "
        f"ordningerne under {name} mod {reference_pct(n.average, n.home, True)} som omegnskommunernes "
        f"{method_name(n.method)}{place}."
    )
    lacking = lacking_schemes_sentence(n, config)
    return sentence + (f" {lacking}" if lacking else "")


def lacking_schemes_sentence(n: NeighbourFigure, config: Config) -> str:
    """ "Tønder mangler tal for virksomhedspraktik; gennemsnittet for den er beregnet uden Tønder." ("" if none)."""
    from csr.shares import neighbour_note

    return neighbour_note(replace(n, missing=()), config)


def missing_neighbours_sentence(neighbours: Sequence[NeighbourFigure], config: Config, year: int) -> str:
    """Who is left out of the year's neighbour figures: whole neighbours, and neighbours lacking schemes."""
    rows = [f for f in neighbours if f.year == year]
    missing = sorted({m for f in rows for m in f.missing})
    lacking: dict[str, list[str]] = {}
    for f in rows:
        for name, ids in f.missing_schemes.items():
            lacking.setdefault(name, []).extend(s for s in ids if s not in lacking.get(name, []))
    if not missing and not lacking:
        return f"Alle {len(config.neighbours)} omegnskommuner har data for {year}."
    parts = []
    if missing:
        parts.append(f"Mangler data for {year} fra {_join(missing)}; de er udeladt af gennemsnittet det år.")
    if lacking:
        from csr.shares import running_name

        each = [
            f"{name} for {_join([running_name(config.scheme(s).name) for s in ids])}" for name, ids in lacking.items()
        ]
        parts.append(
            f"Mangler tal for {year} fra {_join(each)}; gennemsnittet for en ordning er beregnet over de "
            "omegnskommuner, der har tal for den."
        )
    return " ".join(parts)


def neighbour_trend_caption(neighbours: Sequence[NeighbourFigure], config: Config) -> str:
    """How many years the home municipality was above the neighbours' average, per group."""
    groups: dict[str, list[NeighbourFigure]] = {}
    for f in neighbours:
        groups.setdefault(f.group, []).append(f)
    parts = []
    for group, rows in groups.items():
        judged = [f for f in rows if f.average is not None and f.home is not None]
        above = sum(1 for f in judged if f.home is not None and f.average is not None and f.home > f.average)
        parts.append(f"i {above} af {len(judged)} år under {in_running_text(config.categories[group])}")
    if not parts:
        return "Ingen år at sammenligne."
    method = method_name(neighbours[0].method)
    return f"{config.organisation} lå over omegnskommunernes {method} {_join(parts)}."


def placement_caption(status: pd.DataFrame, year: int) -> str:
    """The placements of one year in one sentence (status: `csr.shares.placement_status`):
    "I 2019: 187 besatte mod 184 aftalte praktik- og elevpladser; under det aftalte: …"."""
    if status.empty:
        return f"Der er ingen tal for praktik- og elevpladser i {year}."
    total = status.iloc[-1]
    lines = status.iloc[:-1]
    short = lines[lines["short"] > 0]
    head = f"I {year}: {count(total['realised'])} besatte mod {count(total['agreed'])} aftalte praktik- og elevpladser"
    if short.empty:
        return head + "; alle uddannelser nåede det aftalte antal."
    names = [
        f"{r['education']} ({count(r['realised'])} besatte mod {count(r['agreed'])} aftalte, "
        f"{places(int(r['short']))} mangler)"
        for _, r in short.iterrows()
    ]
    return head + f"; under det aftalte: {_join(names)}."


def placement_years_caption(frame: pd.DataFrame) -> str:
    """Over the years: in how many the target was met (frame: `csr.charts.placement_years_frame`)."""
    if frame.empty:
        return "Der er ingen tal for praktik- og elevpladser."
    met = frame[frame["met"]]
    missed = [str(int(y)) for y in frame.loc[~frame["met"], "year"]]
    tail = f"; ikke i {_join(missed)}" if missed else ""
    return f"Alle uddannelser nåede det aftalte antal i {len(met)} af {len(frame)} år{tail}."


def left_out_sentence(config: Config) -> str:
    """Which schemes the neighbour comparison leaves out, each with its reason (the scheme's
    `neighbour_note` in the configuration): "Sammenligningen … omfatter ikke 2 ordninger …: særligt
    tilrettelagt ungdomsuddannelse (STU), fordi …, og medarbejdere, der frivilligt indgår i Beredskabet, fordi …"
    (one "indgår": the one in the scheme's name)."""
    left = [s for s in config.schemes if not s.in_neighbour_comparison]
    if not left:
        return "Alle ordninger indgår i sammenligningen med omegnskommunerne."
    whom = f"hverken for {config.organisation} eller for de andre"

    def reason(s: Scheme) -> str:
        return f"fordi {s.neighbour_note or 'der ikke findes sammenlignelige tal for den'}"

    if len(left) == 1:
        name = in_running_text(left[0].name) + ("," if "," in left[0].name else "")
        return f"Sammenligningen med omegnskommunerne omfatter ikke {name} {whom}, {reason(left[0])}."
    reasons = [f"{in_running_text(s.name)}, {reason(s)}" for s in left]
    return (
        f"Sammenligningen med omegnskommunerne omfatter ikke {len(left)} ordninger, {whom}: "
        + ", ".join(reasons[:-1])
        + f", og {reasons[-1]}."
    )


def target_short_name(t: TargetStatus, config: Config) -> str:
    """A target's subject in a few words, as a headline names it: "uddannelse", "beskæftigelse",
    "den samlede andel", "CSR-mærket", "praktik- og elevpladser" (the target's name when its schemes
    span several categories)."""
    if t.id == CSR_MARK:
        return "CSR-mærket"
    if t.places:
        return "praktik- og elevpladser"
    try:
        schemes = config.target(t.id).schemes
    except KeyError:
        return t.name
    if set(schemes) == set(config.scheme_ids):
        return "den samlede andel"
    categories = {config.scheme(s).category for s in schemes}
    if len(categories) == 1:
        return in_running_text(config.categories[categories.pop()])
    return t.name


def _lacks(t: TargetStatus, config: Config) -> str:
    """What one unmet target lacks: persons (min share), persons over the neighbours, or places."""
    name = target_short_name(t, config)
    if t.places:
        return f"{name} mangler {places(t.gap_places)}"
    if t.kind == "above_neighbours":
        if t.gap_persons:
            return f"{name} mangler {persons(t.gap_persons)} for at komme over omegnskommunerne"
        return f"{name} ligger ikke over omegnskommunerne"
    if t.gap_persons:
        return f"{name} mangler {persons(t.gap_persons)}"
    return f"{name} når ikke målet"


def headline_sentence(targets: Sequence[TargetStatus], config: Config, year: int, provisional: bool = False) -> str:
    """The answer to "are we on target?" for `year`, first on Overblik (`targets`: `Figures.targets_in`):
    "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer", "I 2024 er alle 8 mål nået";
    "foreløbigt" in a provisional year; targets without data are named as "kan ikke vurderes"."""
    rows = [t for t in targets if t.year == year]
    if not rows:
        return f"Der er ingen tal til at vurdere målene i {year}"
    unmet = [t for t in rows if t.met is False]
    unknown = [t for t in rows if t.met is None]
    met = len(rows) - len(unmet) - len(unknown)
    reached = "foreløbigt nået" if provisional else "nået"
    if len(unknown) == len(rows):
        return f"I {year} kan ingen af de {len(rows)} mål vurderes, fordi der mangler tal"
    if met == len(rows):
        return f"I {year} er alle {len(rows)} mål {reached}"
    parts = []
    if unmet:
        parts.append(_join([_lacks(t, config) for t in unmet]))
    if unknown:
        parts.append(_join([target_short_name(t, config) for t in unknown]) + " kan ikke vurderes")
    return f"I {year} er {met} af {len(rows)} mål {reached} – " + "; ".join(parts)


def target_cards(targets: Sequence[TargetStatus], year: int) -> list[dict]:
    """The cards of the Overblik page for `year`: every target's texts, one dict per target, the unmet
    targets first and then the others, each group in the configured order.

    Keys: id, name (the name in force that year), value, met (True, False or None), status
    ("✅ Opfyldt"), threshold, gap, change (or None), direction ("up", "down" or "off": the arrow for
    the change), notes, details_label (the drill-down's label: "Ordningerne bag målet", for placements
    "Uddannelserne bag målet"). Placements count places, so they have no change in percentage points.
    """
    before = {t.id: t for t in targets if t.year == year - 1}
    cards = []
    shown = sorted((t for t in targets if t.year == year), key=lambda t: t.met is not False)
    for t in shown:
        previous = before.get(t.id)
        prev_value = None if previous is None else previous.value
        if t.places:
            change = None
            if t.value is not None and prev_value is not None:
                change = f"{signed_count(t.value - prev_value)} besatte siden {year - 1}"
        else:
            change = change_text(t.value, prev_value, year - 1)
        direction = "off"
        if t.value is not None and prev_value is not None and round(t.value - prev_value, 1) != 0:
            direction = "up" if t.value > prev_value else "down"
        notes = []
        if t.before_strategy:
            notes.append("Målet gjaldt endnu ikke dette år.")
        if t.note and t.met is not None:
            notes.append(t.note)
        cards.append(
            {
                "id": t.id,
                "name": t.name,
                "value": target_value_text(t),
                "met": t.met,
                "status": f"{status_icon(t.met)} {status_word(t.met)}",
                "threshold": target_threshold_text(t),
                "gap": target_gap_text(t),
                "change": change,
                "direction": direction,
                "notes": " ".join(notes),
                "details_label": "Uddannelserne bag målet" if t.places else "Ordningerne bag målet",
            }
        )
    return cards


def _scheme_line(name: str, share: pd.DataFrame, before: pd.DataFrame, previous_year: int) -> str:
    """ "Elever under erhvervsuddannelse: 118,0 personer · 2,5 % (+0,1 pp siden 2020)"."""
    if share.empty:
        return f"{name}: ingen data (tæller som 0)"
    persons_now, share_now = float(share["persons"].sum()), float(share["share"].sum())
    line = f"{name}: {number(persons_now, 1)} personer · {pct(share_now)}"
    if not before.empty:
        line += f" ({pp(share_now - float(before['share'].sum()))} siden {previous_year})"
    return line


def target_scheme_lines(
    shares: pd.DataFrame, targets: Sequence[TargetStatus], config: Config, year: int, target_id: str
) -> list[str]:
    """What lies behind one target's card in `year` ("Ordningerne bag målet"; `shares`: `Figures.shares`,
    `targets`: `Figures.targets`): one line per scheme, largest share first, with its persons in annual
    average, its share and the change since the year before in percentage points, then the total; for
    the placements target one line per education (realised against agreed, and the change in realised).

    "Elever under erhvervsuddannelse: 118,0 personer · 2,5 % (+0,1 pp siden 2020)", …,
    "I alt: 223,2 personer · 4,7 % (−0,2 pp siden 2020)". [] for a target without a status that year."""
    t = _find(targets, year, target_id)
    if t is None:
        return []
    if t.places:
        before = _find(targets, year - 1, target_id)
        realised_before = {s.education: s.realised for s in before.shortfalls} if before is not None else {}
        lines = []
        for s in t.shortfalls:
            line = f"{s.education}: {places_total_text(s.realised, s.agreed)}"
            if s.education in realised_before:
                line += f" ({signed_count(s.realised - realised_before[s.education])} besatte siden {year - 1})"
            lines.append(line)
        return lines
    schemes = config.target(target_id).schemes
    if t.kind == "above_neighbours":
        schemes = _compared(config, schemes)
    home = shares[(shares["code"] == config.home) & shares["scheme"].isin(schemes)]
    now, before_rows = home[home["year"] == year], home[home["year"] == year - 1]
    order = sorted(schemes, key=lambda s: -float(now.loc[now["scheme"] == s, "share"].sum()))
    lines = [
        _scheme_line(config.scheme(s).name, now[now["scheme"] == s], before_rows[before_rows["scheme"] == s], year - 1)
        for s in order
    ]
    if len(schemes) > 1:
        lines.append(_scheme_line("I alt", now, before_rows, year - 1))
    return lines


def figure1_scope_sentence(years: pd.DataFrame, targets: Sequence[TargetStatus], config: Config, year: int) -> str:
    """Why Figure 1 and a target's card show different shares for one category: Figure 1 counts every
    scheme of the category, a target may leave some out (for Aabenraa: Uddannelse with and without STU).

    "Figur 1 viser uddannelse med STU: 4,8 %. Målet om mindst 5 % regnes uden STU, fordi der ikke findes
    tal for omegnskommunerne om ordningen: 4,7 %." ("" when every target counts whole categories)."""
    row = _home(years, config, year)
    if row.empty:
        return ""
    sentences = []
    for target in config.targets:
        t = _find(targets, year, target.id)
        if t is None or t.kind != "min_share" or not target.schemes:
            continue
        categories = {config.scheme(s).category for s in target.schemes}
        if len(categories) != 1:
            continue
        category = categories.pop()
        left_out = [config.scheme(s) for s in config.schemes_in(category) if s not in target.schemes]
        if not left_out:
            continue
        names = _join([short_scheme_name(s.name) for s in left_out])
        notes = {s.neighbour_note for s in left_out}
        why = f", fordi {notes.pop()}" if len(notes) == 1 and "" not in notes else ""
        sentences.append(
            f"Figur 1 viser {in_running_text(config.categories[category])} med {names}: "
            f"{pct(row.iloc[0][category])}. Målet om mindst {target_pct(t.threshold)} regnes uden {names}{why}: "
            f"{pct(t.value, t.threshold)}."
        )
    return " ".join(sentences)


def terms_explained(config: Config, neighbours: int) -> list[tuple[str, str]]:
    """The words of the cards and Figure 1 in plain Danish ("Hvad betyder tallene?"): (term, explanation)."""
    months = month_list(config.measurement_months)
    return [
        (
            "pp (procentpoint)",
            "Forskellen mellem to procenttal. Fra 4,7 % til 5,0 % er +0,3 pp (ikke 0,3 %).",
        ),
        (
            "Årsgennemsnit",
            f"Et års tal er gennemsnittet af målemånederne {months}. «17 personer mere i årsgennemsnit» er 17 "
            "personer mere i hver målemåned; en person, der kun er med i en del af året, tæller for en del.",
        ),
        (
            "Samlet gennemsnit" if config.neighbour_method == "pooled" else "Simpelt gennemsnit",
            method_sentence(config.neighbour_method, neighbours),
        ),
        (
            "Foreløbig",
            "Et år er foreløbigt, når det bygger på færre måneder end et helt år. Tallene kan ændre sig, "
            "når resten af året kommer med.",
        ),
    ]


# ---- what-if planning (the Planlægning page) ------------------------------------------------------


def scenario_caption(before: Outcome, after: Outcome, config: Config) -> str:
    """The scenario's Figure 1 in one sentence (`before` and `after`: `csr.planning.Outcome`)."""
    parts = [
        f"{in_running_text(name)} {pct(after.categories.get(cid, 0.0))}" for cid, name in config.categories.items()
    ]
    prov = " (foreløbige tal)" if after.provisional else ""
    return (
        f"Med planen er {pct(after.total_share)} af de ansatte i {config.organisation} i {after.year}{prov} i en "
        f"af ordningerne (grundlaget: {pct(before.total_share)}): {_join(parts)}; antal ansatte "
        f"{count(after.headcount)} (grundlaget: {count(before.headcount)})."
    )


def start_month_text(month: str, needed: int | None, cannot: str) -> str:
    """ "fra august: 33 personer", or "fra december: kan ikke nå målet i år"."""
    return f"fra {month}: {cannot if needed is None else persons(needed)}"


def goal_seek_line(name: str, starts: list[tuple[str, int | None]], annual: int | None, cannot: str) -> str:
    """One scheme's answer to "how many more, from when?":
    "Elever under erhvervsuddannelse: fra august: 33 personer; fra februar: 17 personer (17 personer i
    årsgennemsnit)". `starts` are (month name, persons or None) for placements running to December."""
    months = "; ".join(start_month_text(m, n, cannot) for m, n in starts)
    whole = cannot if annual is None else f"{persons(annual)} i årsgennemsnit"
    return f"**{name}**: {months} ({whole})."


def outdated_scenario_sentence(name: str, saved: str) -> str:
    """A saved scenario whose data have changed since it was saved."""
    return (
        f"Scenariet er lavet på ældre data: «{name}» blev gemt den {saved}, og tallene er ændret siden. "
        "Grundlaget nedenfor er de nye tal; tjek planen, og gem den igen."
    )


# ---- sentences of the printed report (HR-regnskabet, `csr.export`) ----------------------------------


def scope_phrase(config: Config, schemes: tuple[str, ...]) -> str:
    """Where a target counts, as a sentence says it: "i en eller flere af ordningerne", "i ordningerne
    under beskæftigelse", "i ordningerne under uddannelse (uden STU)"."""
    if set(schemes) == set(config.scheme_ids):
        return "i en eller flere af ordningerne"
    categories = {config.scheme(s).category for s in schemes}
    if len(categories) == 1:
        category = categories.pop()
        left_out = [short_scheme_name(config.scheme(s).name) for s in config.schemes_in(category) if s not in schemes]
        name = in_running_text(config.categories[category])
        return f"i ordningerne under {name}" + (f" (uden {_join(left_out)})" if left_out else "")
    return "i " + _join([config.scheme(s).name for s in schemes])


def _compared(config: Config, schemes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in schemes if config.scheme(s).in_neighbour_comparison)


def _neighbour_group(config: Config, schemes: tuple[str, ...]) -> str | None:
    """The comparison group whose schemes are exactly the target's compared schemes, if any."""
    from csr.shares import comparison_groups

    compared = set(_compared(config, schemes))
    return next((g for g, ids in comparison_groups(config).items() if set(ids) == compared), None)


def _state(met: bool, provisional: bool) -> str:
    word = "opfyldt" if met else "ikke opfyldt"
    return f"foreløbigt {word}" if provisional else word


def target_sentence(figures: Figures, config: Config, year: int, target_id: str) -> str:
    """One target's result in `year` as the HR account states it: the value against the year before,
    the threshold, the neighbours' average where the target has one, and what is missing.

    "Målet om mindst 6 % af de ansatte i ordningerne under beskæftigelse er opfyldt: 10,2 % mod 10,4 %
    året før. Omegnskommunernes samlede gennemsnit var 7,0 %."
    """
    t = figures.target(year, target_id)
    if t is None:
        raise KeyError(f"Der er ingen tal for målet {target_id!r} i {year}.")
    target = config.target(target_id)
    previous = figures.target(year - 1, target_id)
    provisional = year in figures.provisional_years(config)
    if t.kind == "min_share":
        sentence = _min_share_sentence(figures, config, year, t, previous, provisional)
    elif t.kind == "above_neighbours":
        sentence = _above_neighbours_sentence(figures, config, t, previous, provisional)
    else:
        sentence = _obligations_sentence(t, previous, provisional)
    if t.before_strategy and target.thresholds:
        sentence += f" Målet gjaldt først fra {target.thresholds[0].from_year}."
    return sentence


def _min_share_sentence(
    figures: Figures,
    config: Config,
    year: int,
    t: TargetStatus,
    previous: TargetStatus | None,
    provisional: bool,
) -> str:
    target = config.target(t.id)
    before = "" if previous is None or previous.value is None else pct(previous.value, previous.threshold)
    if t.id == CSR_MARK:
        sentence = csr_mark_sentence(figures.targets, config, year)
        if before:
            sentence += f" Året før var andelen {before}."
        return sentence + (" Tallene er foreløbige." if provisional else "")
    if t.met is None:
        return f"Målet om mindst {target_pct(target.threshold(year))} kan ikke vurderes for {year}: {t.note}"
    sentence = (
        f"Målet om mindst {target_pct(t.threshold)} af de ansatte {scope_phrase(config, target.schemes)} "
        f"er {_state(t.met, provisional)}: {pct(t.value, t.threshold)}"
        + (f" mod {before} året før." if before else ".")
    )
    if not t.met:
        sentence += f" Der mangler {persons(t.gap_persons)} i årsgennemsnit for at nå målet."
    group = _neighbour_group(config, target.schemes)
    if group is not None:
        nb = figures.neighbour(year, group)
        if nb is not None and nb.average is not None:
            sentence += f" Omegnskommunernes {method_name(nb.method)} var {pct(nb.average)}."
            lacking = lacking_schemes_sentence(nb, config)
            sentence += f" {lacking}" if lacking else ""
    return sentence


def _above_neighbours_sentence(
    figures: Figures, config: Config, t: TargetStatus, previous: TargetStatus | None, provisional: bool
) -> str:
    scope = scope_phrase(config, _compared(config, config.target(t.id).schemes))
    what = f"Målet om at ligge over omegnskommunernes gennemsnit {scope}"
    if t.met is None or t.threshold is None:
        # The target's note says why (an implausible average, no headcount); without one, the neighbours lack data.
        prefix = "Kan ikke vurderes: "
        why = t.note[len(prefix) :] if t.note.startswith(prefix) else "der er ingen tal for omegnskommunerne."
        return f"{what} kan ikke vurderes for {t.year}: {why}"
    method = method_name(figures.method)
    sentence = (
        f"{what} er {_state(t.met, provisional)}: {pct(t.value, t.threshold, strict=True)} "
        f"mod omegnskommunernes {method} på {reference_pct(t.threshold, t.value, True)}."
    )
    if previous is not None and previous.threshold is not None:
        sentence += (
            f" Året før: {pct(previous.value, previous.threshold, strict=True)} "
            f"mod {reference_pct(previous.threshold, previous.value, True)}."
        )
    if not t.met:
        sentence += f" Der mangler {persons(t.gap_persons)} i årsgennemsnit for at komme over gennemsnittet."
    if t.note:
        sentence += f" {t.note}"
    return sentence


def _obligations_sentence(t: TargetStatus, previous: TargetStatus | None, provisional: bool) -> str:
    if t.met is None or t.value is None or t.threshold is None:
        return (
            f"Målet om de aftalte praktik- og elevpladser kan ikke vurderes for {t.year}: der er ingen tal "
            "for praktik- og elevpladser."
        )
    sentence = (
        f"Målet om de aftalte praktik- og elevpladser er {_state(t.met, provisional)}: "
        f"{places_total_text(t.value, t.threshold)}"
    )
    short = [s for s in t.shortfalls if s.short]
    if short:
        sentence += "; under det aftalte: " + _join([shortfall_text(s) for s in short]) + "."
    else:
        sentence += "; alle uddannelser nåede det aftalte antal."
    if previous is not None and previous.value is not None and previous.threshold is not None:
        sentence += f" Året før: {places_total_text(previous.value, previous.threshold)}."
    return sentence


def target_sentences(figures: Figures, config: Config, year: int) -> dict[str, str]:
    """Every target's sentence for `year` (see `target_sentence`), in the configured order."""
    return {t.id: target_sentence(figures, config, year, t.id) for t in figures.targets_in(year)}


def targets_met_sentence(targets: Sequence[TargetStatus], year: int, provisional: bool = False) -> str:
    """ "I 2019 er 7 af 8 mål opfyldt." (with how many cannot be judged for lack of data)."""
    rows = [t for t in targets if t.year == year]
    known = [t.met for t in rows if t.met is not None]
    met = sum(known)
    word = "foreløbigt opfyldt" if provisional else "opfyldt"
    sentence = f"I {year} er {met} af {len(rows)} mål {word}"
    unknown = len(rows) - len(known)
    if unknown:
        sentence += f"; {unknown} kan ikke vurderes, fordi der mangler tal"
    return sentence + "."


def provisional_years_sentence(provisional: Iterable[int]) -> str:
    """Which years of the home municipality are provisional ("foreløbige"; `csr.shares.Figures.provisional_years`)."""
    shown = [str(y) for y in sorted(provisional)]
    if not shown:
        return "Ingen år i data er foreløbige."
    return (
        f"Foreløbige år i data: {_join(shown)}. Et foreløbigt år bygger på færre måneder end et helt år "
        "og kan ændre sig, når resten af året kommer med."
    )


def measurement_sentence(config: Config) -> str:
    """How an annual figure is made: the measurement months, and all months for whole-year schemes."""
    months = month_list(config.measurement_months)
    whole_year = [f"{s.name} fra {s.source}" for s in config.schemes if s.averaging == "all_periods"]
    sentence = (
        f"Årsgennemsnittene er gennemsnittet af målemånederne {months}"
        + (
            f"; for {_join(whole_year)} gennemsnittet af årets måneder (eller et tal for hele året)"
            if whole_year
            else ""
        )
        + f". En ordnings andel er dens årsgennemsnit delt med antallet af {config.headcount_name.lower()} i "
        "årsgennemsnit; en gruppes andel er summen af dens ordningers andele."
    )
    return sentence


def _met(value: object) -> bool | None:
    """A status from `csr.planning.compare_targets` (True, False or None)."""
    return None if value is None else bool(value)


def outlook_sentence(comparison: pd.DataFrame, name: str, year: int) -> str:
    """What a saved scenario would change (comparison: `csr.planning.compare_targets`)."""
    rows = [(r["name"], _met(r["met_before"]), _met(r["met_after"])) for r in comparison.to_dict("records")]
    before = sum(1 for _, b, _ in rows if b)
    after = sum(1 for _, _, a in rows if a)
    sentence = (
        f"Med scenariet «{name}» ville {after} af {len(comparison)} mål være opfyldt i {year} mod {before} uden planen."
    )
    reached = [name for name, b, a in rows if a is True and b is False]
    lost = [name for name, b, a in rows if a is False and b is True]
    if reached:
        sentence += f" Planen når {_join(reached)}."
    if lost:
        sentence += f" Med planen nås {_join(lost)} ikke længere."
    return sentence


# ---- where the data stand ---------------------------------------------------------------------------


def data_as_of(history: pd.DataFrame) -> str | None:
    """ "Data pr. 1. december 2026 kl. 18.53 (import nr. 3)": the newest active import in `history`
    (`csr.store.Store.history()`), in Danish time; None while no import is active (the sample data).

    What people need to know which figures they see; the store's internal version stays internal.
    """
    from csr.store import ACTIVE, danish_time

    active = history[history["status"] == ACTIVE]
    if active.empty:
        return None
    newest = active.loc[active["batch"].idxmax()]
    return f"Data pr. {danish_time(newest['created'].to_pydatetime())} (import nr. {int(newest['batch'])})"
