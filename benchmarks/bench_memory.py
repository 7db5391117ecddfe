"""Does the server's memory return near its baseline after a large upload?

    python benchmarks/bench_memory.py [--rows 1000000] [--repeat 4] [--arena-max 0 2]

Writes a template workbook of --rows rows (benchmarks/bench_import.py's writer), then in one fresh process
(like the Streamlit server: other threads alive, so the guarded parse runs through the forkserver) runs
csr.importers.import_uploads on it --repeat times, each time in a new thread as Streamlit runs each script
run, keeping nothing. It prints the resident set (RSS, from
/proc/self/statm) of that process: the baseline after a small warm-up import, the peak while each import
runs (sampled every 10 ms), after the result is dropped, and after csr.importers.safety.release_memory()
(glibc malloc_trim). The parsing child's own memory is not counted: it ends with each import.
Read the ratios to the baseline, not the megabytes.

Measured (2 shared vCPUs, Python 3.11.7, glibc, 1,000,000 rows, 17.8 MB, 4 imports, baseline 133 MB):
  glibc's default arenas  peak 2.7-3.0 x; after each import 2.27, 2.39, 2.47, 2.59 x (growing), after
                          malloc_trim 1.37, 1.49, 1.58, 1.69 x (still growing ~15 MB per import)
  M_ARENA_MAX=2           peak 2.7 x; after each import 1.02-1.23 x, level (malloc_trim adds ~1 %)
So the server caps its arenas (csr.importers.safety.limit_malloc_arenas, called by ui/data.py) and trims
after an import; the parse's own peak is in the child, which ends.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, os, sys, threading, time
sys.path.insert(0, sys.argv[3])
from csr.config import default_config
from csr.importers import import_uploads
from csr.importers import safety

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


trim = sys.argv[4] == "trim"
if int(sys.argv[6]):
    safety.limit_malloc_arenas(int(sys.argv[6]))  # what ui/data.py does in the server
stop = threading.Event()
peak = [0]


def sample() -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.01)


config = default_config()
small = open(sys.argv[5], "rb").read()
big = open(sys.argv[1], "rb").read()
threading.Thread(target=stop.wait, daemon=True).start()  # the server has many threads: forkserver
import_uploads([("lille.xlsx", small)], config)  # warm-up: forkserver, caches, pools
gc.collect()
if trim:
    safety.release_memory()
out = {"baseline": rss(), "runs": []}
for _ in range(int(sys.argv[2])):
    peak[0] = 0
    sampler = threading.Thread(target=sample)
    stop.clear()
    sampler.start()
    rows = []
    # each import in its own thread, as Streamlit runs each script run (glibc gives threads their own arenas)
    worker = threading.Thread(target=lambda: rows.append(len(import_uploads([("stor.xlsx", big)], config).data)))
    worker.start()
    worker.join()
    rows = rows[0]
    stop.set()
    sampler.join()
    gc.collect()
    dropped = rss()
    safety.release_memory()
    out["runs"].append({"rows": rows, "peak": peak[0], "dropped": dropped, "trimmed": rss()})
print(json.dumps(out))
"""


def measure(big: Path, small: Path, repeat: int, trim: bool, arena_max: int = 0) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(big),
            str(repeat),
            str(ROOT),
            "trim" if trim else "keep",
            str(small),
            str(arena_max),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument(
        "--arena-max",
        type=int,
        nargs="+",
        default=[0, 2],
        help="glibc M_ARENA_MAX values to compare (0: glibc's default)",
    )
    args = parser.parse_args()
    from bench_import import write_template

    mb = 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "stor.xlsx", Path(tmp) / "lille.xlsx"
        write_template(big, args.rows)
        write_template(small, 1_000)
        print(f"template: {args.rows:,} rows, {big.stat().st_size / mb:.1f} MB; {args.repeat} imports in one process")
        for arena_max in args.arena_max:
            result = measure(big, small, args.repeat, trim=True, arena_max=arena_max)
            base = result["baseline"]
            arenas = f"M_ARENA_MAX={arena_max}" if arena_max else "glibc's default arenas"
            print(f"\n{arenas}: baseline RSS {base / mb:.0f} MB")
            print("run   rows       peak MB (x base)   after drop MB (x base)   after malloc_trim MB (x base)")
            for i, run in enumerate(result["runs"], 1):
                print(
                    f"{i:>3} {run['rows']:>9,} {run['peak'] / mb:9.0f} ({run['peak'] / base:4.2f})"
                    f" {run['dropped'] / mb:14.0f} ({run['dropped'] / base:4.2f})"
                    f" {run['trimmed'] / mb:18.0f} ({run['trimmed'] / base:4.2f})"
                )


if __name__ == "__main__":
    main()
