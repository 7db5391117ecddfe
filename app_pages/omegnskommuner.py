"""Omegnskommuner: the home municipality against its neighbours, per comparison group."""

import streamlit as st

from csr import charts, text
from csr.config import NEIGHBOUR_METHODS
from csr.shares import comparison_groups
from ui import frame, widgets
from ui.data import load_figures
from ui.safe import md_escape
from ui.settings import config_in_force

config = config_in_force()
meeting = frame.meeting_mode()
groups = comparison_groups(config)

st.title("Omegnskommuner")
method = st.radio(
    "Omegnskommunernes gennemsnit",
    NEIGHBOUR_METHODS,
    key="neighbour_method",
    horizontal=True,
    index=NEIGHBOUR_METHODS.index(config.neighbour_method),
    persist_state="session",
    format_func=lambda m: text.method_name(m).capitalize(),
)
dataset = load_figures(method)
figures = dataset.figures
year = widgets.year_select(dataset, config)


def _texts() -> dict:
    ranks = {g: charts.neighbour_ranking_frame(figures.shares, config, year, g) for g in groups}
    return {
        "method": text.method_sentence(method, len(config.neighbours))
        + " "
        + text.missing_neighbours_sentence(figures.neighbours, config, year),
        "left_out": text.left_out_sentence(config),
        "ranking": {
            g: text.neighbour_caption(
                figures.neighbours,
                config,
                year,
                g,
                int(r.loc[r["home"], "rank"].iloc[0]) if r["home"].any() else None,
                len(r),
            )
            for g, r in ranks.items()
        },
        "trend": text.neighbour_trend_caption(figures.neighbours, config),
        "tables": {
            g: charts.neighbour_scheme_columns(charts.neighbour_scheme_table(figures.shares, config, year, g, method))
            for g in groups
        },
    }


def _pct(value: float | None) -> str:
    """A share as the table shows it: "10,2 %" that never breaks before its "%"."""
    return text.unbroken(text.pct(value))


texts = widgets.memo("omegnskommuner", dataset.key, (year,), _texts)
st.markdown(md_escape(texts["method"]))  # municipality and scheme names: from the strategy file
st.info(md_escape(texts["left_out"]), icon=":material/info:")

for group in groups:

    def _ranking(g: str = group) -> charts.Chart:
        return charts.neighbour_ranking_chart(figures.shares, figures.neighbours, config, year, g)

    st.header(md_escape(config.categories[group]))
    widgets.chart(
        f"omegn_{group}",
        dataset,
        (year,),
        _ranking,
        texts["ranking"][group],
        meeting,
    )

st.header("År for år")
widgets.chart(
    "omegn_udvikling",
    dataset,
    (),
    lambda: charts.neighbour_trend_chart(figures.neighbours, figures.years, config),
    texts["trend"],
    meeting,
)

st.header(f"Ordning for ordning {year}")
for group, table in texts["tables"].items():
    st.markdown(f"**{md_escape(config.categories[group])}**: andel af ansatte i procent")
    widgets.table(
        f"omegn_{group}_{year}",
        dataset,
        table,
        {c: _pct for c in table.columns[1:]},
        meeting,
        {c: "0.00" for c in table.columns[1:]},
        wrap=f"{config.categories[group]} {year}: andel af ansatte i procent",
    )
