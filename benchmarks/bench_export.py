"""What the HR account's pack costs: the PDF and the workbook for one year on the sample data.

    python benchmarks/bench_export.py [--year 2019] [--runs 5]

Times, in one process:
  cold pack       the first pack of the process: sentences and tables, the charts rendered (vl-convert
                  starts its engine on first use), the PDF and the workbook;
  pack            the same once warm (median of --runs): what a click on the page costs when the page
                  already has the figures;
  of which        the parts of a warm pack: sentences and tables, charts (built with Altair, drawn
                  by vl-convert as SVG, rasterised for 200 ppi on paper, decoded), PDF from the
                  images, workbook from the images;
  PDF alone, xlsx alone   one format with its own chart rendering (one download button);
  from files      import + compute + pack, as `python -m csr export FILES` does (median of 3);
  guard           the charts drawn in the guarded worker (csr.drawing, as the app does) against the same
                  drawing in this process (unguarded, as before the worker): the ratio is the guard's cost.
The budget is 3 s for a pack with the figures precomputed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUDGET_S = 3.0


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_s(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(fn)[0] for _ in range(runs))


def main() -> None:
    from csr.config import default_config
    from csr.export import Provenance, build_pack, chart_images, files_version, pdf_bytes, render, xlsx_bytes
    from csr.importers import import_files
    from csr.shares import compute

    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    config = default_config()
    paths = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
    result = import_files(paths, config)
    figures = compute(result.data, result.placements, config)
    provenance = Provenance(files_version([(p.name, p.read_bytes()) for p in paths]), "files", tuple(result.sheets))

    def pack_both() -> tuple[bytes, bytes]:
        pack = build_pack(figures, config, args.year, provenance)
        images = chart_images(pack.charts)
        return pdf_bytes(pack, images), xlsx_bytes(pack, images)

    cold, (pdf, xlsx) = timed(pack_both)
    warm = median_s(pack_both, args.runs)
    pack = build_pack(figures, config, args.year, provenance)
    images = chart_images(pack.charts)
    parts = {
        "sentences and tables": median_s(lambda: build_pack(figures, config, args.year, provenance), args.runs),
        f"charts ({len(pack.charts)})": median_s(lambda: chart_images(pack.charts), args.runs),
        "PDF from the images": median_s(lambda: pdf_bytes(pack, images), args.runs),
        "xlsx from the images": median_s(lambda: xlsx_bytes(pack, images), args.runs),
    }
    alone = {
        fmt: median_s(lambda f=fmt: render(build_pack(figures, config, args.year, provenance), f), args.runs)
        for fmt in ("pdf", "xlsx")
    }

    def from_files() -> bytes:
        r = import_files(paths, config)
        f = compute(r.data, r.placements, config)
        return render(build_pack(f, config, args.year, provenance), "pdf")

    files = median_s(from_files, 3)

    # Last: vl-convert started in this process must not be inherited by a forked worker (the worker runs).
    from csr.export import images as img

    def unguarded() -> dict:
        return {item.name: img._png(*img.draw(*img._job(item, 200))) for item in pack.charts}

    unguarded()  # vl-convert's engine starts in this process
    pairs = [(timed(lambda: chart_images(pack.charts))[0], timed(unguarded)[0]) for _ in range(args.runs)]
    guarded_s, unguarded_s = (statistics.median(p[i] for p in pairs) for i in (0, 1))  # alternated: same load

    print(f"Pack for {args.year} on the sample data ({len(pdf) / 1e6:.2f} MB PDF, {len(xlsx) / 1e6:.2f} MB xlsx)")
    print(f"  cold pack (first in the process)   {cold:6.2f} s")
    print(
        f"  pack, PDF + xlsx (median of {args.runs})    {warm:6.2f} s   budget {BUDGET_S:.0f} s: "
        f"{'ok' if warm < BUDGET_S else 'OVER'}"
    )
    for name, seconds in parts.items():
        print(f"    {name:<32} {seconds:6.2f} s")
    print(f"  PDF alone                          {alone['pdf']:6.2f} s")
    print(f"  xlsx alone                         {alone['xlsx']:6.2f} s")
    print(f"  from files (import + compute + PDF) {files:5.2f} s")
    print(f"  charts guarded (worker)            {guarded_s:6.2f} s")
    print(
        f"  charts unguarded (this process)    {unguarded_s:6.2f} s   ratio guarded/unguarded "
        f"{guarded_s / unguarded_s:.2f}"
    )


if __name__ == "__main__":
    main()
