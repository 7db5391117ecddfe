"""Import speed and memory: csr's import of a template workbook next to a bare python-calamine read, and
of a national jobindsats.dk API CSV next to a bare csv-module read.

    python benchmarks/bench_import.py [--rows 100000 1000000] [--repeat 3] [--profile]

Writes template workbooks (Kommune, Måned, Ordning, Antal; all 98 municipalities) to a temporary
folder, then measures in fresh processes, one run after the other on the same machine:
  bare    python-calamine opens the file and reads the sheet into Python rows (the baseline);
  csr     csr.importers.import_files: content check, guarded child process, parse, validate,
          canonical table (the whole import as the app and the command line run it);
  compute csr.shares.compute over the canonical table (every year's figures).
The API CSV (`Area;Periode;Tilbud;Antal personer;Antal fuldtidspersoner;Fuldtidspersoner i pct. ...`,
all 98 municipalities plus "Hele landet", 8 years of 12 months, public and private virksomhedspraktik) is
measured the same way against `csv.reader` over the decoded file (bare_csv); being a small CSV, it is parsed
in the server process, not in a guarded child (csr.importers.safety.fits_in_server).
--profile prints where the import's time goes (cProfile over import_uploads, in this process, unguarded).
Times are the best of --repeat runs; peak memory is the largest resident set of the process and its
children. Timings on a shared machine are noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent


def write_template(path: Path, rows: int) -> None:
    """A template workbook of `rows` data rows, written as raw sheet XML (openpyxl is too slow for 1M)."""
    from csr.config import default_config

    config = default_config()
    names = [m.name for m in config.municipalities]
    schemes = ["Ansatte i alt", *(s.name for s in config.schemes)]
    strings = ["Kommune", "Måned", "Ordning", "Antal", *names, *schemes]
    months = [f"{y}-{m:02d}" for y in range(2010, 2100) for m in range(1, 13)]
    strings += months
    index = {s: i for i, s in enumerate(strings)}
    per_month = len(names) * len(schemes)

    def cells():
        yield (
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        )
        for i in range(rows):
            r = i + 2
            month = months[i // per_month]
            name = names[(i // len(schemes)) % len(names)]
            scheme = schemes[i % len(schemes)]
            value = 4000 + (i * 7) % 900 if scheme == "Ansatte i alt" else (i * 13) % 300
            yield (
                f'<row r="{r}"><c r="A{r}" t="s"><v>{index[name]}</v></c><c r="B{r}" t="s"><v>{index[month]}'
                f'</v></c><c r="C{r}" t="s"><v>{index[scheme]}</v></c><c r="D{r}"><v>{value}</v></c></row>'
            )

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>",
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:D{rows + 1}"/><sheetData>'.encode()
            )
            chunk: list[str] = []
            for xml in cells():
                chunk.append(xml)
                if len(chunk) >= 10000:
                    f.write("".join(chunk).encode())
                    chunk.clear()
            f.write("".join(chunk).encode())
            f.write(b"</sheetData></worksheet>")


def write_api_csv(path: Path, years: int = 8) -> int:
    """A national jobindsats.dk API CSV as the API's /csv/ endpoint gives it; returns its data rows."""
    from csr.config import default_config

    areas = [m.name for m in default_config().municipalities] + ["Hele landet"]
    lines = [
        "Area;Periode;Tilbud;Antal personer;Antal fuldtidspersoner;Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"
    ]
    for k, area in enumerate(areas):
        for y in range(2017, 2017 + years):
            for m in range(1, 13):
                for t, tilbud in enumerate(("Offentlig virksomhedspraktik", "Privat virksomhedspraktik")):
                    n = 20 + (k * 7 + y + m * 3 + t) % 180
                    lines.append(f"{area};{y}M{m:02d};{tilbud};{n};{n * 0.8:.1f}".replace(".", ",") + ";0,4")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def one(kind: str, path: str, warm_runs: int = 2) -> dict:
    """One measurement in this (fresh) process: the first call (cold) and the best of later calls (warm)."""
    if kind == "bare":
        from python_calamine import CalamineWorkbook

        def call() -> int:
            return len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()) - 1
    elif kind == "bare_csv":
        import csv

        def call() -> int:
            text = Path(path).read_bytes().decode("utf-8")
            return len(list(csv.reader(text.splitlines(), delimiter=";"))) - 1
    elif kind == "csr":
        from csr.importers import import_files

        def call() -> int:
            result = import_files([path])
            assert result.ok, [str(f) for f in result.errors[:3]]
            return len(result.data)
    else:
        from csr.importers import import_files
        from csr.shares import compute

        result = import_files([path])

        def call() -> int:
            return len(compute(result.data, result.placements, _config()).years)

    times = []
    for _ in range(1 + warm_runs):
        start = time.perf_counter()
        n = call()
        times.append(time.perf_counter() - start)
    return {"cold": times[0], "warm": min(times[1:]), "peak_mb": _peak_mb(), "n": n}


def _config():
    from csr.config import default_config

    return default_config()


def measure(kinds: tuple[str, ...], path: Path, repeat: int, warm_runs: int) -> dict[str, dict]:
    """Best of `repeat` fresh processes per kind, the kinds interleaved so that load drifts hit all alike."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for kind in kinds:
            proc = subprocess.run(
                [sys.executable, __file__, "--one", kind, str(path), "--warm-runs", str(warm_runs)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            old = best.get(kind)
            best[kind] = (
                run
                if old is None
                else {
                    "cold": min(old["cold"], run["cold"]),
                    "warm": min(old["warm"], run["warm"]),
                    "peak_mb": max(old["peak_mb"], run["peak_mb"]),
                    "n": run["n"],
                }
            )
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=2)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "PATH"))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, warm_runs=args.warm_runs)))
        return
    print(
        "cold: the first call in a fresh process (the command line); warm: a later call in the same "
        "process (the app's long-running server). Best of --repeat processes each."
    )
    if args.profile:
        _profile(args.rows[0])
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jobindsats_api.csv"
        rows = write_api_csv(path)
        m = measure(("bare_csv", "csr"), path, args.repeat, args.warm_runs)
        bare, ours = m["bare_csv"], m["csr"]
        print(f"jobindsats.dk API CSV, {rows} rows (98 municipalities + Hele landet, 8 years, 12 months, 2 schemes):")
        print(
            f"  bare csv cold {bare['cold']:.3f} s, csr cold {ours['cold']:.3f} s, ratio {ours['cold'] / bare['cold']:.2f}; "
            f"bare warm {bare['warm']:.3f} s, csr warm {ours['warm']:.3f} s, ratio {ours['warm'] / bare['warm']:.2f}",
            flush=True,
        )
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"{'rows':>9} {'bare cold':>9} {'csr cold':>9} {'ratio':>6} {'bare warm':>9} {'csr warm':>9} "
            f"{'ratio':>6} {'bare MB':>8} {'csr MB':>7} {'compute s':>9}"
        )
        for rows in args.rows:
            path = Path(tmp) / f"template_{rows}.xlsx"
            write_template(path, rows)
            big = rows > 200_000
            m = measure(("bare", "csr"), path, 1 if big else args.repeat, 1 if big else args.warm_runs)
            comp = measure(("compute",), path, 1, 2)["compute"]
            bare, ours = m["bare"], m["csr"]
            assert ours["n"] == rows, (ours["n"], rows)
            print(
                f"{rows:>9} {bare['cold']:>9.2f} {ours['cold']:>9.2f} {ours['cold'] / bare['cold']:>6.2f} "
                f"{bare['warm']:>9.2f} {ours['warm']:>9.2f} {ours['warm'] / bare['warm']:>6.2f} "
                f"{bare['peak_mb']:>8.0f} {ours['peak_mb']:>7.0f} {comp['warm']:>9.3f}",
                flush=True,
            )


def _profile(rows: int) -> None:
    """Where the time of an import goes: csr.importers.import_uploads in this process (isolate=False, so the
    child's parse is seen too), for the template and the API CSV, warm; the top functions by own time."""
    import cProfile
    import pstats

    from csr.config import default_config
    from csr.importers import import_uploads

    config = default_config()
    with tempfile.TemporaryDirectory() as tmp:
        template, api = Path(tmp) / f"template_{rows}.xlsx", Path(tmp) / "jobindsats_api.csv"
        write_template(template, rows)
        write_api_csv(api)
        for path in (template, api):
            uploads = [(path.name, path.read_bytes())]
            import_uploads(uploads, config, isolate=False)  # warm
            profile = cProfile.Profile()
            profile.enable()
            import_uploads(uploads, config, isolate=False)
            profile.disable()
            print(f"--- {path.name}")
            pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
