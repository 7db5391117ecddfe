"""What the pages share: the year selector, the target cards, a chart with its sentence and
downloads, and a table with its download."""

from __future__ import annotations

import contextlib
import dataclasses
import dis
import functools
import hashlib
import html
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from types import CellType, CodeType, FunctionType, ModuleType
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from csr import charts, text
from csr.config import Config
from csr.national import National
from csr.shares import Figures
from ui import downloads
from ui.data import Dataset
from ui.frame import CAPTION_COLOUR, meeting_mode
from ui.safe import md_escape

YEAR_KEY = "year"
YEAR_PARAM = "år"  # the year in the address: ?år=2021 (sent as %C3%A5r)
YEAR_PARAM_ALIASES = (YEAR_PARAM, "aar")  # "aar" for links typed without å
_YEAR_URL_SEEN = "_year_in_address"  # the address's year as last read or written
_YEAR_SLOT = "_year_slot"  # where the frame wants the selector drawn this run (first in the tab order)
# On a phone the sidebar, with the frame's selector, is behind a button: the page shows the year itself there,
# a selector that writes the one year (`year`, `?år=`) and is hidden on wider screens (ui.frame.BASE_CSS).
PHONE_YEAR_KEY = "year_here"


def _year_options(figures: Figures, config: Config) -> tuple[list[int], set[int], int | None]:
    return figures.home_years(config), set(figures.provisional_years(config)), figures.latest_complete_year(config)


def address_year() -> str | None:
    """The year as the address gives it (`?år=`, or `?aar=`), unchecked."""
    for param in YEAR_PARAM_ALIASES:
        value = st.query_params.get(param)
        if value is not None:
            return value
    return None


def parse_year(value: str | None, years: list[int]) -> int | None:
    """`value` as one of `years`, or None if it is none of them."""
    try:
        year = int(str(value).strip())
    except ValueError:
        return None
    return year if year in years else None


def shared_year(years: list[int], default: int | None) -> int | None:
    """The one year of every page, kept in session state (key `year`) and in the address (`?år=`).

    A year the address brings (an opened link, the back button) wins over the one chosen before; otherwise
    the chosen year stays, also on pages without the selector. A year not in `years` falls back to
    `default`, and the address is corrected to the year shown, so a copied link opens the same view.
    """
    raw = address_year()
    from_address = parse_year(raw, years)
    current = st.session_state.get(YEAR_KEY)
    if raw != st.session_state.get(_YEAR_URL_SEEN) and from_address is not None:
        current = from_address
    elif current not in years:  # the selector's state is gone after a page without it
        current = from_address if from_address is not None else default
    aliases = [p for p in YEAR_PARAM_ALIASES[1:] if p in st.query_params]
    if current is not None and (aliases or st.query_params.get(YEAR_PARAM) != str(current)):
        for param in aliases:  # the address names the year one way: ?år=
            del st.query_params[param]
        st.query_params[YEAR_PARAM] = str(current)
    st.session_state[_YEAR_URL_SEEN] = address_year()
    return current


def year_slot(slot: DeltaGenerator | None) -> None:
    """Where `year_select` draws the selector during this run (the frame's place for it; None: in the page)."""
    st.session_state[_YEAR_SLOT] = slot


def link_year() -> int | None:
    """The year the page links carry: the one shown, or on a page without the selector the one kept."""
    current = st.session_state.get(YEAR_KEY)
    if isinstance(current, int):
        return current
    raw = address_year()
    return int(raw) if raw is not None and raw.isdigit() and len(raw) == 4 else None


def year_select(dataset: Dataset, config: Config, label: str = "År") -> int:
    """The year selector shared by the pages (key `year`, in the address as `?år=`); default the latest
    complete year, provisional years selectable and marked "foreløbig". Drawn where the frame put its place
    (`year_slot`), so it comes before the page's own content in the tab order."""
    years, provisional, latest = memo("years", dataset.key, (), lambda: _year_options(dataset.figures, config))
    # Re-assigning the value carries the choice over to the selector on another page.
    # Only when every year is provisional is the default one of them (there is nothing else to show).
    default = latest if latest is not None else (years[-1] if years else None)
    st.session_state[YEAR_KEY] = shared_year(years, default)
    slot = st.session_state.get(_YEAR_SLOT)

    def shown(y: int) -> str:
        return text.year_label(y, y in provisional)

    with slot if isinstance(slot, DeltaGenerator) else contextlib.nullcontext():
        year = st.selectbox(label, years, key=YEAR_KEY, format_func=shown, width=220)
    if isinstance(slot, DeltaGenerator) and not meeting_mode():  # the frame's selector is in the sidebar
        st.session_state[PHONE_YEAR_KEY] = year  # it shows the one year, and a choice here is that year
        with st.container(key="year_here_box", width="content"):
            st.selectbox(label, years, key=PHONE_YEAR_KEY, format_func=shown, width=220, on_change=_chosen_here)
    return year


def _chosen_here() -> None:
    st.session_state[YEAR_KEY] = st.session_state[PHONE_YEAR_KEY]


@functools.lru_cache(maxsize=1024)  # a page's code objects are the same on every rerun (Streamlit compiles once)
def _code_fingerprint(code: CodeType) -> str:
    """What a builder's code does (not where it lives in memory), so an edited page never gets a
    value that the old code cached."""
    parts = [code.co_code, code.co_names]
    parts += [_code_fingerprint(c) if isinstance(c, CodeType) else repr(c) for c in code.co_consts]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


_GLOBAL_LOADS = {"LOAD_GLOBAL", "LOAD_NAME"}


@functools.lru_cache(maxsize=1024)
def _global_names(code: CodeType) -> frozenset[str]:
    """The module-level names a builder (and the comprehensions and functions inside it) reads."""
    names = {i.argval for i in dis.get_instructions(code) if i.opname in _GLOBAL_LOADS}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _global_names(const)
    return frozenset(names)


def _is_keyed_elsewhere(value: object) -> bool:
    """Values the key need not hold: code (modules, functions, classes), the dataset, its figures and its
    national ranking (memoised on the dataset's key: Landet), which `data_key` names, and the configuration in
    force, which the dataset's key covers too (the settings' key is in it, and a save moves the store's version
    on). Without `National` here every rerun of Landet hashed the whole ranking in `st.cache_data`."""
    return isinstance(value, (ModuleType, type, Dataset, Figures, National, Config)) or callable(value)


def _filled(cell: CellType) -> bool:
    """A closure variable that has a value (one assigned later in the enclosing function has none yet)."""
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def _captured(build: Callable[..., Any], seen: set[int] | None = None) -> tuple[tuple[str, object], ...]:
    """Everything a builder reads besides its code and the dataset: its default arguments, the variables
    of its closure and the page's module-level variables it uses (such as the selected `year`), also
    through the page's own functions it calls."""
    seen = set() if seen is None else seen
    seen.add(id(build))
    values: list[tuple[str, object]] = [(f"default {i}", v) for i, v in enumerate(build.__defaults__ or ())]
    cells = zip(build.__code__.co_freevars, build.__closure__ or (), strict=True)
    values += [(n, c.cell_contents) for n, c in cells if _filled(c)]
    module = getattr(build, "__globals__", {})
    values += [(n, module[n]) for n in sorted(_global_names(build.__code__)) if n in module]
    out: list[tuple[str, object]] = []
    for name, value in values:
        if isinstance(value, FunctionType) and value.__globals__ is module and id(value) not in seen:
            out += [(f"{name}.{n}", v) for n, v in _captured(value, seen)]  # a helper of the same page
        elif not _is_keyed_elsewhere(value):
            out.append((name, value))
    return tuple(out)


def _fingerprint(build: Callable[..., Any]) -> tuple[str, tuple[tuple[str, object], ...]]:
    """The builder's part of a cache key: its code and every value it captures (`_captured`), so that
    a variable left out of `params` cannot give a value cached for another."""
    return _code_fingerprint(build.__code__), _captured(build)


_SESSION_KEPT = "_widgets_kept"  # session: plain key -> a value of the caches below, as this session last got it
_KEPT_MAX = 256
_PLAIN = (str, int, float, bool, bytes, type(None))


def _plain(value: object) -> object:
    """`value` as a hashable key made of plain values only (tuples, strings, numbers, each with its type, so
    that True, 1 and 1.0 stay apart), or raise TypeError: a key compared by content, never by identity."""
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return (type(value).__name__, value.item())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_plain(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_plain(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(_plain(v) for v in value))
    raise TypeError(f"not a plain key: {type(value).__name__}")


def _kept(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` (a lookup in one of Streamlit's caches) once per session and key: a rerun then neither
    hashes the arguments again nor unpickles the value. Only for keys of plain values (`_plain`); any
    other key, and outside a script run, goes to `compute` every time. Values are shared within the
    session, as the cached figures are (`ui.data`): nothing changes them."""
    if get_script_run_ctx() is None:
        return compute()
    try:
        plain = _plain(key)
    except TypeError:
        return compute()
    kept = st.session_state.setdefault(_SESSION_KEPT, {})
    if plain in kept:
        return kept[plain]
    if len(kept) >= _KEPT_MAX:
        kept.clear()
    kept[plain] = value = compute()
    return value


@st.cache_data(max_entries=256, show_spinner=False)
def _memo(name: str, data_key: str, params: tuple, code: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def memo(name: str, data_key: str, params: tuple, build: Callable[[], Any]) -> Any:
    """Anything a page derives from the figures, cached per dataset (`data_key`) and parameters.

    The key is complete whatever `params` says: it holds the builder's code and the values it captures
    (closure, defaults and the page's variables; `_captured`); the dataset and its figures are named by
    `data_key`, and the configuration is one per process."""
    code = _fingerprint(build)
    return _kept(("memo", name, data_key, params, code), lambda: _memo(name, data_key, params, code, _build=build))


def _arrow(spec: dict) -> dict:
    """`spec` with its data already as Arrow bytes (what Streamlit sends)."""
    datasets = spec.get("datasets", {})
    return {
        **spec,
        "datasets": {name: convert_anything_to_arrow_bytes(pd.DataFrame(rows)) for name, rows in datasets.items()},
    }


def markdown_table(frame: pd.DataFrame) -> str:
    """`frame` as a Markdown table, every cell escaped (names come from the files): a plain HTML table on
    the page, much cheaper on a rerun than st.table."""

    def row(cells: list[object]) -> str:
        return "| " + " | ".join(md_escape(c) for c in cells) + " |"

    lines = [row(list(frame.columns)), "|" + "|".join(" --- " for _ in frame.columns) + "|"]
    lines += [row(list(r)) for r in frame.itertuples(index=False, name=None)]
    return "\n".join(lines)


TABLE_CLASS = "csr-table"  # styled by ui.frame's BASE_CSS


STATUS_CLASSES = {True: "csr-met", False: "csr-unmet", None: "csr-nodata"}  # their colours: ui.frame's BASE_CSS
# Text signs, not icon-font ligatures: a screen reader names them in its own language.
STATUS_SIGNS = {True: "✓", False: "✗", None: "–"}


def status_cell(met: bool | None) -> str:
    """Status as sign and word in its colour (never colour alone), as HTML for a `markup` column of
    `html_table`: `status_markdown` in HTML."""
    key = None if met is None else bool(met)
    return f'<strong class="{STATUS_CLASSES[key]}">{STATUS_SIGNS[key]} {html.escape(text.status_word(met))}</strong>'


def html_table(
    frame: pd.DataFrame | Sequence[Mapping[str, object]],
    numeric: Collection[str] = (),
    label: str = "",
    markup: Collection[str] = (),
) -> str:
    """`frame` (or rows with the same keys) as an HTML table for st.html: the column names as column headers, the
    first column's cells as
    row headers, the `numeric` columns right-aligned, in a box that scrolls sideways where the table cannot fit (a
    phone: the row headers stay in view), named `label` for a screen reader and reachable by Tab so that a
    keyboard can scroll it; every header and cell escaped (`html.escape`: names come from the files, and what
    it escapes can make no tag, attribute or entity), but for the `markup` columns, whose cells the app made as
    HTML from escaped parts (`status_cell`). St.html draws it as it is,
    where st.table runs Streamlit's Markdown over every header and cell: Omegnskommuner's tables took 6-11 %
    of its first load in the browser that way (README "Performance")."""

    def cell(tag: str, value: object, column: object, scope: str = "") -> str:
        attributes = (f' scope="{scope}"' if scope else "") + (' class="num"' if column in numeric else "")
        content = str(value) if column in markup else html.escape(str(value))
        return f"<{tag}{attributes}>{content}</{tag}>"

    if isinstance(frame, pd.DataFrame):
        columns = list(frame.columns)
        body: Iterable[Sequence[object]] = frame.itertuples(index=False, name=None)
    else:
        columns = list(frame[0]) if frame else []
        body = ([r[c] for c in columns] for r in frame)
    head = "".join(cell("th", c, c, "col") for c in columns)
    rows = []
    for first, *rest in body:
        cells = [cell("th", first, columns[0], "row")] + [
            cell("td", v, c) for v, c in zip(rest, columns[1:], strict=True)
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table = f'<table class="{TABLE_CLASS}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    region = f' role="region" tabindex="0" aria-label="{html.escape(label)}"' if label else ""
    return f'<div class="{TABLE_CLASS}-box"{region}>{table}</div>'


@st.cache_resource(max_entries=128, show_spinner=False)
def _spec(
    name: str, data_key: str, params: tuple, meeting: bool, code: tuple, _build: Callable[[], charts.Chart]
) -> tuple[charts.ScreenChart, str | None]:
    """The chart as the page shows it (`charts.screen`: container width, one spec per panel of a faceted
    chart, meeting mode's larger type), each spec's data already as Arrow bytes, so a rerun neither
    validates the chart again nor converts its data; and its data as a Markdown table (None: none).
    Shared, not copied, between reruns and sessions (nothing changes it: st.vega_lite_chart copies
    the spec it is given), so a rerun does not unpickle a dozen panels."""
    shown = charts.screen(_build().to_dict(), meeting)
    table = None if shown.table is None else markdown_table(shown.table)
    return dataclasses.replace(shown, panels=tuple(_arrow(p) for p in shown.panels), table=None), table


TABLE_LABEL = "Tallene bag figuren"


def chart(
    name: str,
    dataset: Dataset,
    params: tuple,
    build: Callable[[], charts.Chart],
    caption: str,
    meeting: bool,
    label: str = "",
) -> None:
    """One chart as wide as its container, the sentence under it saying what it shows (plain text, which
    may name what the files hold, such as educations: escaped), its data as a table in an expander
    ("Tallene bag figuren", when the builder gives one with `charts.with_table`; not in meeting mode) and
    its PNG and SVG downloads (not in meeting mode). `label` names the figure before a title shown above
    the chart ("Figur 1").

    The contract for builders (`charts.screen`): the builder draws at the fixed size of the downloads and
    the PDF; on the page every spec is shown with width="stretch", its own width dropped, so anything that
    should follow the width is an expression of Vega's `width` signal. A faceted chart is shown as one
    chart per panel in columns (which stack on a phone), its title above them. The container has the key
    `chart_{name}`; the spec's `description` (Danish) is what a screen reader says for each chart."""
    code = _fingerprint(build)
    shown, table = _kept(
        ("spec", name, dataset.key, params, meeting, code),
        lambda: _spec(name, dataset.key, params, meeting, code, _build=build),
    )
    alt = None if shown.description else caption  # the spec's own description names it (Streamlit: alt overrides)
    with st.container(key=f"chart_{name}"):
        if shown.heights:
            st.html(shown.css(f".st-key-chart_{name}"))
        if shown.title or shown.subtitle:  # one element: the chart starts right under its title
            title = ": ".join(md_escape(t) for t in (label, shown.title) if t)  # "Figur 1: …"
            lines = [f"**{title}**" if title else "", md_escape(shown.subtitle or "")]
            st.markdown("  \n".join(line for line in lines if line))
        if len(shown.panels) == 1:
            st.vega_lite_chart(shown.panels[0], width="stretch", theme=None, alt=alt)
        else:
            per_row = max(1, shown.columns)
            for start in range(0, len(shown.panels), per_row):
                for column, panel in zip(st.columns(per_row), shown.panels[start : start + per_row], strict=False):
                    with column:
                        st.vega_lite_chart(panel, width="stretch", theme=None, alt=alt)
        st.caption(md_escape(caption))
        if not meeting:
            if table is not None:
                with st.expander(TABLE_LABEL, key=f"data_{name}"):
                    st.markdown(table)
            downloads.chart_buttons(f"{name}{''.join(f'_{p}' for p in params)}", build)


@st.cache_data(max_entries=128, show_spinner=False)
def _shown(
    name: str, data_key: str, _frame: pd.DataFrame, _formats: Mapping[str, Callable[[Any], str]]
) -> pd.DataFrame:
    shown = _frame.copy()
    for column, fmt in _formats.items():
        shown[column] = [fmt(v) for v in _frame[column]]
    return shown


def table(
    name: str,
    dataset: Dataset,
    frame: pd.DataFrame,
    formats: Mapping[str, Callable[[Any], str]],
    meeting: bool,
    number_formats: dict[str, str] | None = None,
    wrap: str = "",
) -> None:
    """A table shown with Danish numbers (the .xlsx keeps them as numbers), and its download.
    `name` must identify the table within the dataset (include the year). `wrap`, the table's name for a
    screen reader: a plain table (`html_table`) whose headers and names wrap, as wide as the page and
    scrolling sideways only where it cannot fit (a phone; for a few columns)."""
    shown = _kept(("shown", name, dataset.key), lambda: _shown(name, dataset.key, frame, formats))
    with st.container(key=f"table_{name}"):
        if wrap:  # as HTML once per session (`html_table`)
            st.html(_kept(("html", name, dataset.key), lambda: html_table(shown, formats, wrap)))
            if not meeting:
                downloads.table_button(name, frame, number_formats)
            return
        columns = {c: st.column_config.Column(alignment="right") for c in formats}
        first = frame.columns[0]
        if first not in formats:  # the row labels stay in view when the table scrolls sideways
            columns[first] = st.column_config.Column(pinned=True, width="medium")
        st.dataframe(shown, hide_index=True, width="stretch", column_config=columns)
        if not meeting:
            downloads.table_button(name, frame, number_formats)


STATUS_MARKDOWN = {  # the signs and colours of `status_cell` in Markdown
    met: f":{colour}[**{STATUS_SIGNS[met]} {{word}}**]"
    for met, colour in ((True, "green"), (False, "red"), (None, "gray"))
}
UNMET_COLOUR = charts.UNMET_COLOUR  # the border of an unmet target's card
# The change since the year before is neutral (gray, with its arrow): red and green mean only "not met"
# and "met", on the cards as everywhere else.
CHANGE_COLOUR = CAPTION_COLOUR
CHANGE_ARROWS = {"up": "↑", "down": "↓", "off": ""}


def status_markdown(met: bool | None) -> str:
    """Status as sign and word (and colour, never colour alone): ✓ Opfyldt, ✗ Ikke opfyldt, – Ingen data."""
    return STATUS_MARKDOWN[None if met is None else bool(met)].format(word=text.status_word(met))


STATUS_ICONS = {True: "check_circle", False: "cancel", None: "remove"}  # Material Symbols, Streamlit's icon font
STATUS_HTML_COLOURS = {True: charts.MET_COLOUR, False: charts.UNMET_COLOUR, None: "#555555"}


def status_html(met: bool | None, name: str) -> str:
    """A card's first line as HTML: the status icon (hidden from screen readers: the word beside it says it),
    the status word in its colour, and the target's name (escaped)."""
    key = None if met is None else bool(met)
    return (
        f'<p class="csr-status"><span style="color: {STATUS_HTML_COLOURS[key]}">'
        f'<span class="csr-status-icon" aria-hidden="true">{STATUS_ICONS[key]}</span> '
        f"<strong>{html.escape(text.status_word(met))}</strong></span> · <strong>{html.escape(name)}</strong></p>"
    )


# A card: status line, value, the change since the year before (gray), the year's threshold, the gap and
# notes, and the drill-down as a native <details> (keyboard and screen readers know it). Compact, so the
# unmet cards and Figure 1 share the first screen; two to a row, one on a phone (as Streamlit's columns).
CARD_CSS = f"""<style>
.csr-cards {{ display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; }}
@media (max-width: {charts.PHONE_WIDTH}px) {{ .csr-cards {{ grid-template-columns: minmax(0, 1fr); }} }}
.csr-card {{ border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.75rem 1rem;
  break-inside: avoid; display: flex; flex-direction: column; gap: 0.35rem; }}
.csr-card.csr-unmet {{ border: 3px solid {UNMET_COLOUR}; }}
.csr-card p {{ margin: 0; }}
.csr-status {{ line-height: 1.4; }}
.csr-status-icon {{ font-family: "Material Symbols Rounded"; font-weight: 400; vertical-align: bottom;
  display: inline-block; white-space: nowrap; user-select: none; font-size: 1.25em; line-height: 1; }}
.csr-card .csr-value {{ font-size: 2rem; line-height: 1.2; font-variant-numeric: tabular-nums; }}
.csr-card .csr-change {{ color: {CHANGE_COLOUR}; font-size: 0.875rem; }}
.csr-card .csr-note {{ color: {CAPTION_COLOUR}; font-size: 0.875rem; }}
.csr-card details {{ border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.25rem 0.75rem; }}
.csr-card summary {{ cursor: pointer; padding: 0.25rem 0; font-size: 0.875rem; }}
.csr-card summary:focus-visible {{ outline: 2px solid #0072B2; outline-offset: 2px; }}
.csr-card details ul {{ margin: 0.25rem 0 0.25rem 1.25rem; padding: 0; }}
/* a phone: the answer and Figure 1 share the first screen, so the gap's sentence goes into the drill-down
   (the headline says what is missing), and a long value ("188 besatte mod 196 aftalte pladser") is smaller */
.csr-card .csr-note-more {{ display: none; }}
@media (max-width: {charts.PHONE_WIDTH}px) {{
  .csr-card .csr-value {{ font-size: 1.5rem; }}
  .csr-card:has(details) > .csr-note {{ display: none; }}
  .csr-card .csr-note-more {{ display: block; margin: 0.25rem 0; }}
}}
</style>"""
MEETING_CARD_CSS = (
    "<style>.csr-card .csr-value { font-size: 2.6rem; } .csr-card .csr-change { font-size: 1rem; }</style>"
)


def card_html(card: dict, lines: list[str]) -> str:
    """One target's card as HTML (`csr.text.target_cards`' texts, every one escaped: names and notes may
    come from the configuration and the files); `lines` fill its drill-down ("Ordningerne bag målet")."""
    esc = html.escape
    classes = "csr-card csr-unmet" if card["met"] is False else "csr-card"
    arrow = CHANGE_ARROWS[card["direction"]]
    change = esc(card["change"] or "første år i data")
    if arrow:  # the arrow is a picture of the sign the words already carry
        change = f'<span aria-hidden="true">{arrow}</span> {change}'
    parts = [
        f'<div class="{classes}" data-target="{esc(card["id"])}">',
        status_html(card["met"], card["name"]),
        f'<p class="csr-value">{esc(card["value"])}</p>',
        f'<p class="csr-change">{change}</p>',
        f"<p>{esc(card['threshold'])}</p>",
    ]
    note = esc(" ".join(filter(None, (card["gap"], card["notes"]))))
    if note:
        parts.append(f'<p class="csr-note">{note}</p>')
    if lines:  # on a phone the note is in here (CARD_CSS shows one of the two: never read out twice)
        items = "".join(f"<li>{esc(line)}</li>" for line in lines)
        more = f'<p class="csr-note csr-note-more">{note}</p>' if note else ""
        parts.append(f"<details><summary>{esc(card['details_label'])}</summary>{more}<ul>{items}</ul></details>")
    parts.append("</div>")
    return "".join(parts)


def target_cards(cards: list[dict], details: Mapping[str, list[str]] | None = None, meeting: bool = False) -> None:
    """One bordered card per target (texts and order from `csr.text.target_cards`: unmet first). Each card
    starts with its status as icon and word; an unmet target's card also has a thick border in the
    "not met" colour. The change since the year before is gray. The unmet cards are a group of their own
    (key `cards_unmet`, then `cards_met`), so a narrow page can put Figure 1 between them. `details`
    (target id -> lines, from `csr.text.target_scheme_lines`) fill each card's drill-down.

    Each group is one HTML block (a rerun sends two elements, not seven per card)."""
    details = details or {}
    groups = {
        "cards_unmet": [c for c in cards if c["met"] is False],
        "cards_met": [c for c in cards if c["met"] is not False],
    }
    style = CARD_CSS + (MEETING_CARD_CSS if meeting else "")
    for key, group in groups.items():
        if not group:
            continue
        with st.container(key=key):
            body = "".join(card_html(card, details.get(card["id"], [])) for card in group)
            st.html(f'{style}<div class="csr-cards">{body}</div>')
        style = ""
