"""Altair chart builders for the app and for printed reports: DataFrame in, alt.Chart out.

Every builder returns a top-level chart that carries the Danish number locale, so the browser,
the PNG/SVG export and a later PDF report all show "10,2" and "4.710". Colours are defined once
here (Okabe-Ito, safe for colour-blind readers) and keyed by category, so Beskæftigelse has the
same colour on every page. Status is never shown by colour alone: labels, tooltips and the
sentences in `csr.text` say it in words.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from csr import text
from csr.config import Config
from csr.fmt import STATUS_MARKS, join, short_scheme_name
from csr.shares import (
    NeighbourFigure,
    TargetStatus,
    comparison_groups,
    neighbour_figures,
    placement_status,
    scope_share,
)

# ---- look ------------------------------------------------------------------------------------

DANISH = alt.Locale(number={"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]})

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
CATEGORY_COLOURS = {"beskaeftigelse": "#0072B2", "uddannelse": "#E69F00", "beredskab": "#009E73"}
TOTAL = "I alt"
TOTAL_COLOUR = "#000000"
OTHERS = "Øvrige ansatte"
OTHERS_COLOUR = "#D9D9D9"
NEUTRAL = "#B0B0B0"  # the municipalities that are not the home municipality
TARGET_COLOUR = "#444444"
# The one status language of the app: "met" and "not met" in these two colours, always with an icon or a
# word as well, on the cards (the theme's green and red in .streamlit/config.toml), tables and charts.
# Both are 4.5:1 or more against white and against Streamlit's gray background.
MET_COLOUR = "#1E7B34"
UNMET_COLOUR = "#C62828"
STATUS_COLOURS = {"Opfyldt": MET_COLOUR, "Ikke opfyldt": UNMET_COLOUR}
SHORT_COLOUR = UNMET_COLOUR  # a placement short of its agreed number (always with words as well)

SHARE_TITLE = "Andel af ansatte (%)"
PERSONS_TITLE = "Personer (årsgennemsnit)"
MEASURES = {"share": SHARE_TITLE, "persons": PERSONS_TITLE}
PROVISIONAL = "foreløbig"
BASIS = {False: "Endelige tal", True: "Foreløbige tal"}

Chart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.ConcatChart | alt.VConcatChart | alt.HConcatChart


def with_locale(chart: Chart) -> Chart:
    """The top-level configuration every chart carries: Danish numbers and a calm, readable look.

    The chart keeps its own size ("pad"): Streamlit would otherwise squeeze it into the given width
    and height, titles and legends included.
    """
    return (
        chart.properties(autosize=alt.AutoSizeParams(type="pad", contains="padding"))
        .configure(locale=DANISH, font="sans-serif")
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=12, titleFontSize=13, titleFontWeight="normal", grid=True, gridColor="#E6E6E6", labelLimit=260
        )
        .configure_header(labelFontSize=13, labelFontWeight="bold", titleFontSize=13)
        .configure_legend(
            labelFontSize=12, titleFontSize=12, orient="bottom", labelLimit=320, symbolSize=150, symbolStrokeWidth=2
        )
        .configure_title(fontSize=15, subtitleFontSize=12, anchor="start", subtitleColor="#444444")
    )


def category_colours(config: Config) -> dict[str, str]:
    """Category id -> colour; categories beyond the three known ones take the next Okabe-Ito colours."""
    spare = [c for c in OKABE_ITO if c not in CATEGORY_COLOURS.values() and c != TOTAL_COLOUR]
    colours = {}
    for cid in config.categories:
        colours[cid] = CATEGORY_COLOURS.get(cid) or spare.pop(0)
    return colours


def colour_scale(config: Config, extra: dict[str, str] | None = None) -> alt.Scale:
    """The one colour scale for category names, "I alt" and "Øvrige ansatte", used by every chart
    (`extra` adds names such as the neighbours' average)."""
    colours = category_colours(config)
    named = {
        TOTAL: TOTAL_COLOUR,
        **{config.categories[c]: colours[c] for c in config.categories},
        OTHERS: OTHERS_COLOUR,
        **(extra or {}),
    }
    return alt.Scale(domain=list(named), range=list(named.values()))


def _wrap(label: str, width: int = 28) -> str:
    """A facet header in lines joined by "|" (the headers split on it)."""
    return "|".join(textwrap.wrap(label, width)) or label


def _header(**kwargs: Any) -> alt.Header:
    return alt.Header(labelExpr="split(datum.value, '|')", labelAnchor="start", labelAlign="left", **kwargs)


def _home_year(years: pd.DataFrame, config: Config, year: int) -> pd.Series:
    rows = years[(years["code"] == config.home) & (years["year"] == year)]
    if rows.empty:
        raise KeyError(f"Der er ingen tal for {config.home_name} i {year}.")
    return rows.iloc[0]


def _width_ticks(fmt: str, **kwargs: Any) -> alt.Axis:
    """A quantitative axis with about one tick per 70 px of plot, so a phone's narrow chart is not crowded."""
    return alt.Axis(format=fmt, tickCount=alt.ExprRef("max(2, floor(width / 90))"), **kwargs)


def year_axis() -> alt.Axis:
    """The year axis of every chart over the years: no title, level labels, no thousands separator."""
    return alt.Axis(title=None, labelAngle=0, format="d")


# ---- Overblik: Figure 1 of the strategy ----------------------------------------------------------


def figure1_frame(years: pd.DataFrame, config: Config, year: int, row: pd.Series | None = None) -> pd.DataFrame:
    """The donut's slices: each category's share and "Øvrige ansatte" = 100 − the total share (`row`: the home's
    row of `years` for `year`, when the caller has it)."""
    row = _home_year(years, config, year) if row is None else row
    return pd.DataFrame(
        figure1_columns({c: float(row[c]) for c in config.categories}, float(row["total_share"]), config)
    )


def figure1_columns(categories: Mapping[str, float], total_share: float, config: Config) -> dict[str, list]:
    """`figure1_frame`'s columns from each category's share and the total share: what the planner swaps into
    its donut at every slider move without building a frame."""
    rows = [(config.categories[c], float(categories[c])) for c in config.categories]
    rows.append((OTHERS, max(0.0, 100.0 - float(total_share))))
    return {
        "category": [name for name, _ in rows],
        "share": [share for _, share in rows],
        "order": list(range(len(rows))),
        "label": [f"{name}\n{text.pct(share)}" for name, share in rows],
        "share_text": [text.pct(share) for _, share in rows],
    }


FIGURE1_SIZE = (440, 350)  # Overblik's Figure 1: beside the cards in the first screen (laptop and projector)
DONUT_SIZE = (520, 460)  # the planner's scenario donut
FIGURE1_SCREEN_HEIGHTS = (360, 250)  # on screen, title above: laptop (meeting mode 1.45 times), phone


def figure1_donut(years: pd.DataFrame, config: Config, year: int) -> Chart:
    """Figure 1 of the strategy: the shares of Beskæftigelse, Uddannelse, Beredskabet and the rest."""
    row = _home_year(years, config, year)
    title = alt.Title(
        f"Andel af ansatte indenfor de enkelte ordninger i CSR-mærket i {year}",
        subtitle=[f"{config.organisation}{', foreløbige tal' if row['provisional'] else ''}"],
        fontSize=13,
        subtitleFontSize=12,
    )
    frame = scenario_donut_frame(years, config, year)
    slices = frame[frame["category"] != OTHERS]
    description = (
        f"Kransediagram: andelen af ansatte i ordningerne i CSR-mærket i {year}, {config.organisation}: i alt "
        f"{text.pct(float(row['total_share']))}; "
        + "; ".join(f"{c} {t}" for c, t in zip(slices["category"], slices["share_text"], strict=True))
        + f"; {OTHERS.lower()} {frame.loc[frame['category'] == OTHERS, 'share_text'].iloc[0]}."
    )
    table = pd.DataFrame({"Gruppe": list(frame["category"]), "Andel af ansatte": list(frame["share_text"])})
    chart = _donut(frame, config, title, FIGURE1_SIZE)
    return screen_heights(with_table(chart, description, table), *FIGURE1_SCREEN_HEIGHTS)


# The outer ring's radius: as large as leaves room for the labels around the ring (each sits
# DONUT_LABEL_GAP px outside it and reaches about 48 px to either side and 20 px up or down).
DONUT_LABEL_GAP = 40
DONUT_LABEL_ROOM = DONUT_LABEL_GAP + 48
DONUT_LABEL_ROOM_Y = DONUT_LABEL_GAP + 20


def _donut(frame: pd.DataFrame, config: Config, title: alt.Title, size: tuple[int, int] = DONUT_SIZE) -> Chart:
    """The Figure 1 donut drawn from one table: slices, labels, and the total (on every row) in the centre.

    The rings and labels are measured from `size` (width, height), so the donut stays whole in it."""
    base = alt.Chart(frame).encode(
        theta=alt.Theta("share:Q", stack=True),
        order=alt.Order("order:Q", sort="ascending"),
        color=alt.Color("category:N", scale=colour_scale(config), legend=None),
        tooltip=[
            alt.Tooltip("category:N", title="Gruppe"),
            alt.Tooltip("share:Q", title="Andel af ansatte (%)", format=",.1f"),
        ],
    )
    width, height = size
    # Vega's width and height signals: the download's fixed size, or on screen the container's width
    # (charts.screen), so the rings and their labels stay whole from a phone to a projector.
    outer = f"min(width / 2 - {DONUT_LABEL_ROOM}, height / 2 - {DONUT_LABEL_ROOM_Y})"
    arcs = base.mark_arc(
        innerRadius=alt.ExprRef(f"{outer} * 0.6"), outerRadius=alt.ExprRef(outer), stroke="white", strokeWidth=2
    )
    labels = base.mark_text(
        radius=alt.ExprRef(f"{outer} + {DONUT_LABEL_GAP}"), fontSize=14, lineBreak="\n", color="#222222"
    ).encode(text=alt.Text("label:N"), color=alt.value("#222222"))
    centre = alt.Chart(frame).transform_filter(alt.datum.order == 0)
    total = centre.mark_text(fontSize=alt.ExprRef(f"min(30, {outer} * 0.36)"), fontWeight="bold", dy=-8).encode(
        text=alt.Text("total:N")
    )
    what = centre.mark_text(fontSize=14, dy=20).encode(text=alt.value("i ordningerne"))
    return with_locale(alt.layer(arcs, labels, total, what).properties(title=title, width=width, height=height))


# ---- Udvikling -------------------------------------------------------------------------------


def _target_category(config: Config, schemes: tuple[str, ...]) -> str:
    """The colour group of a target's schemes: a category name, or "I alt" for several categories."""
    cats = {config.scheme(s).category for s in schemes}
    return config.categories[cats.pop()] if len(cats) == 1 else TOTAL


def _panel_title(config: Config, schemes: tuple[str, ...]) -> str:
    """ "Alle ordninger", a category name, or a category name with the schemes it leaves out."""
    cats = {config.scheme(s).category for s in schemes}
    if len(cats) > 1:
        return "Alle ordninger"
    cat = cats.pop()
    left_out = [s for s in config.schemes_in(cat) if s not in schemes]
    name = config.categories[cat]
    if not left_out:
        return name
    return f"{name} (uden {', '.join(short_scheme_name(config.scheme(s).name) for s in left_out)})"


def _provisional_segments(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows for the line: "Endelige tal" for complete years, "Foreløbige tal" for the provisional
    ones joined to the last complete year before them (so the dashed piece starts where the solid ends)."""
    parts = []
    for _, group in frame.groupby(keys, sort=False):
        group = group.sort_values("year")
        parts.append(group[~group["provisional"]].assign(segment="Endelige tal"))
        prov = group[group["provisional"]]
        if len(prov):
            before = group[(~group["provisional"]) & (group["year"] < prov["year"].min())].tail(1)
            parts.append(pd.concat([before, prov]).assign(segment="Foreløbige tal"))
    return pd.concat(parts, ignore_index=True) if parts else frame.assign(segment=[])


def _panel_order(config: Config, schemes: tuple[str, ...]) -> int:
    """Panels in the order "Alle ordninger", then the categories as configured."""
    cats = {config.scheme(s).category for s in schemes}
    return 0 if len(cats) > 1 else 1 + list(config.categories).index(cats.pop())


def trend_frame(targets: Sequence[TargetStatus], config: Config) -> pd.DataFrame:
    """Per panel (the schemes of one or more min-share targets) and year: the share and each threshold.

    Columns: panel, order, category (colour), year, value, kind ("share" or "target"), series (the
    line's name: "Andel", "Mål" or a further target's name), label (the value in Danish).
    """
    panels: dict[tuple[str, ...], list] = {}
    for target in config.targets:
        if target.kind == "min_share":
            panels.setdefault(tuple(sorted(target.schemes)), []).append(target)
    rows = []
    for schemes, members in panels.items():
        panel, order = _panel_title(config, schemes), _panel_order(config, schemes)
        category = _target_category(config, schemes)
        for i, target in enumerate(members):
            series = "Mål" if i == 0 else target.name
            for t in sorted((t for t in targets if t.id == target.id), key=lambda t: t.year):
                if t.value is None or t.threshold is None:
                    continue  # no headcount that year: nothing to draw
                if i == 0:
                    label = text.pct(t.value, t.threshold)
                    rows.append((panel, order, category, t.year, t.value, "share", "Andel", label))
                label = text.target_pct(t.threshold)
                rows.append((panel, order, category, t.year, t.threshold, "target", series, label))
    columns = ["panel", "order", "category", "year", "value", "kind", "series", "label"]
    return pd.DataFrame(rows, columns=columns).sort_values(["order", "kind", "series", "year"], ignore_index=True)


def with_provisional(frame: pd.DataFrame, years: pd.DataFrame, config: Config) -> pd.DataFrame:
    """`frame` with a boolean column "provisional" from the home municipality's years."""
    home = years[years["code"] == config.home]
    marked = {int(y) for y in home.loc[home["provisional"].astype(bool), "year"]}
    provisional = [int(y) in marked for y in frame["year"]]
    out = frame.drop(columns=["provisional"], errors="ignore")
    return out.assign(provisional=pd.array(provisional, dtype=bool), basis=[BASIS[p] for p in provisional])


def provisional_layers(
    x: alt.X, y: alt.Y, colour: Any, tooltip: list, size: int = 70
) -> list:  # colour: a channel or alt.value
    """Points (hollow where provisional) and the word "foreløbig" above provisional points."""
    points = (
        alt.Chart()
        .mark_point(filled=False, size=size, strokeWidth=2)
        .encode(
            x=x, y=y, color=colour, fill=alt.condition("datum.provisional", alt.value("white"), colour), tooltip=tooltip
        )
    )
    word = (
        alt.Chart()
        .mark_text(dy=-14, fontSize=11, fontStyle="italic", color="#222222")
        .encode(x=x, y=y, text=alt.value(PROVISIONAL))
        .transform_filter("datum.provisional")
    )
    return [points, word]


GOAL_DASHES = [[7, 4], [2, 3], [8, 2, 2, 2], [1, 0]]


def trend_chart(targets: Sequence[TargetStatus], years: pd.DataFrame, config: Config) -> Chart:
    """The total share and each category year by year, with the targets as they were each year
    (a step where a threshold changes); provisional years dashed, hollow and labelled "foreløbig"."""
    frame = with_provisional(trend_frame(targets, config), years, config)
    shares = frame[frame["kind"] == "share"]
    data = pd.concat(
        [
            _provisional_segments(shares, ["panel"]).assign(point=False),
            shares.assign(point=True),
            frame[frame["kind"] == "target"].assign(segment="", point=False),
        ],
        ignore_index=True,
    )
    panel_order = list(dict.fromkeys(frame.sort_values("order")["panel"]))
    colour = alt.Color("category:N", scale=colour_scale(config), legend=None)
    x = alt.X("year:O", axis=year_axis())
    tooltip = [
        alt.Tooltip("panel:N", title="Gruppe"),
        alt.Tooltip("year:O", title="År"),
        alt.Tooltip("label:N", title="Andel"),
        alt.Tooltip("basis:N", title="Tal"),
    ]
    y = alt.Y("value:Q", title=SHARE_TITLE, scale=alt.Scale(zero=True), axis=alt.Axis(format=",.0f"))
    line, dashed = (
        alt.Chart()
        .mark_line(strokeWidth=2.5, strokeDash=dash)
        .encode(x=x, y=y, color=colour)
        .transform_filter((alt.datum.kind == "share") & ~alt.datum.point & (alt.datum.segment == segment))
        for segment, dash in (("Endelige tal", [1, 0]), ("Foreløbige tal", [5, 4]))
    )
    points, word = (layer.transform_filter(alt.datum.point) for layer in provisional_layers(x, y, colour, tooltip))
    goal_names = ["Mål", *dict.fromkeys(frame.loc[(frame["kind"] == "target") & (frame["series"] != "Mål"), "series"])]
    goal = (
        alt.Chart()
        .mark_line(interpolate="step", strokeWidth=1.5, color=TARGET_COLOUR)
        .encode(
            x=x,
            y=y,
            strokeDash=alt.StrokeDash(
                "series:N", title=None, scale=alt.Scale(domain=goal_names, range=GOAL_DASHES[: len(goal_names)])
            ),
            tooltip=[
                alt.Tooltip("panel:N", title="Gruppe"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("series:N", title="Linje"),
                alt.Tooltip("label:N", title="Mål"),
            ],
        )
        .transform_filter(alt.datum.kind == "target")
    )
    layered = alt.layer(goal, line, dashed, points, word, data=data).properties(width=280, height=190)
    table = _trend_table(targets, frame, config)
    chart = layered.facet(
        facet=alt.Facet("panel:N", title=None, sort=panel_order, header=_header()),
        columns=2,
    ).properties(
        title=alt.Title(
            "Andel af ansatte i ordningerne år for år",
            subtitle="Grå linjer: målene, som de gjaldt hvert år. Hule punkter og stiplet linje: foreløbige tal.",
        )
    )
    years_shown = sorted({int(y) for y in frame["year"]})
    span = f" {years_shown[0]}–{years_shown[-1]}" if years_shown else ""
    description = (
        f"Linjediagrammer: andel af ansatte i ordningerne år for år{span} for {join(panel_order)}, "
        "hver med målet, som det gjaldt hvert år."
    )
    return with_locale(with_table(chart, description, table))


def _trend_table(targets: Sequence[TargetStatus], frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The trend chart's numbers: per panel and year the share, the first target's threshold and status."""
    first: dict[str, str] = {}  # panel -> the id of its first min-share target
    for target in config.targets:
        if target.kind == "min_share":
            first.setdefault(_panel_title(config, tuple(sorted(target.schemes))), target.id)
    met = {(t.id, t.year): t.met for t in targets}
    shares = frame[frame["kind"] == "share"]
    goals = frame[(frame["kind"] == "target") & (frame["series"] == "Mål")].set_index(["panel", "year"])["label"]
    rows = []
    for r in shares.itertuples(index=False):
        status = met.get((first.get(r.panel, ""), r.year))
        rows.append(
            (
                r.panel,
                text.year_label(int(r.year), bool(r.provisional)),
                r.label,
                goals.get((r.panel, r.year), "–"),
                f"{STATUS_MARKS[status]} {text.status_word(status)}",
            )
        )
    return pd.DataFrame(rows, columns=["Gruppe", "År", "Andel af ansatte", "Mål", "Status"])


def scheme_trend_frame(shares: pd.DataFrame, config: Config, measure: str = "share") -> pd.DataFrame:
    """The home municipality's persons or share per scheme and year, schemes in configuration order."""
    if measure not in MEASURES:
        raise ValueError(f"Ukendt mål {measure!r}; vælg 'share' eller 'persons'.")
    home = shares[shares["code"] == config.home]
    names = {s.id: s.name for s in config.schemes}
    order = {s.id: i for i, s in enumerate(config.schemes)}
    frame = home.assign(
        name=home["scheme"].map(names),
        header=home["scheme"].map(lambda s: _wrap(names[s])),
        category_name=home["category"].map(config.categories),
        value=home[measure],
        order=home["scheme"].map(order),
        label=[text.pct(v) if measure == "share" else text.number(v, 1) for v in home[measure]],
        basis=[BASIS[bool(p)] for p in home["provisional"]],
    )
    columns = ["scheme", "name", "header", "category_name", "year", "value", "label", "provisional", "basis", "order"]
    return frame[columns].sort_values(["order", "year"], ignore_index=True)


def scheme_trend_chart(shares: pd.DataFrame, config: Config, measure: str = "share") -> Chart:
    """One small chart per scheme: its share (or persons) year by year, provisional points hollow."""
    frame = scheme_trend_frame(shares, config, measure)
    headers = list(dict.fromkeys(frame["header"]))
    present = [config.categories[c] for c in config.categories if config.categories[c] in set(frame["category_name"])]
    colour = alt.Color("category_name:N", scale=colour_scale(config), title="Gruppe", legend=alt.Legend(values=present))
    x = alt.X("year:O", axis=alt.Axis(title=None, labelAngle=-90, format="d", labelFontSize=11))
    y = alt.Y("value:Q", title=None, axis=alt.Axis(format=",.2~r", tickCount=4))
    tooltip = [
        alt.Tooltip("name:N", title="Ordning"),
        alt.Tooltip("year:O", title="År"),
        alt.Tooltip("label:N", title=MEASURES[measure]),
        alt.Tooltip("basis:N", title="Tal"),
    ]
    points = provisional_layers(x, y, colour, tooltip, size=40)[0]
    chart = (
        alt.layer(
            alt.Chart().mark_line(strokeWidth=2).encode(x=x, y=y, color=colour),
            points,
            data=frame,
        )
        .properties(width=165, height=100)
        .facet(
            facet=alt.Facet("header:N", title=None, sort=headers, header=_header(labelFontSize=12)),
            columns=3,
        )
        .resolve_scale(y="independent")
        .properties(
            title=alt.Title(
                f"Hver ordning for sig: {MEASURES[measure].lower()}",
                subtitle="Hver figur har sin egen skala. Hule punkter: foreløbige tal.",
            )
        )
    )
    years_shown = sorted({int(y) for y in frame["year"]})
    provisional = {int(y) for y in frame.loc[frame["provisional"].astype(bool), "year"]}
    table = frame.assign(column=[text.year_label(int(y), int(y) in provisional) for y in frame["year"]]).pivot_table(
        index="name", columns="column", values="label", aggfunc="first", sort=False
    )
    table = table.reindex(index=list(dict.fromkeys(frame["name"])))
    table = table[[text.year_label(y, y in provisional) for y in years_shown]].fillna("–")
    table = table.reset_index().rename(columns={"name": "Ordning"})
    table.columns.name = None
    span = f" {years_shown[0]}–{years_shown[-1]}" if years_shown else ""
    description = (
        f"Linjediagrammer, ét pr. ordning: {MEASURES[measure].lower()} år for år{span} for {len(headers)} "
        "ordninger, hver med sin egen skala."
    )
    return with_locale(with_table(chart, description, table))


# ---- Omegnskommuner -----------------------------------------------------------------------------


def neighbour_ranking_frame(shares: pd.DataFrame, config: Config, year: int, group: str) -> pd.DataFrame:
    """The home municipality and every neighbour with data: their share in the group's compared
    schemes in `year`, highest first."""
    schemes = comparison_groups(config)[group]
    sub = scope_share(shares[shares["year"] == year], schemes)
    codes = (config.home, *config.neighbours)
    sub = sub[sub["code"].isin(codes)].sort_values("share", ascending=False, ignore_index=True)
    return sub.assign(
        municipality=[config.municipality(int(c)).name for c in sub["code"]],
        home=sub["code"] == config.home,
        rank=range(1, len(sub) + 1),
        role=["Hjemkommune" if c == config.home else "Omegnskommune" for c in sub["code"]],
        label=[text.pct(v) for v in sub["share"]],
    )[["municipality", "code", "share", "persons", "headcount", "home", "rank", "role", "label"]]


_WEIGHTS: tuple[tuple[Literal["bold", "normal"], Any], ...] = (("bold", alt.datum.home), ("normal", ~alt.datum.home))
RANKING_WIDTH = 440


def neighbour_ranking_chart(
    shares: pd.DataFrame, neighbours: Sequence[NeighbourFigure], config: Config, year: int, group: str
) -> Chart:
    """Every municipality's share in one comparison group, ranked, the home municipality highlighted
    (colour and bold name) and the neighbours' average as a rule."""
    frame = neighbour_ranking_frame(shares, config, year, group)
    avg = next((f for f in neighbours if f.year == year and f.group == group), None)
    average = None if avg is None else avg.average
    method = config.neighbour_method if avg is None else avg.method
    category = config.categories[group]
    order = list(frame["municipality"])
    y = alt.Y(
        "municipality:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelFontWeight=alt.ExprRef(f"datum.value == '{config.home_name}' ? 'bold' : 'normal'"), labelFontSize=13
        ),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(height=22)
        .encode(
            x=alt.X("share:Q", title=SHARE_TITLE, axis=_width_ticks(",.1~f"), scale=alt.Scale(zero=True, nice=True)),
            y=y,
            color=alt.Color(
                "role:N",
                title=None,
                scale=alt.Scale(
                    domain=["Hjemkommune", "Omegnskommune"], range=[category_colours(config)[group], NEUTRAL]
                ),
            ),
            tooltip=[
                alt.Tooltip("municipality:N", title="Kommune"),
                alt.Tooltip("share:Q", title="Andel af ansatte (%)", format=",.1f"),
                alt.Tooltip("persons:Q", title="Personer (årsgennemsnit)", format=",.1f"),
                alt.Tooltip("headcount:Q", title="Ansatte (årsgennemsnit)", format=",.0f"),
            ],
        )
    )
    # the values as a column right of the plot, where neither bars nor the average line reach
    values = [
        alt.Chart(frame)
        .mark_text(align="left", dx=10, fontSize=13, fontWeight=weight)
        .encode(x=alt.value("width"), y=y, text="label:N")
        .transform_filter(test)
        for weight, test in _WEIGHTS
    ]
    layers = [bars, *values]
    if average is not None:
        rule_frame = pd.DataFrame(
            {
                "average": [average],
                "label": [f"Omegnsgennemsnit {text.pct(average)}"],
                "method": [text.method_name(method)],
            }
        )
        rule = (
            alt.Chart(rule_frame)
            .mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2)
            .encode(
                x="average:Q",
                tooltip=[alt.Tooltip("label:N", title="Omegnskommunerne"), alt.Tooltip("method:N", title="Gennemsnit")],
            )
        )
        rule_text = (
            alt.Chart(rule_frame)
            # left of the line, so it stays inside a narrow chart however high the average is
            .mark_text(align="right", dx=-4, dy=-8, fontSize=12, color=TARGET_COLOUR)
            .encode(x="average:Q", y=alt.value(0), text="label:N")
        )
        layers += [rule, rule_text]
    chart = alt.layer(*layers).properties(
        width=RANKING_WIDTH,
        height=alt.Step(30),
        title=alt.Title(
            f"{category} {year}: andel af ansatte pr. kommune",
            subtitle=f"Stiplet linje: omegnskommunernes {text.method_name(method)}.",
        ),
    )
    table = pd.DataFrame(
        {
            "Kommune": list(frame["municipality"]),
            "Placering": [f"{r}." for r in frame["rank"]],
            SHARE_TITLE: list(frame["label"]),
            PERSONS_TITLE: [text.number(v, 1) for v in frame["persons"]],
            "Ansatte (årsgennemsnit)": [text.count(v) for v in frame["headcount"]],
        }
    )
    if average is not None:
        average_row = [f"Omegnsgennemsnit ({text.METHOD_SHORT[method]})", "", text.pct(average), "", ""]
        table = pd.concat([table, pd.DataFrame([average_row], columns=table.columns)], ignore_index=True)
    home = frame[frame["home"]]
    place = f"{config.home_name} er nr. {int(home['rank'].iloc[0])} af {len(frame)} kommuner" if len(home) else ""
    description = (
        f"Søjlediagram: andel af ansatte i ordningerne under {category.lower()} pr. kommune i {year}, højeste "
        f"først; {place}"
        + (f", omegnskommunernes {text.method_name(method)} er {text.pct(average)}" if average is not None else "")
        + "."
    )
    return with_locale(with_table(chart, description, table))


AVERAGE = "Omegnskommunerne"


def neighbour_trend_frame(neighbours: Sequence[NeighbourFigure], years: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Home share and neighbour average per comparison group and year, long; `colour` is the category
    name for the home municipality and "Omegnskommunerne" for the average."""
    rows = []
    for f in neighbours:
        category = config.categories[f.group]
        for series, colour, value in ((config.home_name, category, f.home), (AVERAGE, AVERAGE, f.average)):
            if value is not None:
                rows.append((category, f.year, series, colour, value, text.pct(value), text.method_name(f.method)))
    frame = pd.DataFrame(rows, columns=["category", "year", "series", "colour", "value", "label", "method"])
    return with_provisional(frame, years, config)


def neighbour_trend_chart(neighbours: Sequence[NeighbourFigure], years: pd.DataFrame, config: Config) -> Chart:
    """The home municipality against the neighbours' average over the years, one panel per group."""
    frame = neighbour_trend_frame(neighbours, years, config)
    method = text.method_name(neighbours[0].method if neighbours else config.neighbour_method)
    colour = alt.Color("colour:N", scale=colour_scale(config, {AVERAGE: NEUTRAL}), legend=None)
    series = alt.StrokeDash(
        "series:N", title=None, scale=alt.Scale(domain=[config.home_name, AVERAGE], range=[[1, 0], [6, 4]])
    )
    x = alt.X("year:O", axis=year_axis())
    tooltip = [
        alt.Tooltip("series:N", title="Hvem"),
        alt.Tooltip("category:N", title="Gruppe"),
        alt.Tooltip("year:O", title="År"),
        alt.Tooltip("label:N", title="Andel"),
        alt.Tooltip("method:N", title="Gennemsnit"),
        alt.Tooltip("basis:N", title="Tal"),
    ]
    y = alt.Y("value:Q", title=SHARE_TITLE, axis=alt.Axis(format=",.0f"))
    line = alt.Chart().mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=series)
    points, word = provisional_layers(x, y, colour, tooltip, size=55)
    word = word.transform_filter(alt.datum.series == config.home_name)
    chart = (
        alt.layer(line, points, word, data=frame)
        .properties(width=280, height=200)
        .facet(
            facet=alt.Facet("category:N", title=None, sort=list(config.categories.values()), header=_header()),
            columns=2,
        )
        .properties(
            title=alt.Title(
                f"{config.home_name} og omegnskommunernes {method} år for år", subtitle="Hule punkter: foreløbige tal."
            )
        )
    )
    rows = []
    for (category, year), group in frame.groupby(["category", "year"], sort=False):
        by = dict(zip(group["series"], group["label"], strict=True))
        provisional = bool(group["provisional"].iloc[0])
        rows.append(
            (category, text.year_label(int(year), provisional), by.get(config.home_name, "–"), by.get(AVERAGE, "–"))
        )
    order = {c: i for i, c in enumerate(config.categories.values())}
    table = pd.DataFrame(rows, columns=["Gruppe", "År", config.home_name, f"Omegnskommunernes {method}"])
    table = table.sort_values(["Gruppe", "År"], key=lambda c: c.map(order) if c.name == "Gruppe" else c)
    description = (
        f"Linjediagrammer: {config.home_name}s andel af ansatte mod omegnskommunernes {method} år for år, "
        f"én figur pr. gruppe ({join(list(dict.fromkeys(table['Gruppe'])))})."
    )
    return with_locale(with_table(chart, description, table.reset_index(drop=True)))


def neighbour_scheme_table(
    shares: pd.DataFrame, config: Config, year: int, group: str, method: str | None = None
) -> pd.DataFrame:
    """Per scheme of a comparison group: the home municipality's share, the neighbours' average and each
    neighbour's share, in percent (unrounded), with Danish headers; a last row for the group as a whole."""
    method = method or config.neighbour_method
    schemes = comparison_groups(config)[group]
    year_shares = shares[(shares["year"] == year) & shares["scheme"].isin(schemes)]
    codes = (config.home, *config.neighbours)
    names = [config.municipality(c).name for c in codes]
    per_scheme = year_shares.pivot_table(index="scheme", columns="code", values="share", aggfunc="sum")
    per_scheme = per_scheme.reindex(index=list(schemes), columns=list(codes))
    total = year_shares.groupby("code")["share"].sum().reindex(list(codes))
    average_title = f"Omegnsgennemsnit ({text.METHOD_SHORT[method]})"
    figure = neighbour_figures(year_shares, config, schemes, group, method)
    f = figure[0] if figure else None
    averages = [None if f is None else f.schemes.get(s) for s in schemes]
    averages.append(None if f is None else f.average)
    table = pd.concat([per_scheme, total.to_frame().T], ignore_index=True)
    table.columns = names
    table.insert(0, "Ordning", [*(config.scheme(s).name for s in schemes), f"{config.categories[group]} i alt"])
    # float like the municipalities' columns beside it (NaN: no figure), so the table formats one way
    table.insert(2, average_title, [float("nan") if a is None else a for a in averages])
    return table


def neighbour_scheme_columns(table: pd.DataFrame) -> pd.DataFrame:
    """`neighbour_scheme_table` turned for a page: one row per municipality (the home municipality, the
    neighbours' average, then each neighbour), one column per scheme under its short name ("IGU",
    "Skånejob"), so a laptop's page shows it whole, without cut names or sideways scrolling."""
    turned = table.set_index("Ordning").T
    turned.columns = [_capitalised(short_scheme_name(str(c))) for c in turned.columns]
    turned.columns.name = None
    return turned.rename_axis("Kommune").reset_index()


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


# ---- Praktikpladser --------------------------------------------------------------------------


def placement_frame(placements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Agreed and realised places per education in `year` (without the total row), with status words."""
    status = placement_status(placements, year)
    status = status[status["education"] != "I alt"].copy()
    status["agreed"] = status["agreed"].astype(float)
    status["realised"] = status["realised"].astype(float)
    status["fulfilment"] = status["fulfilment"].astype(float)
    status["met"] = status["met"].astype(bool)
    status["status"] = [text.status_word(bool(m)) for m in status["met"]]
    status["label"] = [
        f"{text.count(r)} besatte mod {text.count(a)} aftalte" + ("" if m else f" – {text.places(short)} mangler")
        for a, r, m, short in zip(status["agreed"], status["realised"], status["met"], status["short"], strict=True)
    ]
    # what the chart writes above each bar: the education, then its numbers with the status as mark and word
    status["lines"] = [
        f"{e}\n{STATUS_MARKS[bool(m)]} {text.status_word(bool(m))}: {label}"
        for e, m, label in zip(status["education"], status["met"], status["label"], strict=True)
    ]
    status["fulfilment_text"] = [text.pct(f) for f in status["fulfilment"]]
    return status.sort_values("agreed", ascending=False, ignore_index=True)


def placement_bullets(placements: pd.DataFrame, year: int) -> Chart:
    """Bullet charts (Stephen Few): a bar for the realised places, a tick for the agreed number, and above
    each bar the education and its numbers with the status as mark and word (so a phone's narrow chart
    keeps the whole plot width for the bars)."""
    frame = placement_frame(placements, year)
    order = list(frame["education"])
    y = alt.Y("education:N", sort=order, title=None, axis=None)
    tooltip = [
        alt.Tooltip("education:N", title="Uddannelse"),
        alt.Tooltip("agreed:Q", title="Aftalt", format=",.0f"),
        alt.Tooltip("realised:Q", title="Realiseret", format=",.0f"),
        alt.Tooltip("fulfilment_text:N", title="Opfyldelse"),
        alt.Tooltip("status:N", title="Status"),
    ]
    scale = alt.Scale(zero=True, nice=True)
    bar = (
        alt.Chart(frame)
        .mark_bar(height=14, yOffset=14)
        .encode(
            x=alt.X("realised:Q", title="Pladser", scale=scale, axis=_width_ticks(",.0f")),
            y=y,
            color=alt.Color(
                "status:N",
                title="Realiserede pladser",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            ),
            tooltip=tooltip,
        )
    )
    tick = (
        alt.Chart(frame)
        .mark_tick(thickness=3, size=24, color="#000000", yOffset=14)
        .encode(x=alt.X("agreed:Q", scale=scale), y=y, tooltip=tooltip)
    )
    label = (
        alt.Chart(frame)
        .mark_text(
            align="left",
            baseline="bottom",
            dy=-12,
            fontSize=12,
            lineHeight=15,
            lineBreak="\n",
            limit=alt.ExprRef("width"),
        )
        .encode(x=alt.value(0), y=y, text="lines:N")
    )
    chart = alt.layer(bar, tick, label).properties(
        width=480,
        height=alt.Step(62),
        title=alt.Title(
            f"Praktik- og elevpladser {year}: realiseret mod aftalt",
            subtitle="Søjle: realiserede pladser. Sort streg: det aftalte antal.",
        ),
    )
    table = frame.assign(
        shown_agreed=[text.count(v) for v in frame["agreed"]],
        shown_realised=[text.count(v) for v in frame["realised"]],
        shown_short=[text.count(v) for v in frame["short"]],
    )[["education", "shown_agreed", "shown_realised", "shown_short", "fulfilment_text", "status"]]
    table.columns = ["Uddannelse", "Aftalt", "Besat", "Mangler", "Opfyldelse", "Status"]
    met = int(frame["met"].sum())
    description = (
        f"Søjlediagram: besatte praktik- og elevpladser mod det aftalte antal i {year} for {len(frame)} "
        f"uddannelser; {met} af dem når det aftalte antal."
    )
    return with_locale(with_table(chart, description, table))


def placement_years_frame(placements: pd.DataFrame) -> pd.DataFrame:
    """Per year: agreed and realised places in total, fulfilment and whether every education met its number."""
    rows = []
    for year in sorted(int(y) for y in placements["year"].unique()):
        total = placement_status(placements, year).iloc[-1]
        rows.append(
            (
                year,
                float(total["agreed"]),
                float(total["realised"]),
                int(total["short"]),
                float(total["fulfilment"]),
                bool(total["met"]),
            )
        )
    frame = pd.DataFrame(rows, columns=["year", "agreed", "realised", "short", "fulfilment", "met"])
    return frame.assign(
        status=[text.status_word(m) for m in frame["met"]],
        label=[f"{text.count(r)} mod {text.count(a)}" for r, a in zip(frame["realised"], frame["agreed"], strict=True)],
        short_text=[text.places(int(n)) if n else "ingen" for n in frame["short"]],
    )


def placement_years_chart(placements: pd.DataFrame, provisional_years: tuple[int, ...] = ()) -> Chart:
    """Fulfilment in total year by year against 100 %, coloured and labelled by the target's status;
    years still in progress (`provisional_years`) are labelled "foreløbig"."""
    frame = placement_years_frame(placements)
    marked = ", ".join(str(int(y)) for y in provisional_years)
    missed = ", ".join(str(int(y)) for y in frame.loc[~frame["met"], "year"])
    mark = f"indexof([{missed}], datum.value) >= 0 ? '{STATUS_MARKS[False]}' : '{STATUS_MARKS[True]}'"
    x = alt.X(
        "year:O",
        axis=alt.Axis(
            title=None,
            labelAngle=0,
            format="d",
            labelExpr=f"indexof([{marked}], datum.value) >= 0 ? [datum.label, {mark}, '({PROVISIONAL})'] "
            f": [datum.label, {mark}]",
        ),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(width=alt.RelativeBandSize(0.75))
        .encode(
            x=x,
            y=alt.Y(
                "fulfilment:Q",
                title="Realiseret i procent af aftalt",
                axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(zero=True),
            ),
            color=alt.Color(
                "status:N",
                title="Målet",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("agreed:Q", title="Aftalt", format=",.0f"),
                alt.Tooltip("realised:Q", title="Realiseret", format=",.0f"),
                alt.Tooltip("short_text:N", title="Pladser, der mangler"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        # in the bar when it is wide enough for "189 mod 188" (the table under the chart has the numbers)
        .mark_text(
            baseline="top",
            dy=6,
            fontSize=12,
            fontWeight="bold",
            color="white",
            opacity=alt.ExprRef("bandwidth('x') >= 80 ? 1 : 0"),
        )
        .encode(x=x, y="fulfilment:Q", text="label:N")
    )
    rule = alt.Chart(pd.DataFrame({"y": [100.0]})).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(y="y:Q")
    chart = alt.layer(bars, rule, labels).properties(
        width=alt.Step(80),
        height=240,
        title=alt.Title(
            "Opfyldelse af de aftalte pladser i alt, år for år",
            subtitle="Stiplet linje: 100 % af de aftalte pladser. Målet er opfyldt (✓), når hver "
            "uddannelse når sit aftalte antal.",
        ),
    )
    table = pd.DataFrame(
        {
            "År": [text.year_label(int(y), int(y) in provisional_years) for y in frame["year"]],
            "Aftalt": [text.count(v) for v in frame["agreed"]],
            "Besat": [text.count(v) for v in frame["realised"]],
            "Opfyldelse": [text.pct(v) for v in frame["fulfilment"]],
            "Pladser, der mangler": list(frame["short_text"]),
            "Status": list(frame["status"]),
        }
    )
    years = [int(y) for y in frame["year"]]
    span = f"{years[0]}–{years[-1]}" if years else ""
    description = (
        f"Søjlediagram: de besatte pladser i procent af de aftalte i alt, år for år {span}; målet er opfyldt i "
        f"{int(frame['met'].sum())} af {len(frame)} år."
    )
    return with_locale(with_table(chart, description, table))


# ---- Planlægning ---------------------------------------------------------------------------------

BASELINE_SERIES = "Grundlag"
SCENARIO_SERIES = "Scenarie"
STATUS_SCALE = alt.Scale(domain=[*STATUS_COLOURS, "Ingen data"], range=[*STATUS_COLOURS.values(), NEUTRAL])
BULLET_WIDTH = 380


def _number_or_none(value: object) -> float | None:
    """A number from a frame cell; None for None, NaN and <NA>."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value):
        return float(value)
    return None


def target_requirement(kind: str, threshold: float | None) -> str:
    """What a target asks for, in a few words: "mindst 5 %", "over omegnskommunerne (4,1 %)"."""
    if kind == "above_neighbours":
        return f"over omegnskommunerne ({text.pct(threshold)})" if threshold is not None else "ingen omegnstal"
    if kind == "obligations_met":
        return "alle uddannelser når det aftalte antal" + (f" ({text.places(threshold)})" if threshold else "")
    return f"mindst {text.target_pct(threshold)}"


BULLET_COLUMNS = ("id", "header", "order", "series", "value", "threshold", "status", "label")


def target_bullets_rows(changes: Iterable[Mapping[str, Any]]) -> list[tuple]:
    """Two rows per target (in `BULLET_COLUMNS`), the baseline and the scenario, from the rows of
    `csr.planning.compare_targets` (`target_changes`): value, threshold, status word and the label the bullet
    shows ("4,7 % · Ikke opfyldt")."""
    rows = []
    for order, t in enumerate(changes):
        threshold = _number_or_none(t["threshold"])
        strict = t["kind"] == "above_neighbours"
        header = f"{_wrap(t['name'], 60)}|Krav: {target_requirement(t['kind'], threshold)}"
        for series, value, met in (
            (BASELINE_SERIES, t["value_before"], t["met_before"]),
            (SCENARIO_SERIES, t["value_after"], t["met_after"]),
        ):
            value = _number_or_none(value)
            met = None if met is None or pd.isna(met) else bool(met)
            status = text.status_word(met)
            if t["kind"] == "obligations_met":
                shown = "–" if value is None or threshold is None else text.places_total_text(value, threshold)
            else:
                shown = text.pct(value, threshold, strict)
            rows.append(
                (
                    t["id"],
                    header,
                    order,
                    series,
                    value,
                    threshold,
                    status,
                    f"{shown} · {status}",
                )
            )
    return rows


def target_bullets_frame(compare: pd.DataFrame) -> pd.DataFrame:
    """`target_bullets_rows` of `csr.planning.compare_targets` as a frame."""
    return pd.DataFrame(target_bullets_rows(compare.to_dict("records")), columns=list(BULLET_COLUMNS))


def target_bullets(compare: pd.DataFrame, year: int) -> Chart:
    """One bullet chart per target (Stephen Few): a bar for the baseline and one for the scenario,
    a black rule at the threshold, and the value and status in words beside the bars."""
    frame = target_bullets_frame(compare)
    headers = list(dict.fromkeys(frame["header"]))
    y = alt.Y("series:N", title=None, sort=[BASELINE_SERIES, SCENARIO_SERIES], axis=alt.Axis(labelFontSize=12))
    tooltip = [
        alt.Tooltip("series:N", title="Hvad"),
        alt.Tooltip("label:N", title="Værdi"),
        alt.Tooltip("threshold:Q", title="Krav (% eller pladser)", format=",.1~f"),
    ]
    bar = (
        alt.Chart()
        .mark_bar(height=16)
        .encode(
            x=alt.X("value:Q", title=None, scale=alt.Scale(zero=True, nice=True), axis=alt.Axis(format=",.1~f")),
            y=y,
            color=alt.Color("status:N", title="Status", scale=STATUS_SCALE),
            tooltip=tooltip,
        )
    )
    rule = alt.Chart().mark_rule(color="#000000", strokeWidth=3).encode(x="threshold:Q", tooltip=tooltip)
    label = (
        alt.Chart()
        .mark_text(align="left", dx=10, fontSize=12, color="#222222")
        .encode(x=alt.value("width"), y=y, text="label:N")
    )
    chart = (
        alt.layer(bar, rule, label, data=frame)
        .properties(width=BULLET_WIDTH, height=alt.Step(22))
        .facet(
            facet=alt.Facet("header:N", title=None, sort=headers, header=_header(labelFontSize=13)),
            columns=1,
        )
        .resolve_scale(x="independent")
        .properties(
            title=alt.Title(
                f"Målene i {year}: grundlaget og scenariet",
                subtitle="Søjler: andel af ansatte i procent (praktikpladser: besatte pladser). Sort streg: kravet.",
            )
        )
    )
    return with_locale(chart)


def scenario_donut_frame(years: pd.DataFrame, config: Config, year: int) -> pd.DataFrame:
    """Figure 1's slices (`figure1_frame`) with the total share for the centre on every row, so the
    scenario's donut is drawn from one table."""
    row = _home_year(years, config, year)
    return pd.DataFrame(
        scenario_donut_columns({c: float(row[c]) for c in config.categories}, float(row["total_share"]), config)
    )


def scenario_donut_columns(categories: Mapping[str, float], total_share: float, config: Config) -> dict[str, list]:
    """`scenario_donut_frame`'s columns from each category's share and the total share (`figure1_columns`)."""
    columns = figure1_columns(categories, total_share, config)
    return {**columns, "total": [text.pct(float(total_share))] * len(columns["category"])}


def scenario_donut(years: pd.DataFrame, config: Config, year: int) -> Chart:
    """Figure 1 for a scenario (`years`: `csr.planning.Outcome.years_frame()`): the donut of
    `figure1_donut`, titled as a scenario and drawn from one table (`scenario_donut_frame`), so the
    planner can show a new scenario by swapping that table into a spec built once."""
    row = _home_year(years, config, year)
    title = alt.Title(
        f"Scenariet for {year}: andel af ansatte i CSR-mærkets ordninger",
        subtitle=[f"{config.organisation}, beregnet med planen{' på foreløbige tal' if row['provisional'] else ''}"],
    )
    return _donut(scenario_donut_frame(years, config, year), config, title)


# ---- export ------------------------------------------------------------------------------------

PRINT_PPI = 200


def to_png(spec: dict, ppi: int = PRINT_PPI) -> bytes:
    """The chart as a PNG at print quality (the Danish locale travels inside the spec), drawn from the cleaned
    spec in the guarded worker (`csr.drawing`): a chart that cannot be drawn raises `DrawError` in Danish."""
    from csr import drawing

    return drawing.png(spec, ppi)


def to_svg(spec: dict) -> str:
    """The chart as SVG, like `to_png`."""
    from csr import drawing

    return drawing.svg(spec)


# ---- on screen -------------------------------------------------------------------------------------
#
# The builders draw at a fixed size, which the PNG/SVG downloads and the PDF report need. `screen` turns
# such a spec into what a page shows: charts as wide as their container at every width, from a phone to
# the meeting-room projector, with titles wrapped to that width and, in meeting mode, larger type.

MEETING_SCALE = 1.45  # meeting mode: type, marks and heights this much larger (the width is the container's)
TABLE_KEY = "csr_table"  # usermeta: the chart's data as a Danish table (`with_table`), not sent to the browser
TITLE_KEY = "csr_title"  # usermeta of a spec on screen: its title and subtitle as written, before wrapping
HEIGHTS_KEY = (
    "csr_screen_heights"  # usermeta: the chart's height on screen by the width of the screen (`screen_heights`)
)
PHONE_WIDTH = 640  # px: a screen at most this wide is a phone (Streamlit stacks its columns there too)
_CHAR_EM = 0.56  # the width of an average character in em, for wrapping titles (sans-serif, Danish text)
_WRAP_CHARS = (16, 22, 30, 40, 52, 68, 90, 120)  # the line lengths a title may be wrapped to
_FONT_KEYS = {
    "fontSize",
    "labelFontSize",
    "titleFontSize",
    "subtitleFontSize",
    "lineHeight",
    "dx",
    "dy",
    "labelPadding",
}
_LENGTH_KEYS = {
    "height",
    "step",
    "strokeWidth",
    "thickness",
    "radius",
    "innerRadius",
    "outerRadius",
    "titlePadding",
    "yOffset",
}


@dataclass(frozen=True)
class ScreenChart:
    """A chart as a page shows it: one spec, or (a faceted chart) one spec per panel with the chart's
    title above them, its Danish description, and its data as a table (None: the chart has none)."""

    panels: tuple[dict, ...]
    columns: int
    title: str | None  # a faceted chart's title, shown above its panels; None: the spec has its own
    subtitle: str | None
    description: str
    table: pd.DataFrame | None
    heights: tuple[int, int] | None = None  # on screen (normal, phone) px, meeting mode's included; None: its own

    def css(self, selector: str) -> str:
        """The style that gives the chart under `selector` its heights on screen ("" when it has its own)."""
        if self.heights is None:
            return ""
        normal, phone = self.heights
        target = f"{selector} [data-testid='stVegaLiteChart'], {selector} .vega-embed"
        return (
            f"<style>{target} {{ height: {normal}px !important; }} "
            f"@media (max-width: {PHONE_WIDTH}px) {{ {target} {{ height: {phone}px !important; }} }}</style>"
        )


def with_table(chart: Chart, description: str, table: pd.DataFrame) -> Chart:
    """`chart` with its Danish description (what a screen reader says for it) and its data as a table,
    already in Danish (column names and numbers as text with decimal commas), for the page to show under
    the chart. Both travel in the spec: `description` is Vega-Lite's, the table rides in `usermeta`."""
    rows = [[_cell(v) for v in row] for row in table.itertuples(index=False, name=None)]
    meta = {TABLE_KEY: {"columns": [str(c) for c in table.columns], "rows": rows}}
    return chart.properties(description=description, usermeta=meta)


def screen_heights(chart: Chart, normal: int, phone: int) -> Chart:
    """`chart` drawn on screen `normal` px high, or `phone` px on a screen at most PHONE_WIDTH px wide (in
    meeting mode `normal` times MEETING_SCALE), title included, instead of its fixed height: the page sets
    the height of the chart's element (`ScreenChart.css`) and Vega fits the chart into it, so a mark
    drawn from Vega's `width` and `height` signals (a donut's radii) follows both. Downloads keep the
    fixed size."""
    meta = {**(chart.usermeta if isinstance(chart.usermeta, dict) else {}), HEIGHTS_KEY: [normal, phone]}
    return chart.properties(usermeta=meta)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return str(value)


def _wrap_lines(value: str, chars: int) -> list[str]:
    return textwrap.wrap(value, chars, break_long_words=False) or [value]


def wrapped_text(value: str | list[str], font_size: float, margin: float = 0) -> dict | str | list[str]:
    """A title or subtitle that wraps to the chart's container: a Vega expression choosing, by
    `containerSize()`, the longest line length that fits (`margin` px are not for the text)."""
    lines = [value] if isinstance(value, str) else list(value)
    whole = " ".join(lines)
    if not whole:
        return value
    px = font_size * _CHAR_EM
    choices: list[tuple[int, list[str]]] = []
    for chars in _WRAP_CHARS:
        wrapped = [w for line in lines for w in _wrap_lines(line, chars)]
        choices.append((chars, wrapped))
        if all(len(line) <= chars for line in lines):
            break
    expr = json.dumps(choices[0][1], ensure_ascii=False)  # the shortest lines, for the narrowest container
    for chars, wrapped in choices[1:]:  # the longest lines that fit win (the outermost test)
        lines_ = json.dumps(wrapped, ensure_ascii=False)
        expr = f"containerSize()[0] - {margin:g} >= {chars * px:.0f} ? {lines_} : ({expr})"
    # always an expression: Vega leaves its English ARIA role on a title with static text (aria false or not)
    return {"expr": expr}


def _scaled(node: Any, factor: float, key: str | None = None) -> Any:
    """`node` with type, mark and height sizes times `factor` (a point's size is an area: factor²)."""
    if isinstance(node, dict):
        if key in ("datasets", "data", "usermeta", "scale", "locale"):
            return node
        out = {k: _scaled(v, factor, k) for k, v in node.items()}
        if out.get("type") in ("point", "circle", "square") and isinstance(out.get("size"), (int, float)):
            out["size"] = out["size"] * factor**2
        elif out.get("type") in ("bar", "tick") and isinstance(out.get("size"), (int, float)):
            out["size"] = out["size"] * factor
        if isinstance(out.get("symbolSize"), (int, float)):
            out["symbolSize"] = out["symbolSize"] * factor**2
        return out
    if isinstance(node, list):
        return [_scaled(v, factor, key) for v in node]
    if isinstance(node, (int, float)) and not isinstance(node, bool) and key in _FONT_KEYS | _LENGTH_KEYS:
        return round(node * factor, 1)
    return node


def _fit(spec: dict, meeting: bool) -> dict:
    """A single-view spec as wide as its container: Streamlit sets its width (width="stretch"), Vega fits
    axes and legends inside; the title wraps to the width; no English ARIA texts (`aria: false` hides
    marks and guides from screen readers, the `description` speaks for the chart)."""
    spec = _scaled(spec, MEETING_SCALE) if meeting else dict(spec)
    spec.pop("width", None)
    if HEIGHTS_KEY in spec.get("usermeta", {}):  # the page sets the element's height (ScreenChart.css)
        spec["height"] = "container"
        spec["autosize"] = {"type": "fit", "contains": "padding"}
    else:
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    config = dict(spec.get("config", {}))
    config["aria"] = False
    for part in ("mark", "title", "axis", "legend", "header"):
        config[part] = {**config.get(part, {}), "aria": False}
    spec["config"] = config
    meta = {k: v for k, v in spec.get("usermeta", {}).items() if k not in (TABLE_KEY, HEIGHTS_KEY)}
    title = spec.get("title")
    if title is not None:
        title = dict(title) if isinstance(title, dict) else {"text": title}
        meta[TITLE_KEY] = {k: title[k] for k in ("text", "subtitle") if k in title}
        size = config.get("title", {}).get("fontSize", 13)
        sub_size = config.get("title", {}).get("subtitleFontSize", 12)
        title["aria"] = False
        title["text"] = wrapped_text(title["text"], size, 10)
        if "subtitle" in title:
            title["subtitle"] = wrapped_text(title["subtitle"], sub_size, 10)
        spec["title"] = title
    if meta:
        spec["usermeta"] = meta
    else:
        spec.pop("usermeta", None)
    return spec


def _title_text(title: Any) -> tuple[str | None, str | None]:
    if title is None:
        return None, None
    if not isinstance(title, dict):
        title = {"text": title}

    def joined(value: Any) -> str | None:
        if value is None:
            return None
        return " ".join(value) if isinstance(value, list) else str(value)

    return joined(title.get("text")), joined(title.get("subtitle"))


def _panels(spec: dict) -> tuple[list[dict], int]:
    """A faceted spec as one single-view spec per panel, in the facet's order, with the panel's header
    as its title and only its rows as data; a shared y scale stays shared (a fixed domain)."""
    facet = spec["facet"]
    field = facet["field"]
    inner = spec["spec"]
    data_name = (inner.get("data") or spec.get("data") or {}).get("name")
    rows = spec["datasets"][data_name]
    values = list(dict.fromkeys(r[field] for r in rows))
    order = facet.get("sort")
    if isinstance(order, list):
        values = [v for v in order if v in values] + [v for v in values if v not in order]
    independent = spec.get("resolve", {}).get("scale", {}).get("y") == "independent"
    domain = None if independent else _shared_domain(inner, rows)
    panels = []
    for n, value in enumerate(values):
        panel = {k: v for k, v in inner.items() if k != "data"}
        panel_rows = [r for r in rows if r[field] == value]
        name = f"{data_name}-{n}"
        panel["data"] = {"name": name}
        panel["datasets"] = {name: panel_rows}
        panel["title"] = {"text": str(value).split("|"), "anchor": "start"}
        if domain is not None:
            panel = _with_y_domain(panel, domain)
        if n < len(values) - 1:
            panel = _without_legends(panel)
        for key in ("config", "$schema", "autosize", "usermeta"):
            if key in spec:
                panel[key] = spec[key]
        header = facet.get("header", {})
        if isinstance(header, dict) and "labelFontSize" in header:
            config = dict(panel.get("config", {}))
            config["title"] = {**config.get("title", {}), "fontSize": header["labelFontSize"]}
            panel["config"] = config
        panels.append(panel)
    return panels, int(spec.get("columns") or 1)


def _y_fields(unit: dict) -> list[str]:
    fields = []
    for sub in [unit, *unit.get("layer", [])]:
        y = sub.get("encoding", {}).get("y", {})
        if isinstance(y, dict) and y.get("type") == "quantitative" and "field" in y:
            fields.append(y["field"])
    return fields


def _shared_domain(inner: dict, rows: list[dict]) -> list[float] | None:
    values = [r[f] for f in _y_fields(inner) for r in rows if isinstance(r.get(f), (int, float))]
    if not values:
        return None
    low, high = min(0.0, min(values)), max(values)
    step = 10 ** np.floor(np.log10(high - low)) / 2 if high > low else 1.0
    return [float(low), float(np.ceil(high / step) * step)]


def _with_y_domain(panel: dict, domain: list[float]) -> dict:
    def unit(sub: dict) -> dict:
        y = sub.get("encoding", {}).get("y")
        if not (isinstance(y, dict) and y.get("type") == "quantitative"):
            return sub
        scale = {**y.get("scale", {}), "domain": domain, "nice": False}
        return {**sub, "encoding": {**sub["encoding"], "y": {**y, "scale": scale}}}

    return {**unit(panel), "layer": [unit(s) for s in panel["layer"]]} if "layer" in panel else unit(panel)


def _without_legends(node: Any) -> Any:
    """`node` with every legend turned off (the last panel of a faceted chart keeps them, once)."""
    if isinstance(node, list):
        return [_without_legends(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k == "datasets" else _without_legends(v)) for k, v in node.items()}
    encoding = out.get("encoding")
    if isinstance(encoding, dict):
        out["encoding"] = {
            c: {**e, "legend": None} if c in _LEGEND_CHANNELS and isinstance(e, dict) and "field" in e else e
            for c, e in encoding.items()
        }
    return out


_LEGEND_CHANNELS = ("color", "fill", "stroke", "strokeDash", "shape", "size", "opacity")


def screen(spec: dict, meeting: bool = False) -> ScreenChart:
    """What a page shows for a builder's spec (the fixed-size one the downloads use).

    The contract: every spec shown is a single view (unit or layer) drawn as wide as its container
    (Streamlit's width="stretch"; the spec's own width is dropped, autosize "fit-x"), so a mark that
    should follow the width must be an expression of Vega's `width` signal (or `containerSize()`),
    never a fixed number of pixels. A faceted spec becomes one spec per panel (Vega-Lite cannot size a
    facet to its container), which a page lays out in `columns` columns that stack on a phone. Titles
    wrap to the container's width; in meeting mode type, marks and heights are `MEETING_SCALE` larger.
    """
    table_meta = spec.get("usermeta", {}).get(TABLE_KEY)
    table = None if table_meta is None else pd.DataFrame(table_meta["rows"], columns=table_meta["columns"])
    description = str(spec.get("description", ""))
    if "facet" in spec:
        panels, columns = _panels(spec)
        title, subtitle = _title_text(spec.get("title"))
        fitted = tuple(
            _fit({**p, "description": f"{' '.join(p['title']['text'])}: {description}"}, meeting) for p in panels
        )
        return ScreenChart(fitted, columns, title, subtitle, description, table)
    heights = spec.get("usermeta", {}).get(HEIGHTS_KEY)
    if heights is None:
        return ScreenChart((_fit(spec, meeting),), 1, None, None, description, table)
    # A chart that takes its height from the screen: its title goes above it as the page's text (it wraps
    # there, and the whole height is the chart's).
    normal, phone = heights
    title, subtitle = _title_text(spec.get("title"))
    untitled = {k: v for k, v in spec.items() if k != "title"}
    heights = (round(normal * MEETING_SCALE) if meeting else normal, phone)
    return ScreenChart((_fit(untitled, meeting),), 1, title, subtitle, description, table, heights)
