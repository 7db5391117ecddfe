"""The Landet page's sentences: the rank in words, the national averages and quartiles, the neighbours'
places, the trend of the rank, and what to import when there are no national data (`csr.national`)."""

from __future__ import annotations

from csr.config import Config
from csr.fmt import join, number, pct
from csr.national import National, NationalFigure


def _running(name: str) -> str:
    return name[:1].lower() + name[1:]


def rank_sentence(f: NationalFigure, config: Config, tied: int = 0) -> str:
    """ "Aabenraa er nr. 12 af 98 kommuner i beskæftigelse i 2021 med 8,3 % af de ansatte: 11 kommuner har
    en højere andel." `tied`: how many other municipalities share the rank."""
    category = _running(config.categories[f.group])
    if f.home is None:
        return (
            f"{config.home_name} har ingen tal for {category} i {f.year}; "
            f"{number(f.municipalities)} kommuner har tal det år."
        )
    higher = f.home.rank - 1
    above = (
        "ingen kommune har en højere andel"
        if higher == 0
        else f"{number(higher)} {'kommune har' if higher == 1 else 'kommuner har'} en højere andel"
    )
    shared = ""
    if tied:
        shared = (
            f" Pladsen deles med {number(tied)} {'anden kommune' if tied == 1 else 'andre kommuner'} med samme andel."
        )
    return (
        f"{config.home_name} er nr. {number(f.home.rank)} af {number(f.municipalities)} kommuner i {category} "
        f"i {f.year} med {pct(f.home.share)} af de ansatte: {above}.{shared}"
    )


def averages_sentence(f: NationalFigure) -> str:
    """The national average both ways and the quartiles, in words."""
    q1, median, q3 = (pct(q) for q in f.quartiles)
    return (
        f"Landsgennemsnittet er {pct(f.average)} samlet (alle kommunernes personer i ordningerne over alle deres "
        f"ansatte) og {pct(f.mean)} simpelt (gennemsnittet af kommunernes andele). Kvartilerne er {q1}, {median} "
        f"(medianen) og {q3}: den midterste halvdel af kommunerne ligger mellem {q1} og {q3}."
    )


def neighbours_sentence(f: NationalFigure) -> str:
    """Where each neighbour stands: "Omegnskommunerne: Haderslev nr. 30 (7,7 %), … Mangler tal fra Vejen." """
    parts = []
    if f.neighbours:
        ordered = sorted(f.neighbours, key=lambda s: (s.rank, s.municipality))
        places = [f"{s.municipality} nr. {number(s.rank)} ({pct(s.share)})" for s in ordered]
        parts.append("Omegnskommunerne: " + join(places) + ".")
    if f.missing_neighbours:
        parts.append("Mangler tal fra " + join(list(f.missing_neighbours)) + ".")
    return " ".join(parts)


def trend_sentence(national: National, config: Config) -> str:
    """Per category the rank in the first and the last year, and the best year."""
    parts = []
    for group, name in config.categories.items():
        points = national.trend(group)
        if not points:
            continue
        first, last = points[0], points[-1]
        best = min(points, key=lambda p: (p.rank, p.year))
        if len(points) == 1:
            parts.append(f"{name}: nr. {number(first.rank)} af {number(first.of)} i {first.year}.")
            continue
        parts.append(
            f"{name}: fra nr. {number(first.rank)} af {number(first.of)} i {first.year} "
            f"til nr. {number(last.rank)} af {number(last.of)} i {last.year}; "
            f"bedst nr. {number(best.rank)} i {best.year}."
        )
    if not parts:
        return f"{config.home_name} har ingen placering i nogen af årene."
    return f"{config.home_name}s placering år for år. " + " ".join(parts)


def no_national_data_sentence(config: Config) -> str:
    """What the page says without data beyond the home municipality and its neighbours."""
    return (
        f"Der er ingen tal for andre kommuner end {config.home_name} og omegnskommunerne. Importér tal for alle "
        "landets kommuner på siden Data (fx et udtræk fra jobindsats.dk og KRL med alle 98 kommuner: ansatte og "
        f"ordningerne), så viser siden, hvor {config.home_name} står blandt dem."
    )


def no_year_sentence(config: Config, year: int, years: tuple[int, ...]) -> str:
    """The national data have no figures for the selected year."""
    shown = join([str(y) for y in years])
    return f"Der er ingen tal for landets kommuner i {year}. Landstallene dækker {shown}."
