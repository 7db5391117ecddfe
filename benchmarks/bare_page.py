"""The baseline of bench_against_bare.py: a bare Streamlit page with one Altair chart, timed as app.py
times itself (`_rerun_seconds`, from the first line of the script to the last). With BARE_NO_DELAY=1 its
server's sockets get TCP_NODELAY as the app's do (ui/tcp.py), so that a first load's comparison can leave
that out."""

import os
import time

import altair as alt
import pandas as pd
import streamlit as st

started = time.perf_counter()
if os.environ.get("BARE_NO_DELAY") == "1":
    from ui import tcp

    tcp.no_delay()
st.title("Bar side")
frame = pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023, 2024], "share": [10.2, 10.5, 9.8, 10.1, 10.4, 10.9]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="year:O", y="share:Q"))
st.session_state["_rerun_seconds"] = time.perf_counter() - started
