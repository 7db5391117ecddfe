"""Landet: the home municipality among every municipality with data, per comparison category (csr.national)."""

import streamlit as st

from csr import charts_national, text_national
from csr.charts import Chart
from csr.national import national_ranking
from csr.shares import comparison_groups
from ui import frame, widgets
from ui.data import load_figures
from ui.safe import md_escape
from ui.settings import config_in_force

config = config_in_force()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures
year = widgets.year_select(dataset, config)
groups = comparison_groups(config)

st.title("Landet")
national = widgets.memo("landet", dataset.key, (), lambda: national_ranking(figures.shares, config))


def _texts() -> dict:
    out: dict = {}
    for g in groups:
        f = national.figure(year, g)
        if f is None:
            continue
        ranked = national.ranked(year, g)
        tied = 0 if f.home is None else int((ranked["rank"] == f.home.rank).sum()) - 1
        out[g] = {
            "rank": text_national.rank_sentence(f, config, tied),
            "averages": text_national.averages_sentence(f),
            "neighbours": text_national.neighbours_sentence(f),
        }
    out["trend"] = text_national.trend_sentence(national, config)
    return out


def _ranking() -> None:
    """The page with national data for the year (the frame goes on after it: no st.stop here)."""
    texts = widgets.memo("landet_texts", dataset.key, (year,), _texts)
    st.markdown(
        md_escape(
            f"{config.home_name} blandt landets {national.counts[year]} kommuner med tal i {year}, i de samme ordninger "
            "som sammenligningen med omegnskommunerne (uden STU og Beredskab). Nr. 1 har den højeste andel af ansatte."
            + (
                f" {config.home_name}s tal for {year} er foreløbige."
                if year in figures.provisional_years(config)
                else ""
            )
        )
    )

    for group in groups:
        if group not in texts:
            continue

        def _distribution(g: str = group) -> Chart:
            return charts_national.distribution_chart(national, config, year, g)

        st.header(md_escape(config.categories[group]))
        st.markdown(f"**{md_escape(texts[group]['rank'])}**")
        widgets.chart(f"landet_{group}", dataset, (year,), _distribution, texts[group]["averages"], meeting)
        st.markdown(md_escape(texts[group]["neighbours"]))

    st.header("År for år")
    widgets.chart(
        "landet_udvikling",
        dataset,
        (),
        lambda: charts_national.rank_trend_chart(national, figures.years, config),
        texts["trend"],
        meeting,
    )


if not national.available:
    st.info(text_national.no_national_data_sentence(config), icon=":material/info:")
elif year not in national.counts:
    st.info(text_national.no_year_sentence(config, year, national.years), icon=":material/info:")
else:
    _ranking()
