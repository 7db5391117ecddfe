"""Overblik: the targets of one year as cards, the CSR-mærke, and Figure 1 of the strategy."""

import streamlit as st

from csr import charts, text
from csr.config import default_config
from ui import frame, widgets
from ui.data import load_figures

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
for note in texts["notes"]:
    st.info(note, icon=":material/info:")

st.subheader("CSR-mærket")
st.markdown(texts["csr"])

st.subheader(f"Målene i {year}")
widgets.target_cards(texts["cards"], meeting)

st.subheader("Figur 1")
widgets.chart(
    "figur1", dataset, (year,), lambda: charts.figure1_donut(figures.years, config, year), texts["figure1"], meeting
)
st.markdown(texts["missing"])
