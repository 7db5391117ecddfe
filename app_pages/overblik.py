"""Overblik: the year's answer in one sentence, the targets as cards (unmet first) beside Figure 1 of the
strategy, and the CSR-mærke."""

import streamlit as st

from csr import charts, text
from csr.config import default_config
from ui import frame, widgets
from ui.data import load_figures
from ui.safe import md_escape

PAGE_CSS = "<style>.st-key-headline h2 { font-size: 1.75rem; line-height: 1.3; padding-top: 0.25rem; }</style>"
# Normal mode: the page as wide as the window (less the sidebar) and less space above the title, so the
# cards and Figure 1 fit side by side in the first screen of a laptop.
WIDE_CSS = '<style>[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3rem 2rem 6rem 2rem; }</style>'
# Meeting mode: Figure 1 grows less than the other charts, so the donut stays in the first screen beside the cards.
MEETING_CSS = '<style>.st-key-chart_figur1 [data-testid="stVegaLiteChart"] { zoom: 1.2; }</style>'

config = default_config()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures

st.title("Overblik")
year = widgets.year_select(dataset, config)
texts = widgets.memo(
    "overblik",
    dataset.key,
    (year,),
    lambda: {
        "headline": text.headline_sentence(
            figures.targets_in(year), config, year, year in figures.provisional_years(config)
        ),
        "notes": [
            n
            for n in (text.period_sentence(config, year), text.provisional_sentence(figures.annual, config, year))
            if n
        ],
        "csr": text.csr_mark_sentence(figures.targets, config, year),
        "cards": text.target_cards(figures.targets, year),
        "figure1": text.figure1_caption(figures.years, config, year),
        "missing": text.missing_schemes_sentence(figures.years, config, year),
    },
)
# The answer first, then the targets (unmet first) beside Figure 1: the page is as wide as the window,
# so both columns fit side by side on a laptop; on a phone the columns stack.
st.html(PAGE_CSS + (MEETING_CSS if meeting else WIDE_CSS))
with st.container(key="headline"):
    st.header(md_escape(texts["headline"]), anchor=False)
for note in texts["notes"]:
    st.info(note, icon=":material/info:")

cards_column, figure_column = st.columns([9, 11], gap="medium")
with cards_column:
    st.subheader(f"Målene i {year}")
    widgets.target_cards(texts["cards"])
with figure_column:
    st.subheader("Figur 1")
    widgets.chart(
        "figur1", dataset, (year,), lambda: charts.figure1_donut(figures.years, config, year), texts["figure1"], meeting
    )
    st.markdown(texts["missing"])

st.subheader("CSR-mærket")
st.markdown(texts["csr"])
