"""Rerun time of every page of the app on the sample data, after the first load.

    python benchmarks/bench_pages.py [--runs 20] [--json]

Each page is opened with streamlit's AppTest from app.py, run twice to warm up (the first run
imports and computes the sample data; both fill the caches), then rerun --runs times. Two times
are reported per rerun:
  script  app.py's own timer: from the first line of the script to the last (the page included),
          i.e. the server-side work of a rerun; the budget is 100 ms;
  apptest the wall time of AppTest.run(), which adds AppTest's own bookkeeping around the script.
A rerun with a new widget value is measured too (`year` on Overblik, `neighbour_method` on
Omegnskommuner): "cold" is the first time a value is chosen (its charts are built), "warm" a
value seen before. Timings on a shared machine are noisy: read the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from timing import app_pages  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
PAGES = {
    title: path
    for title, (path, _url) in app_pages("Overblik", "Udvikling", "Omegnskommuner", "Praktikpladser").items()
}
BUDGET_MS = 100.0


def _run(at) -> tuple[float, float]:
    started = time.perf_counter()
    at.run()
    wall = (time.perf_counter() - started) * 1000
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return at.session_state["_rerun_seconds"] * 1000, wall


def _summary(samples: list[tuple[float, float]]) -> dict:
    script = sorted(s for s, _ in samples)
    wall = sorted(w for _, w in samples)
    return {
        "runs": len(samples),
        "script_median_ms": round(statistics.median(script), 1),
        "script_p90_ms": round(script[int(0.9 * (len(script) - 1))], 1),
        "script_max_ms": round(script[-1], 1),
        "apptest_median_ms": round(statistics.median(wall), 1),
    }


def measure_page(path: str, runs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    started = time.perf_counter()
    at.run()
    if path != PAGES["Overblik"]:
        at.switch_page(path).run()
    first = (time.perf_counter() - started) * 1000
    for _ in range(2):
        _run(at)
    result = _summary([_run(at) for _ in range(runs)])
    result["first_load_ms"] = round(first, 0)
    return result


def measure_interaction(runs: int) -> dict:
    """Reruns after a widget change: a year and the neighbour method, first time (cold) and again (warm)."""
    from streamlit.testing.v1 import AppTest

    out = {}
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.selectbox(key="year").select(2019)
    out["Overblik: nyt år (cold)"] = _summary([_run(at)])
    warm = []
    for i in range(runs):
        at.selectbox(key="year").select(2024 if i % 2 == 0 else 2019)
        warm.append(_run(at))
    out["Overblik: skift år (warm)"] = _summary(warm)

    at.switch_page(PAGES["Omegnskommuner"]).run()
    at.radio(key="neighbour_method").set_value("mean")
    out["Omegnskommuner: simpelt gennemsnit (cold)"] = _summary([_run(at)])
    warm = []
    for i in range(runs):
        at.radio(key="neighbour_method").set_value("pooled" if i % 2 == 0 else "mean")
        warm.append(_run(at))
    out["Omegnskommuner: skift metode (warm)"] = _summary(warm)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import logging
    import os
    import tempfile

    # An empty temporary store (the sample data), never ./data.
    os.environ.setdefault("CSR_DATA_DIR", tempfile.mkdtemp(prefix="csr-bench-"))
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    results = {name: measure_page(path, args.runs) for name, path in PAGES.items()}
    interactions = measure_interaction(args.runs)
    if args.json:
        print(json.dumps({"pages": results, "interactions": interactions}, ensure_ascii=False, indent=2))
        return
    print(f"Rerun of each page on the sample data, {args.runs} runs after warm-up (budget {BUDGET_MS:.0f} ms)")
    print(f"{'Side':<44} {'script median':>13} {'p90':>7} {'max':>7} {'AppTest':>8} {'first load':>10}")
    for name, r in results.items():
        flag = "" if r["script_median_ms"] < BUDGET_MS else "  OVER BUDGET"
        print(
            f"{name:<44} {r['script_median_ms']:>10.1f} ms {r['script_p90_ms']:>7.1f} {r['script_max_ms']:>7.1f} "
            f"{r['apptest_median_ms']:>8.1f} {r['first_load_ms']:>7.0f} ms{flag}"
        )
    print()
    for name, r in interactions.items():
        print(
            f"{name:<44} {r['script_median_ms']:>10.1f} ms {r['script_p90_ms']:>7.1f} {r['script_max_ms']:>7.1f} "
            f"{r['apptest_median_ms']:>8.1f}"
        )


# The importer's worker processes re-run the main script under another name: they must not benchmark.
if __name__ == "__main__":
    main()
