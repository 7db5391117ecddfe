"""What the AppTest tests share about Overblik's target cards: each card read back from its HTML
(`ui.widgets.card_html`; a group of cards is one st.html element)."""

from __future__ import annotations

import html
import re

from streamlit.testing.v1 import AppTest


def cards_of(at: AppTest) -> dict[str, dict[str, str]]:
    """The target cards on the page (`ui.widgets.card_html`), by target id: name, status, value, change and
    the rest of the card's text, unescaped."""
    cards = {}
    for body in (h.proto.body for h in at.get("html")):
        for part in re.split(r'<div class="csr-card(?=[ "])', body)[1:]:
            target = re.search(r'data-target="([^"]*)"', part)[1]
            status, name = re.search(r"<strong>([^<]*)</strong></span> · <strong>([^<]*)</strong>", part).groups()
            value = re.search(r'<p class="csr-value">([^<]*)</p>', part)[1]
            change = re.search(r'<p class="csr-change">(?:<span aria-hidden="true">[^<]*</span> )?([^<]*)</p>', part)[1]
            words = html.unescape(re.sub(r"<[^>]+>", " ", part))
            cards[target] = {
                k: html.unescape(v)
                for k, v in (("name", name), ("status", status), ("value", value), ("change", change))
            }
            cards[target]["text"] = " ".join(words.split())
            cards[target]["unmet"] = str(part.startswith(' csr-unmet"'))
    return cards


def card_values(at: AppTest) -> dict[str, str]:
    """Each card's target name -> its value ("22,0 %"), as the page shows them."""
    return {c["name"]: c["value"] for c in cards_of(at).values()}
