"""Import speed and memory: csr's import of a template workbook next to a bare python-calamine read.

    python benchmarks/bench_import.py [--rows 100000 1000000] [--repeat 3]

Writes template workbooks (Kommune, Måned, Ordning, Antal; all 98 municipalities) to a temporary
folder, then measures in fresh processes, one run after the other on the same machine:
  bare    python-calamine opens the file and reads the sheet into Python rows (the baseline);
  csr     csr.importers.import_files: content check, guarded child process, parse, validate,
          canonical table (the whole import as the app and the command line run it);
  compute csr.shares.compute over the canonical table (every year's figures).
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
sys.path.insert(0, str(ROOT))


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
        yield '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>' \
              '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        for i in range(rows):
            r = i + 2
            month = months[i // per_month]
            name = names[(i // len(schemes)) % len(names)]
            scheme = schemes[i % len(schemes)]
            value = 4000 + (i * 7) % 900 if scheme == "Ansatte i alt" else (i * 13) % 300
            yield (f'<row r="{r}"><c r="A{r}" t="s"><v>{index[name]}</v></c><c r="B{r}" t="s"><v>{index[month]}'
                   f'</v></c><c r="C{r}" t="s"><v>{index[scheme]}</v></c><c r="D{r}"><v>{value}</v></c></row>')

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
        z.writestr("xl/sharedStrings.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + f'<dimension ref="A1:D{rows + 1}"/><sheetData>'.encode())
            chunk: list[str] = []
            for xml in cells():
                chunk.append(xml)
                if len(chunk) >= 10000:
                    f.write("".join(chunk).encode())
                    chunk.clear()
            f.write("".join(chunk).encode())
            f.write(b"</sheetData></worksheet>")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def one(kind: str, path: str) -> dict:
    """Run one measurement in this (fresh) process."""
    if kind == "bare":
        from python_calamine import CalamineWorkbook

        start = time.perf_counter()
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        seconds = time.perf_counter() - start
        n = len(rows) - 1
    elif kind == "csr":
        from csr.importers import import_files

        start = time.perf_counter()
        result = import_files([path])
        seconds = time.perf_counter() - start
        assert result.ok, [str(f) for f in result.errors[:3]]
        n = len(result.data)
    else:
        from csr.importers import import_files
        from csr.shares import compute

        result = import_files([path])
        start = time.perf_counter()
        figures = compute(result.data, result.placements, _config())
        seconds = time.perf_counter() - start
        n = len(figures.years)
    return {"seconds": seconds, "peak_mb": _peak_mb(), "n": n}


def _config():
    from csr.config import default_config

    return default_config()


def measure(kind: str, path: Path, repeat: int) -> dict:
    best: dict | None = None
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--one", kind, str(path)], capture_output=True, text=True,
                              cwd=ROOT, check=True)
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        if best is None or run["seconds"] < best["seconds"]:
            best = {**run, "peak_mb": max(run["peak_mb"], best["peak_mb"] if best else 0)}
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'rows':>9} {'bare s':>8} {'csr s':>8} {'ratio':>6} {'bare MB':>8} {'csr MB':>8} "
              f"{'compute s':>10} {'compute MB':>10}")
        for rows in args.rows:
            path = Path(tmp) / f"template_{rows}.xlsx"
            write_template(path, rows)
            bare = measure("bare", path, args.repeat)
            ours = measure("csr", path, args.repeat)
            comp = measure("compute", path, 1 if rows > 200_000 else args.repeat)
            assert ours["n"] == rows, (ours["n"], rows)
            print(f"{rows:>9} {bare['seconds']:>8.2f} {ours['seconds']:>8.2f} {ours['seconds'] / bare['seconds']:>6.2f} "
                  f"{bare['peak_mb']:>8.0f} {ours['peak_mb']:>8.0f} {comp['seconds']:>10.3f} {comp['peak_mb']:>10.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
