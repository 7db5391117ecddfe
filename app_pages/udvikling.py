"""Udvikling: the shares year by year against the targets as they were, then each scheme."""

import streamlit as st

from csr import charts, text
from ui import frame, widgets
from ui.data import load_figures
from ui.safe import md_escape
from ui.settings import config_in_force

MEASURES = {"share": "Andel af ansatte", "persons": "Antal personer"}

config = config_in_force()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures

st.title("Udvikling")
latest = widgets.memo("udvikling_latest", dataset.key, (), lambda: figures.latest_complete_year(config))


def _trends(shown: int) -> None:
    """The page for data whose latest complete year is `shown`, which the captions describe. Without such
    a year the page says so and ends there, without st.stop: the frame draws its page links after it."""
    texts = widgets.memo(
        "udvikling",
        dataset.key,
        (),
        lambda: {
            "trend": text.trend_caption(figures.targets, config, figures.provisional_years(config)),
            "missing": text.missing_schemes_sentence(figures.years, config, shown),
            **{m: text.scheme_trend_caption(figures.shares, config, m, shown) for m in MEASURES},
        },
    )
    widgets.chart(
        "udvikling",
        dataset,
        (),
        lambda: charts.trend_chart(figures.targets, figures.years, config),
        texts["trend"],
        meeting,
    )

    st.header("Ordningerne hver for sig")
    measure = st.radio(
        "Vis", list(MEASURES), format_func=MEASURES.get, key="trend_measure", horizontal=True, persist_state="session"
    )
    widgets.chart(
        "ordninger",
        dataset,
        (measure,),
        lambda: charts.scheme_trend_chart(figures.shares, config, measure),
        texts[measure],
        meeting,
    )
    st.markdown(md_escape(texts["missing"]))


if latest is None:  # a store without any complete year of the home municipality
    st.info(f"Der er ingen år med tal for {config.organisation} endnu.")
else:
    _trends(latest)
