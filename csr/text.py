"""Danish number formatting and the sentences the app, the command line and reports share."""

from __future__ import annotations

import math


def number(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5" (thousands dot, decimal comma); None -> "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def decimals_for(value: float, threshold: float | None, strict: bool = False) -> int:
    """One decimal, or two where one would hide a status (4,96 % shown as "5,0 %" yet below 5 %)."""
    if threshold is None:
        return 1
    met = value > threshold if strict else value >= threshold
    shown = round(value, 1)
    shown_met = shown > threshold if strict else shown >= threshold
    return 1 if met == shown_met else 2


def pct(value: float | None, threshold: float | None = None, strict: bool = False) -> str:
    """A share in percent with a decimal comma: "10,2 %"; two decimals where one would mislead."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{number(value, decimals_for(value, threshold, strict))} %"


def pp(value: float | None, threshold: float | None = None) -> str:
    """A signed gap in percentage points: "+4,2 pp", "−0,1 pp"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = 1 if threshold is None else decimals_for(value + threshold, threshold)
    rounded = round(value, decimals)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{number(abs(value), decimals)} pp"


def persons(value: float | None) -> str:
    if value is None:
        return "–"
    n = int(value)
    return "1 person" if n == 1 else f"{number(n)} personer"


def status_word(met: bool | None) -> str:
    if met is None:
        return "Ingen data"
    return "Opfyldt" if met else "Ikke opfyldt"


def status_icon(met: bool | None) -> str:
    if met is None:
        return "–"
    return "✅" if met else "❌"
