"""Praktikpladser: agreed against realised places per education, and the target's status."""

import streamlit as st

from csr import charts, text
from csr.shares import placement_status
from ui import frame, widgets
from ui.data import load_figures
from ui.safe import md_escape
from ui.settings import config_in_force

HEADERS = {
    "education": "Uddannelse",
    "agreed": "Aftalt",
    "realised": "Besat",
    "short": "Mangler",
    "met": "Status",
}

config = config_in_force()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures

st.title("Praktikpladser")
year = widgets.year_select(dataset, config)


def _texts() -> dict:
    status = placement_status(figures.placements, year)
    target = next((t for t in figures.targets_in(year) if t.places), None)
    return {
        "target": None if target is None else (target.met, target.name),
        "caption": text.placement_caption(status, year),
        "table": None
        if status.empty
        else status.drop(columns=["fulfilment"])
        .assign(met=[text.status_word(bool(m)) for m in status["met"]])
        .rename(columns=HEADERS),
        "provisional": figures.provisional_years(config),
        "years": text.placement_years_caption(charts.placement_years_frame(figures.placements)),
    }


texts = widgets.memo("praktikpladser", dataset.key, (year,), _texts)
if texts["target"]:
    met, name = texts["target"]
    st.header(f"{widgets.status_markdown(met)} · {md_escape(name)}")

if texts["table"] is None:
    st.info(md_escape(texts["caption"]), icon=":material/info:")  # educations are named as in the files
else:
    widgets.chart(
        "praktikpladser",
        dataset,
        (year,),
        lambda: charts.placement_bullets(figures.placements, year),
        texts["caption"],
        meeting,
    )
    widgets.table(
        f"praktikpladser_{year}",
        dataset,
        texts["table"],
        {"Aftalt": text.count, "Besat": text.count, "Mangler": text.count},
        meeting,
        {"Mangler": "0"},
        wrap=f"Praktik- og elevpladser {year} pr. uddannelse",  # names wrap instead of being cut
    )

if not figures.placements.empty:
    st.header("År for år")
    provisional = texts["provisional"]  # the builder's key holds what it reads: a tuple, not all the texts
    widgets.chart(
        "praktikpladser_aar",
        dataset,
        (),
        lambda: charts.placement_years_chart(figures.placements, provisional),
        texts["years"],
        meeting,
    )
