"""Rapport: the CSR section of the HR account for one year, as PDF and Excel (`csr.export`).

The files are made when a button is clicked (Streamlit calls `data` then, in a worker thread). The
charts are rendered once per data version and year and shared by both files; the files themselves are
kept per data version, year and scenario, so a second click costs nothing. A chart that cannot be drawn
(`csr.drawing.DrawError`) leaves the file without it, with the Danish sentence in its place, and the page
says so from its next run on; it is tried again on the next click.
"""

import dataclasses
from collections.abc import Callable

import streamlit as st

from csr import audit as events
from csr import export, text
from csr.auth import Permission
from csr.model import InputError
from csr.store import StoreError
from ui import auth, data, frame, widgets
from ui.data import load_figures
from ui.safe import md_escape
from ui.settings import config_in_force

SCENARIO_KEY = "report_scenario"
NO_SCENARIO = ""
_FILES = "_report_files"  # session: rendered charts and files, keyed by data version, year (and scenario)

export.warm_up_in_background()  # the chart engine starts now, not when the button is clicked
config = config_in_force()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures

st.title("Rapport til HR-regnskabet")
st.markdown(
    "Strategien evalueres hvert år i HR-regnskabet. Her laves CSR-afsnittet for et år: en PDF med "
    "sætningerne, figurerne, tabellerne og metoden, og en Excel-fil med de samme tabeller og figurer."
)

provisional = set(figures.provisional_years(config))
year = widgets.year_select(dataset, config)  # the app's one year (`?år=`), shared with the other pages

try:
    saved = list(data.store().scenarios()["name"])
except StoreError as exc:
    saved = []
    st.warning(md_escape(f"De gemte scenarier kan ikke læses: {exc}"), icon=":material/warning:")
if st.session_state.get(SCENARIO_KEY) not in (NO_SCENARIO, *saved):
    st.session_state[SCENARIO_KEY] = NO_SCENARIO
name = st.selectbox(
    "Scenarie fra planlægningen som udsigt (valgfrit)",
    [NO_SCENARIO, *saved],
    key=SCENARIO_KEY,
    format_func=lambda n: n or "Intet scenarie",
    width=420,
    help="Et gemt scenarie tilføjes som et afsnit om, hvad målene ville vise med planen.",
)

scenario, outdated = None, False
if name:
    try:
        scenario, outdated = export.saved_scenario(data.store(), name)
        ahead = export.outlook(figures, config, scenario, name, outdated)
        st.info(md_escape(ahead.sentence + "".join(f" {n}" for n in ahead.notes)), icon=":material/insights:")
    except (StoreError, InputError) as exc:
        st.error(md_escape(f"Scenariet «{name}» kan ikke bruges: {exc}"), icon="⚠️")
        scenario = None

version = dataset.key.rsplit(":", 1)[0]  # the store's version or the files' digest, without the method
provenance = export.Provenance(
    version,
    export.FILES if dataset.sample else export.STORE,
    tuple(dataset.sheets),
    dataset.sample,
    as_of=dataset.as_of,
)
files = st.session_state.setdefault(_FILES, {})
_failed_key = ("failed", dataset.key, year)  # the sentences of the charts the last file was made without


def _maker(fmt: str) -> Callable[[], bytes]:
    """The file's bytes, made on click; runs outside the script, so it touches only what it is given."""
    plan = "" if scenario is None else f"{name}:{sorted(scenario.to_dict().items())!r}"
    key = (dataset.key, year, plan, fmt)
    images_key = (dataset.key, year)

    def make() -> bytes:
        if key in files:
            return files[key]
        pack = export.build_pack(
            figures, config, year, provenance, scenario=scenario, scenario_name=name, scenario_outdated=outdated
        )
        failures: dict[str, str] = {}
        images = files.get(images_key) or export.chart_images(pack.charts, failures=failures)
        files[_failed_key] = list(failures.values())
        if failures:  # the file without those charts, the sentence in their place; not kept, so tried again
            return export.render(dataclasses.replace(pack, chart_notes={**pack.chart_notes, **failures}), fmt, images)
        files[images_key] = images
        if len(files) > 12:  # a few years and formats; the newest are kept
            for old in [k for k in files if k not in (key, images_key, _failed_key)][:6]:
                files.pop(old, None)
        files[key] = export.render(pack, fmt, images)
        return files[key]

    return make


stem = f"csr-hr-regnskab-{year}" + ("-foreløbig" if year in provisional else "")


def _download_buttons() -> None:
    """The PDF and the Excel file (not in meeting mode, which has no buttons)."""
    with st.container(horizontal=True, key="report_downloads"):
        st.download_button(
            "PDF til HR-regnskabet",
            data=auth.audited(_maker("pdf"), events.EXPORT, f"{stem}.pdf"),
            file_name=f"{stem}.pdf",
            mime=export.MIME["pdf"],
            key="report_pdf",
            on_click="ignore",
            type="primary",
            icon=":material/picture_as_pdf:",
            help="A4 på dansk med figurer, tabeller og metode",
        )
        st.download_button(
            "Excel med tabellerne",
            data=auth.audited(_maker("xlsx"), events.EXPORT, f"{stem}.xlsx"),
            file_name=f"{stem}.xlsx",
            mime=export.MIME["xlsx"],
            key="report_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
            help="Et ark pr. tabel, tallene som tal, figurerne som billeder",
        )


if not meeting and auth.may(Permission.EXPORT_REPORT):  # the page is hr's already; asked again here
    _download_buttons()
if files.get(_failed_key):  # csr.drawing's own sentences, naming the report's charts: no text from a file
    st.warning(
        " ".join(files[_failed_key])
        + " Den seneste fil blev lavet uden "
        + ("den." if len(files[_failed_key]) == 1 else "dem."),
        icon=":material/error:",
    )
st.caption(
    f"Tallene bygger på {'de medfølgende eksempelfiler' if dataset.sample else 'de indlæste data'}: "
    f"{provenance.version_text()}."
)

texts = widgets.memo(
    "rapport",
    dataset.key,
    (year,),
    lambda: {
        "notes": [
            n
            for n in (text.period_sentence(config, year), text.provisional_sentence(figures.annual, config, year))
            if n
        ],
        "summary": [
            text.csr_mark_sentence(figures.targets, config, year),
            text.targets_met_sentence(figures.targets, year, year in provisional),
        ],
        "targets": [
            (t.name, t.met, text.target_sentence(figures, config, year, t.id)) for t in figures.targets_in(year)
        ],
    },
)
st.header(f"Det skriver rapporten om {text.year_label(year, year in provisional)}")
for note in texts["notes"]:
    st.info(md_escape(note), icon=":material/info:")
st.markdown(" ".join(md_escape(s) for s in texts["summary"]))  # the organisation's and targets' names: from a file
for target_name, met, sentence in texts["targets"]:
    with st.container(border=True):
        st.markdown(f"**{md_escape(target_name)}** · {widgets.status_markdown(met)}")
        st.markdown(md_escape(sentence))
