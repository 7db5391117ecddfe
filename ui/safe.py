"""The one rule for text that came from a file (or that a person typed) on a page: it is data, never markup.

Streamlit renders Markdown in st.markdown, st.caption, st.info/warning/error/success, expander labels,
toasts, metric labels and widget labels: images and links (`![x](http://…)` makes the browser fetch
the address), LaTeX (`$…$`), colour and badge directives (`:red[…]`), icons (`:material/…:`), bold,
lists and headings. `md_escape` is what every page puts around such text before it joins a Markdown
string; a table (st.dataframe) or st.text shows it plainly without it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# Every ASCII punctuation character that Markdown (CommonMark and GFM), Streamlit's directives and
# shortcodes (":"), KaTeX ("$") or raw HTML ("<", ">", "&") give a meaning. CommonMark lets a backslash
# escape any ASCII punctuation, so the escaped text renders as exactly the characters it holds.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&])")
# Line breaks would start a new block (a heading, a list, a table) inside the sentence; control and
# format characters have no place in a sentence at all.
_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")
# Some rules look at the text after the escapes are resolved: GFM turns addresses into links
# ("http://…", "www.…", "navn@domæne.dk") and Streamlit draws icons and emoji for ":material/home:" and
# ":smile:" even when their punctuation is escaped. An invisible word joiner after such a ":", after
# "www" and after "@" keeps them text (the page shows the same characters).
_AUTOLINK = re.compile(r"(?i)(:(?=[a-z/])|\bwww(?=\.)|@)")
_JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def md_escape(value: object) -> str:
    """`value` as text that Streamlit's Markdown shows literally, on one line: `**fed**.csv` becomes
    `\\*\\*fed\\*\\*\\.csv`, which a page shows as **fed**.csv, not in bold."""
    return _escaped(str(value))


@functools.lru_cache(maxsize=4096)  # a page escapes the same few hundred texts on every rerun
def _escaped(value: str) -> str:
    text = _CONTROL.sub("", _BREAKS.sub(" ", value))
    text = _AUTOLINK.sub(lambda m: m.group(1) + _JOINER, text)
    return _SPECIAL.sub(r"\\\1", text)


def md_list(items: Iterable[object]) -> str:
    """Several texts from files as a Markdown bullet list, each escaped."""
    return "\n".join(f"- {md_escape(item)}" for item in items)
