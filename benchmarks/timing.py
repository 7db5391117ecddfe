"""What the benchmark scripts share: a median time, and the app's pages by their titles (as `app.PAGES`
names them, so a moved or renamed page is followed). Imported by the scripts in this folder (their own
folder is first on `sys.path` when they run)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn: Callable[[], object], runs: int, warm_up: bool = True) -> float:
    """The median of `runs` calls of `fn`, in milliseconds; with `warm_up` one untimed call first."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def app_pages(*titles: str) -> dict[str, tuple[str, str]]:
    """The app's pages of these titles, in the order given: title -> (script path, url path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import PAGES

    found = {title: (path, url) for path, title, _icon, url in PAGES}
    return {title: found[title] for title in titles}
