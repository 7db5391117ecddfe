"""Overblik on paper: one clean A4 page without the app around it (sidebar, header, toolbars, buttons,
toggles, selectors, expanders), the cards whole, the cards above Figure 1 and the page scaled to fit."""

from __future__ import annotations

# Streamlit's own elements by their test ids (stable across releases); the page's by their keys.
HIDDEN_IN_PRINT = (
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
    '[data-testid="stHeader"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stDecoration"]',
    '[data-testid="stElementToolbar"]',
    '[data-testid="stStatusWidget"]',
    '[data-testid="stBottom"]',
    '[data-testid="stSelectbox"]',
    '[data-testid="stCheckbox"]',
    '[data-testid="stExpander"]',
    '[data-testid="stPopover"]',
    '[data-testid="stButton"]',
    '[data-testid="stDownloadButton"]',
    '[data-testid="stTopNavLinkContainer"]',
    "button",
    "hr",
)

_GROUPS = (".st-key-cards_unmet", ".st-key-cards_met")  # ui.widgets.target_cards
_CARDS_COLUMN = ".st-key-overview > div > div > [data-testid='stColumn']:first-child > [data-testid='stVerticalBlock']"

PRINT_CSS = (
    "<style>@media print {\n"
    "@page { size: A4 portrait; margin: 12mm; }\n" + ", ".join(HIDDEN_IN_PRINT) + " { display: none !important; }\n"
    # The scrolling frame of the app would print only its first screen: let the page flow instead.
    "html, body, .stApp, [data-testid='stAppViewContainer'], [data-testid='stMain'] "
    "{ height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important; }\n"
    "[data-testid='stMainBlockContainer'] { max-width: 100% !important; padding: 0 !important; zoom: 0.62; width: calc(100% / 0.62) !important; }\n"
    # The cards over the whole width, four to a row in one grid (their groups, rows and columns give way),
    # and Figure 1 under them.
    ".st-key-overview > div > [data-testid='stHorizontalBlock'] { flex-direction: column !important; }\n"
    ".st-key-overview > div > div > [data-testid='stColumn'] { width: 100% !important; flex: 1 1 100% !important; }\n"
    f"{_CARDS_COLUMN} {{ display: grid !important; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.5rem; }}\n"
    f"{_CARDS_COLUMN} > [data-testid='stElementContainer'] {{ grid-column: 1 / -1; }}\n"
    + ", ".join([f"{_CARDS_COLUMN} > :has(> {g}), {g}, {g} :has(.csr-card)" for g in _GROUPS])
    + " { display: contents !important; }\n"
    ".csr-card details { display: none !important; }\n"
    ".csr-card, .st-key-chart_figur1, .st-key-headline { break-inside: avoid; }\n"
    "[data-testid='stVegaLiteChart'] { zoom: 1 !important; }\n"
    "* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "}</style>"
)
