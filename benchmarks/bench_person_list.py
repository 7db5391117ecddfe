"""Import speed of an HR person list next to a bare read of the same file.

    python benchmarks/bench_person_list.py [--rows 100000] [--repeat 3]

Writes a person list (masked CPR number, scheme, department, start and end date; 30 % open ends,
some persons with several rows) as .xlsx with real Excel dates and as a Danish CSV with dd-mm-yyyy
dates, then measures in fresh processes, one run after the other on the same machine:
  bare  python-calamine opens the workbook and reads the sheet into Python rows (for the CSV: the
        csv module reads the decoded text into rows), the baseline;
  csr   csr.importers.import_files: content check, guarded child process, detection, counting per
        month, validation, canonical table (the whole import as the app and the command line run it).
cold: the first call in a fresh process; warm: the best later call in the same process. Times are the
best of --repeat processes; read the ratios, not the seconds (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCHEMES = ("STU", "FGU", "Elever", "Studerende", "Frivillige i beredskabet", "Voksenlærlinge")
DEPARTMENTS = ("Børn og Skole", "Sundhed og Omsorg", "Teknik og Miljø", "Kultur og Fritid", "Rådhuset")
HEADER = ["CPR-nr.", "Ordning", "Afdeling", "Startdato", "Slutdato"]


def person_rows(rows: int) -> list[list]:
    """`rows` invented periods between 2015 and September 2025; about 0.6 persons per row."""
    rng = random.Random(2021)
    first = dt.date(2015, 1, 1).toordinal()
    last = dt.date(2025, 9, 15).toordinal()
    persons = max(1, int(rows * 0.6))
    out = []
    for _ in range(rows):
        p = rng.randrange(persons)
        cpr = f"{p % 28 + 1:02d}{p // 28 % 12 + 1:02d}{p // 336 % 100:02d}-xxxx"
        start = rng.randint(first, last)
        end = None if rng.random() < 0.3 else min(last, start + rng.randint(20, 900))
        out.append(
            [
                cpr,
                SCHEMES[p % len(SCHEMES)],
                DEPARTMENTS[p % len(DEPARTMENTS)],
                dt.date.fromordinal(start),
                None if end is None else dt.date.fromordinal(end),
            ]
        )
    return out


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    data = person_rows(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Personer")
    ws.append(["Personer i særlige forløb, Aabenraa Kommune"])
    ws.append(["Udtrukket 15-09-2025"])
    ws.append([])
    ws.append(HEADER)
    for row in data:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "dd-mm-yyyy"
            cells.append(cell)
        ws.append(cells)
    xlsx = folder / f"personer_{rows}.xlsx"
    wb.save(xlsx)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for cpr, scheme, department, start, end in data:
        writer.writerow([cpr, scheme, department, start.strftime("%d-%m-%Y"), end.strftime("%d-%m-%Y") if end else ""])
    path_csv = folder / f"personer_{rows}.csv"
    path_csv.write_bytes(text.getvalue().encode("utf-8-sig"))
    return xlsx, path_csv


def one(kind: str, path: str, warm_runs: int) -> dict:
    """One measurement in this (fresh) process: the first call (cold) and the best later call (warm)."""
    if kind == "bare" and path.endswith(".xlsx"):
        from python_calamine import CalamineWorkbook

        def call() -> int:
            return len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python())
    elif kind == "bare":

        def call() -> int:
            text = Path(path).read_bytes().decode("utf-8-sig")
            return len(list(csv.reader(io.StringIO(text, newline=""), delimiter=";")))
    else:
        from csr.importers import import_files

        def call() -> int:
            result = import_files([path])
            assert result.ok, [str(f) for f in result.errors[:3]]
            return len(result.data)

    times = []
    for _ in range(1 + warm_runs):
        start = time.perf_counter()
        n = call()
        times.append(time.perf_counter() - start)
    return {"cold": times[0], "warm": min(times[1:]), "n": n}


def measure(path: Path, repeat: int, warm_runs: int) -> dict[str, dict]:
    """Best of `repeat` fresh processes per kind, the kinds interleaved so that load drifts hit both alike."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for kind in ("bare", "csr"):
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
                else {"cold": min(old["cold"], run["cold"]), "warm": min(old["warm"], run["warm"]), "n": run["n"]}
            )
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=2)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, warm_runs=args.warm_runs)))
        return
    print(
        "Person list import against a bare read of the same file (python-calamine for .xlsx, the csv module "
        "for .csv).\ncold: the first call in a fresh process; warm: a later call in the same process. Best of "
        "--repeat processes each."
    )
    print(
        f"{'rows':>8} {'file':>5} {'bare cold':>9} {'csr cold':>9} {'ratio':>6} {'bare warm':>9} {'csr warm':>9} "
        f"{'ratio':>6} {'canonical rows':>14}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            for path in write_files(Path(tmp), rows):
                m = measure(path, args.repeat, args.warm_runs)
                bare, ours = m["bare"], m["csr"]
                print(
                    f"{rows:>8} {path.suffix[1:]:>5} {bare['cold']:>9.2f} {ours['cold']:>9.2f} "
                    f"{ours['cold'] / bare['cold']:>6.2f} {bare['warm']:>9.2f} {ours['warm']:>9.2f} "
                    f"{ours['warm'] / bare['warm']:>6.2f} {ours['n']:>14}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
