"""The Landet page's charts: every municipality's share in a comparison category, and the home
municipality's rank year by year (`csr.national`).

Built with `csr.charts`' look: the Danish locale, the category colours, the neutral gray of the other
municipalities, the description and table that travel in the spec (`with_table`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from csr import text
from csr.charts import (
    NEUTRAL,
    SHARE_TITLE,
    TARGET_COLOUR,
    Chart,
    category_colours,
    colour_scale,
    provisional_layers,
    with_locale,
    with_provisional,
    with_table,
    year_axis,
)
from csr.config import Config
from csr.fmt import join
from csr.national import HOME, NEIGHBOUR, OTHER, ROLES, National

NEIGHBOUR_COLOUR = "#4D4D4D"  # the neighbours: dark gray bars with a triangle above, between the home colour and gray
DISTRIBUTION_WIDTH = 640
NATIONAL_AVERAGE = "Landsgennemsnit"


def distribution_frame(national: National, config: Config, year: int, group: str) -> pd.DataFrame:
    """The year's municipalities in one category, highest share first, with their place and share as text."""
    ranked = national.ranked(year, group)
    return ranked.assign(
        place=[f"{r}." for r in ranked["rank"]],
        label=[text.pct(v) for v in ranked["share"]],
        marked=ranked["role"] != OTHER,
    )


def distribution_chart(national: National, config: Config, year: int, group: str) -> Chart:
    """Every municipality's share in one comparison category in `year` as bars, highest first: the home
    municipality in its category's colour and named above its bar, the neighbours dark gray with a
    triangle above, the others light gray; the national average (pooled) as a dashed line."""
    frame = distribution_frame(national, config, year, group)
    f = national.figure(year, group)
    category = config.categories[group]
    x = alt.X(
        "municipality:N",
        sort=list(frame["municipality"]),
        title="Kommunerne, højeste andel først",
        axis=alt.Axis(labels=False, ticks=False),
    )
    y = alt.Y("share:Q", title=SHARE_TITLE, scale=alt.Scale(zero=True, nice=True), axis=alt.Axis(format=",.0f"))
    tooltip = [
        alt.Tooltip("municipality:N", title="Kommune"),
        alt.Tooltip("place:N", title="Placering"),
        alt.Tooltip("label:N", title="Andel af ansatte"),
        alt.Tooltip("role:N", title="Hvem"),
    ]
    colour = alt.Color(
        "role:N",
        title=None,
        scale=alt.Scale(domain=list(ROLES), range=[category_colours(config)[group], NEIGHBOUR_COLOUR, NEUTRAL]),
    )
    bars = alt.Chart(frame).mark_bar().encode(x=x, y=y, color=colour, tooltip=tooltip)
    marks = (
        alt.Chart(frame)
        .mark_point(shape="triangle-down", filled=True, size=60, dy=-10, color=NEIGHBOUR_COLOUR)
        .encode(x=x, y=y, tooltip=tooltip)
        .transform_filter(alt.datum.role == NEIGHBOUR)
    )
    home_name = (
        alt.Chart(frame)
        .mark_text(dy=-22, fontSize=13, fontWeight="bold", color="#222222")
        .encode(x=x, y=y, text=alt.Text("name:N"))
        .transform_filter(alt.datum.role == HOME)
        .transform_calculate(name="datum.municipality + ' nr. ' + datum.rank")
    )
    layers: list = [bars, marks, home_name]
    if f is not None and f.average is not None:
        rule_frame = pd.DataFrame({"average": [f.average], "label": [f"{NATIONAL_AVERAGE} {text.pct(f.average)}"]})
        rule = (
            alt.Chart(rule_frame)
            .mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2)
            .encode(y="average:Q", tooltip=[alt.Tooltip("label:N", title="Samlet gennemsnit")])
        )
        rule_text = (
            alt.Chart(rule_frame)
            .mark_text(align="right", dx=-4, dy=-8, fontSize=12, color=TARGET_COLOUR)
            .encode(y="average:Q", x=alt.value("width"), text="label:N")
        )
        layers += [rule, rule_text]
    n = len(frame)
    chart = alt.layer(*layers).properties(
        width=DISTRIBUTION_WIDTH,
        height=260,
        title=alt.Title(
            f"{category} {year}: andel af ansatte i landets {n} kommuner",
            subtitle=f"Farvet: {config.home_name}. Mørkegrå med trekant: omegnskommunerne. Stiplet linje: "
            "landsgennemsnittet (samlet).",
        ),
    )
    table = pd.DataFrame(
        {
            "Placering": list(frame["place"]),
            "Kommune": list(frame["municipality"]),
            SHARE_TITLE: list(frame["label"]),
            "Hvem": list(frame["role"]),
        }
    )
    if f is not None:
        rows = [
            ["", f"{NATIONAL_AVERAGE} (samlet)", text.pct(f.average), ""],
            ["", f"{NATIONAL_AVERAGE} (simpelt)", text.pct(f.mean), ""],
        ]
        table = pd.concat([table, pd.DataFrame(rows, columns=table.columns)], ignore_index=True)
    home = frame[frame["role"] == HOME]
    place = (
        f"{config.home_name} er nr. {int(home['rank'].iloc[0])} af {n} med {text.pct(float(home['share'].iloc[0]))}"
        if len(home)
        else f"{config.home_name} har ingen tal"
    )
    average = f", landsgennemsnittet (samlet) er {text.pct(f.average)}" if f is not None else ""
    description = (
        f"Søjlediagram: andel af ansatte i ordningerne under {category.lower()} for hver af landets {n} kommuner "
        f"i {year}, højeste først; {place}{average}."
    )
    return with_locale(with_table(chart, description, table))


def rank_trend_frame(national: National, years: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The home municipality's rank per comparison category and year, long, with "nr. 12 af 98" as text."""
    rows = [
        (config.categories[p.group], p.year, p.rank, p.of, f"nr. {p.rank} af {p.of}", text.pct(p.share))
        for p in national.trend()
    ]
    frame = pd.DataFrame(rows, columns=["category", "year", "rank", "of", "label", "share"])
    return with_provisional(frame, years, config)


def rank_trend_chart(national: National, years: pd.DataFrame, config: Config) -> Chart:
    """The home municipality's rank among the country's municipalities year by year, one line per
    category; the rank axis reversed, so up is better (nr. 1 at the top)."""
    frame = rank_trend_frame(national, years, config)
    categories = list(dict.fromkeys(frame["category"]))
    most = max([int(v) for v in frame["of"]] or [1])
    colour = alt.Color("category:N", title=None, scale=colour_scale(config), legend=alt.Legend(values=categories))
    dash = alt.StrokeDash(
        "category:N",
        title=None,
        scale=alt.Scale(domain=categories, range=[[1, 0], [6, 4], [2, 3]][: len(categories)] or [[1, 0]]),
        legend=None,
    )
    x = alt.X("year:O", axis=year_axis())
    y = alt.Y(
        "rank:Q",
        title="Placering (nr. 1 = højeste andel)",
        scale=alt.Scale(domain=[1, most], reverse=True, nice=False),
        axis=alt.Axis(format="d", values=sorted({1, *(v for v in range(10, most, 10) if most - v >= 5), most})),
    )
    tooltip = [
        alt.Tooltip("category:N", title="Gruppe"),
        alt.Tooltip("year:O", title="År"),
        alt.Tooltip("label:N", title="Placering"),
        alt.Tooltip("share:N", title="Andel af ansatte"),
        alt.Tooltip("basis:N", title="Tal"),
    ]
    line = alt.Chart().mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash)
    points, word = provisional_layers(x, y, colour, tooltip, size=55)
    chart = alt.layer(line, points, word, data=frame).properties(
        width=560,
        height=260,
        title=alt.Title(
            f"{config.home_name}s placering blandt landets kommuner år for år",
            subtitle="Nr. 1 har den højeste andel: jo højere oppe, jo bedre. Hule punkter: foreløbige tal.",
        ),
    )
    table = pd.DataFrame(
        {
            "Gruppe": list(frame["category"]),
            "År": [text.year_label(int(y), bool(p)) for y, p in zip(frame["year"], frame["provisional"], strict=True)],
            "Placering": list(frame["label"]),
            "Andel af ansatte": list(frame["share"]),
        }
    )
    span = sorted({int(y) for y in frame["year"]})
    when = f" {span[0]}–{span[-1]}" if span else ""
    description = (
        f"Linjediagram: {config.home_name}s placering blandt landets kommuner år for år{when} "
        f"for {join([c.lower() for c in categories]) or 'ingen grupper'}; nr. 1 øverst."
    )
    return with_locale(with_table(chart, description, table))
