"""Importing a workbook through the Data page against the engine's own import, same file, same run.

    python benchmarks/bench_data_page.py [--rows 100000] [--repeat 3]

Writes a template workbook (Kommune, Måned, Ordning, Antal; all 98 municipalities; see
bench_import.write_template) and measures, each --repeat times in this process, alternating:
  engine        csr.importers.import_uploads (content check, guarded child process, parse, validate),
                what the importer costs on its own;
  engine+store  import_uploads, then Store.add_batch into a fresh store (`python -m csr import`);
  page          the Data page through streamlit's AppTest on a fresh store: the files set on the
                uploader (key "upload") and the run that previews them, the warnings ticked, "Gem i
                databasen" clicked and the run that stores them (and reruns the page): wall time of
                those runs, from upload to stored. The preview cache is cleared before each repetition,
                so the page parses the file itself.
Prints the medians and page / engine (the target is at most 2x) and page / (engine+store).
Timings on a shared machine are noisy: read the ratios of one run, not the seconds.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
TARGET = 2.0


def engine(uploads: list[tuple[str, bytes]]) -> float:
    from csr.importers import import_uploads

    started = time.perf_counter()
    result = import_uploads(uploads)
    seconds = time.perf_counter() - started
    assert result.ok, [str(f) for f in result.errors[:3]]
    return seconds


def engine_and_store(uploads: list[tuple[str, bytes]], directory: Path) -> float:
    from csr.importers import import_uploads
    from csr.store import Store

    started = time.perf_counter()
    result = import_uploads(uploads)
    Store(directory).add_batch(uploads, result)
    return time.perf_counter() - started


def page(uploads: list[tuple[str, bytes]], directory: Path) -> dict[str, float]:
    """Upload, tick and confirm on the Data page; seconds per step (AppTest.run wall time)."""
    from streamlit.testing.v1 import AppTest

    import ui.data
    from csr.store import Store

    os.environ["CSR_DATA_DIR"] = str(directory)
    ui.data._imported.clear()  # the page must parse the file itself
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.switch_page("app_pages/data.py").run()  # opening the page is not part of the import
    steps: dict[str, float] = {}

    def timed(name: str, action) -> None:
        started = time.perf_counter()
        action().run()
        steps[name] = time.perf_counter() - started
        if at.exception or at.error:
            raise RuntimeError([e.value for e in [*at.exception, *at.error]])

    timed(
        "upload",
        lambda: at.file_uploader(key="upload").set_value([(n, d, "application/octet-stream") for n, d in uploads]),
    )
    if [c for c in at.checkbox if c.key == "accept_warnings"]:
        timed("tick", lambda: at.checkbox(key="accept_warnings").check())
    timed("confirm", lambda: at.button(key="import_confirm").click())
    assert at.success and at.success[0].value.startswith("Import nr. 1 er gemt"), [s.value for s in at.success]
    assert not Store(directory).is_empty()
    steps["total"] = sum(steps.values())
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from streamlit.logger import set_log_level

    set_log_level(logging.ERROR)
    from bench_import import write_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"skabelon_{args.rows}.xlsx"
        write_template(path, args.rows)
        uploads = [(path.name, path.read_bytes())]
        engine(uploads)  # warm-up: starts the importer's worker and imports what it needs
        times: dict[str, list[float]] = {"engine": [], "engine+store": [], "page": []}
        steps: list[dict[str, float]] = []
        for i in range(args.repeat):
            times["engine"].append(engine(uploads))
            times["engine+store"].append(engine_and_store(uploads, Path(tmp) / f"engine_{i}"))
            steps.append(page(uploads, Path(tmp) / f"page_{i}"))
            times["page"].append(steps[-1]["total"])
        median = {name: statistics.median(values) for name, values in times.items()}
        print(f"{args.rows:,} rows, {len(uploads[0][1]) / 1e6:.1f} MB, medians of {args.repeat} runs")
        for name, seconds in median.items():
            print(f"  {name:<14} {seconds:6.2f} s   (runs: {', '.join(f'{s:.2f}' for s in times[name])})")
        for step in steps[0]:
            if step != "total":
                print(f"    page {step:<9} {statistics.median(s[step] for s in steps):6.2f} s")
        ratio = median["page"] / median["engine"]
        print(f"  page / engine         {ratio:.2f}x  (target ≤ {TARGET:g}x){'' if ratio <= TARGET else '  OVER'}")
        print(f"  page / engine+store   {median['page'] / median['engine+store']:.2f}x")


# The importer's worker processes re-run the main script under another name: they must not benchmark.
if __name__ == "__main__":
    main()
