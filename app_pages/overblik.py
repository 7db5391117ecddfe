"""Overblik: the year's answer in one sentence, the targets as cards (unmet first) beside Figure 1 of the
strategy, and the CSR-mærke. The headline, the unmet cards and Figure 1 fit the first screen of a laptop
(1400×900), of a projector in meeting mode (1920×1080) and of a phone (390×844); on paper one A4 page."""

import streamlit as st

from csr import charts, text
from ui import frame, widgets
from ui.data import load_figures
from ui.print_css import PRINT_CSS
from ui.safe import md_escape
from ui.settings import config_in_force

PAGE_CSS = """<style>
.st-key-title_row { align-items: flex-end; gap: 0.5rem 2rem; }
.st-key-title_row h1 { padding: 0; }
.st-key-headline h2 { font-size: 1.6rem; line-height: 1.3; padding: 0; }
.st-key-overview h3 { padding: 0.25rem 0 0 0; }
@media (max-width: 640px) {
  /* A phone: the answer, Figure 1 and the unmet cards first; the section titles stay for screen readers. */
  [data-testid="stMainBlockContainer"] { padding-top: 2rem !important; }
  .st-key-eksempeldata [data-testid="stAlert"] p { font-size: 0.85rem; line-height: 1.35; }
  .st-key-title_row h1 { font-size: 1.5rem; }
  .st-key-chart_figur1 [data-testid="stMarkdownContainer"] p { font-size: 0.9rem; line-height: 1.35; }
  .st-key-headline h2 { font-size: 1.2rem; }
  .st-key-title_row .st-key-year_here [data-testid="stWidgetLabel"] {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .st-key-title_row .st-key-year_here { width: 9.5rem !important; }
  /* the two columns give their parts to one list: the unmet cards, Figure 1, the other cards, the rest */
  .st-key-overview > div > [data-testid="stHorizontalBlock"] { flex-direction: column; flex-wrap: nowrap; gap: 0.75rem; }
  .st-key-overview > div > div > [data-testid="stColumn"],
  .st-key-overview > div > div > [data-testid="stColumn"] > [data-testid="stVerticalBlock"] { display: contents; }
  .st-key-overview > div > div > div > div > * { order: 4; width: 100%; }
  .st-key-overview > div > div > div > div > :has(> .st-key-cards_unmet) { order: 1; }
  .st-key-overview > div > div > div > div > :has(> .st-key-chart_figur1) { order: 2; }
  .st-key-overview > div > div > div > div > :has(> .st-key-cards_met) { order: 3; }
}
</style>"""
# Normal mode: the page as wide as the window (less the sidebar) and less space above the title, so the
# cards and Figure 1 fit side by side in the first screen of a laptop.
WIDE_CSS = '<style>[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 2.5rem 2rem 6rem 2rem; }</style>'

config = config_in_force()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures

st.html(PAGE_CSS + ("" if meeting else WIDE_CSS) + PRINT_CSS)
with st.container(horizontal=True, key="title_row"):
    st.title("Overblik", anchor=False, width="content")
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
        "details": {
            t.id: text.target_scheme_lines(figures.shares, figures.targets, config, year, t.id)
            for t in figures.targets_in(year)
        },
        "figure1": text.figure1_caption(figures.years, config, year),
        "scope": text.figure1_scope_sentence(figures.years, figures.targets, config, year),
        "missing": text.missing_schemes_sentence(figures.years, config, year),
        "terms": text.terms_explained(config, len(config.neighbours)),
    },
)
# The answer first, then the targets (unmet first) beside Figure 1: the page is as wide as the window,
# so both columns fit side by side on a laptop; on a phone Figure 1 comes before the cards.
with st.container(key="headline"):
    st.header(md_escape(texts["headline"]), anchor=False)
for note in texts["notes"]:
    st.info(md_escape(note), icon=":material/info:")

with st.container(key="overview"):
    cards_column, figure_column = st.columns([9, 11], gap="medium")
    with cards_column:
        st.subheader(f"Målene i {year}", anchor=False)
        widgets.target_cards(texts["cards"], details=texts["details"], meeting=meeting)
        with st.expander("Hvad betyder tallene?", key="terms"):
            st.markdown("\n".join(f"- **{md_escape(term)}**: {md_escape(words)}" for term, words in texts["terms"]))
    with figure_column:  # the chart's title (the strategy's caption of Figure 1) heads the column
        widgets.chart(
            "figur1",
            dataset,
            (year,),
            lambda: charts.figure1_donut(figures.years, config, year),
            texts["figure1"],
            meeting,
            label="Figur 1",
        )
        st.markdown(" ".join(md_escape(s) for s in (texts["scope"], texts["missing"]) if s))

st.subheader("CSR-mærket", anchor=False)
st.markdown(md_escape(texts["csr"]))  # names the organisation: text from a file
