"""How long storing an import takes next to importing it, and how fast the store reads back.

    python benchmarks/bench_store.py [--rows 100000] [--big 1000000] [--repeat 3]

Writes a template workbook (Kommune/Måned/Ordning/Antal; the 98 municipalities, consecutive months,
the configured scheme names and the headcount) with `--rows` rows and prints, as medians of
`--repeat` runs:
- the engine's own import time (`csr.importers.import_uploads`, isolated as the Data page runs it),
- the time to store that result in a fresh store (`Store.add_batch`) and to read it back (`current()`),
- the ratio (import + store) / import; the target is at most 2x;
and then, for `--big` synthetic canonical rows: add_batch, current(), a second batch of `--rows`
rows that supersedes part of them, its undo preview and undo, and the database size.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook

from csr.config import HEADCOUNT, default_config  # noqa: E402
from csr.importers import import_uploads  # noqa: E402
from csr.model import ImportResult, empty_canonical  # noqa: E402
from csr.store import Store  # noqa: E402


def template_workbook(rows: int) -> bytes:
    """A long template sheet of `rows` rows: every municipality and scheme, month after month."""
    config = default_config()
    names = [m.name for m in config.municipalities]
    schemes = [config.headcount_name, *(s.name for s in config.schemes)]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Kommune", "Måned", "Ordning", "Antal"])
    rng = np.random.default_rng(1)
    values = rng.integers(0, 500, rows).tolist()
    n = 0
    month = 0
    while n < rows:
        when = datetime(2015 + month // 12, month % 12 + 1, 1)
        for name in names:
            for scheme in schemes:
                if n == rows:
                    break
                ws.append([name, when, scheme, values[n]])
                n += 1
        month += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def synthetic(rows: int, file: str, offset: int = 0) -> pd.DataFrame:
    """`rows` canonical rows over 98 municipalities x 13 schemes x consecutive months."""
    config = default_config()
    codes = np.array([m.code for m in config.municipalities])
    names = np.array([m.name for m in config.municipalities], dtype=object)
    schemes = np.array([HEADCOUNT, *config.scheme_ids], dtype=object)
    i = np.arange(offset, offset + rows)
    mun, rest = i % len(codes), i // len(codes)
    sch, month = rest % len(schemes), rest // len(schemes)
    frame = pd.DataFrame(
        {
            "municipality": names[mun],
            "code": codes[mun],
            "year": 1990 + month // 12,
            "period": "M",
            "index": month % 12 + 1,
            "scheme": schemes[sch],
            "value": np.random.default_rng(offset).random(rows) * 100,
            "file": file,
            "sheet": "Data",
            "row": np.arange(2, rows + 2),
            "column": "D",
        }
    )
    return frame.astype(empty_canonical().dtypes.to_dict())


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def median_of(repeat: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(repeat))


def db_size(store: Store) -> float:
    return sum(p.stat().st_size for p in store.directory.glob("csr.sqlite*")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t, workbook = timed(lambda: template_workbook(args.rows))
    print(f"Template workbook: {args.rows:,} rows, {len(workbook) / 1e6:.1f} MB, written in {t:.1f} s")
    files = [("skabelon.xlsx", workbook)]

    import_times, store_times, read_times = [], [], []
    for _ in range(args.repeat):
        t_import, result = timed(lambda: import_uploads(files))
        assert result.ok and len(result.data) == args.rows, result.errors[:3]
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(tmp)
            t_store, _ = timed(lambda store=store, result=result: store.add_batch(files, result))
            t_read, (data, _) = timed(store.current)
            assert len(data) == args.rows
        import_times.append(t_import)
        store_times.append(t_store)
        read_times.append(t_read)
    imp, sto, rea = (statistics.median(x) for x in (import_times, store_times, read_times))
    print(f"\n{args.rows:,}-row workbook (median of {args.repeat}):")
    print(f"  engine import (import_uploads)   {imp:7.2f} s")
    print(f"  store (add_batch)                {sto:7.2f} s")
    print(f"  read back (current)              {rea:7.2f} s")
    print(f"  (import + store) / import        {(imp + sto) / imp:7.2f} x   (target <= 2 x)")

    big = synthetic(args.big, "stor.xlsx")
    second = synthetic(args.rows, "ny.xlsx", offset=args.big - args.rows // 2)  # half new keys, half superseding
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp)
        t_add, _ = timed(lambda: store.add_batch([("stor.xlsx", b"1")], ImportResult(data=big)))
        t_cur = median_of(args.repeat, lambda: timed(store.current)[0])
        size = db_size(store)
        t_add2, info = timed(lambda: store.add_batch([("ny.xlsx", b"2")], ImportResult(data=second)))
        t_cur2 = median_of(args.repeat, lambda: timed(store.current)[0])
        t_hist, _ = timed(store.history)
        t_prev, preview = timed(lambda: store.undo_preview(info.id))
        t_undo, _ = timed(lambda: store.undo(info.id))
        data, _ = store.current()
        assert len(data) == args.big
    print(f"\n{args.big:,} synthetic canonical rows:")
    print(f"  add_batch                        {t_add:7.2f} s   ({size:.0f} MB on disk incl. WAL)")
    print(f"  current()                        {t_cur:7.2f} s   (median of {args.repeat})")
    print(f"  add_batch {args.rows:,} more rows       {t_add2:7.2f} s   ({info.replaced:,} rows superseded)")
    print(f"  current() after that             {t_cur2:7.2f} s   ({args.big + args.rows // 2:,} rows in force)")
    print(f"  history()                        {t_hist:7.2f} s")
    print(f"  undo_preview()                   {t_prev:7.2f} s   ({preview.reverted:,} revert, {preview.removed:,} go)")
    print(f"  undo()                           {t_undo:7.2f} s")


if __name__ == "__main__":
    main()
