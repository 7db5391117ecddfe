"""Several app processes on one PostgreSQL: what one imports or undoes the other sees at its next read, and
imports at the same moment are serialised and never mixed. Real OS processes (multiprocessing, spawn)
against the test server of `postgres_support`."""

from __future__ import annotations

import multiprocessing as mp
import re
import sys
import threading
import time
import types

import numpy as np
import pandas as pd
import pytest

from csr.model import ImportResult, empty_canonical
from csr.store import BUSY_MESSAGE, Store, StoreError

pytest_plugins = ("postgres_support",)  # the PostgreSQL server and a database per test

SPAWN = mp.get_context("spawn")
CODES = np.array([580, 561, 510, 621])
SCHEMES = np.array(["headcount", "fleksjob", "elever", "beredskab"], dtype=object)


def rows(n: int, file: str, offset: int = 0, seed: int = 0) -> pd.DataFrame:
    """n rows with distinct keys: keys [offset, offset + n) of one fixed enumeration."""
    i = np.arange(offset, offset + n)
    mun, rest = i % 4, i // 4
    sch, month = rest % 4, rest // 4
    frame = pd.DataFrame(
        {
            "municipality": "Kommune",
            "code": CODES[mun],
            "year": 1800 + month // 12,
            "period": "M",
            "index": month % 12 + 1,
            "scheme": SCHEMES[sch],
            "value": np.random.default_rng(seed).integers(0, 1000, n).astype(float),
            "file": file,
            "sheet": "Data",
            "row": np.arange(2, n + 2),
            "column": "D",
        }
    )
    return frame.astype(empty_canonical().dtypes.to_dict())


KEY = ["code", "year", "period", "index", "scheme"]


def in_force(batches: list[pd.DataFrame]) -> pd.DataFrame:
    merged = pd.concat(batches, ignore_index=True)
    return merged.drop_duplicates(KEY, keep="last").reset_index(drop=True)


def fingerprint(df: pd.DataFrame) -> int:
    return int(pd.util.hash_pandas_object(df[[*KEY, "value", "file"]], index=False).to_numpy().sum(dtype=np.uint64))


# ---- what the other processes run (module level: spawn imports this module) ----------------------------


def serve_reads(url: str, commands: mp.Queue, answers: mp.Queue) -> None:
    """A long-lived "app process": one Store (its engine and pool stay open), a read on every command."""
    store = Store(url)
    while (command := commands.get()) != "stop":
        snap = store.snapshot()
        answers.put((command, store.version(), len(snap.data), snap.active_batches, fingerprint(snap.data)))


def import_one(
    url: str,
    data: pd.DataFrame,
    name: str,
    go: mp.Event,  # type: ignore[valid-type]
    paused: mp.Event,  # type: ignore[valid-type]
    pause_at: int,
    pause_s: float,
    timeout: float,
    out: mp.Queue,
) -> None:
    store = Store(url, timeout=timeout)
    done = False

    def progress(written: int, total: int) -> None:
        nonlocal done
        if pause_at and written >= pause_at and not done:
            done = True
            paused.set()
            time.sleep(pause_s)

    go.wait(60)
    try:
        info = store.add_batch([(name, name.encode())], ImportResult(data=data), progress=progress)
    except StoreError as exc:
        out.put((name, "REFUSED", str(exc)))
    else:
        out.put((name, "OK", info.id))


def undo_one(url: str, batch: int, out: mp.Queue) -> None:
    Store(url).undo(batch, who="en anden proces")
    out.put(("undo", batch))


def start(target, *args) -> mp.Process:  # noqa: ANN001 - a process target and its arguments
    """A spawned process running `target(*args)`. Streamlit's script runner (AppTest, earlier in the same
    pytest process) leaves its last script as `sys.modules["__main__"]`, often a temporary file gone since;
    spawn would make the child run that file first, the child would die before reading its arguments, and
    the parent would block writing them. So the child is spawned with a main module that has no file."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        process = SPAWN.Process(target=target, args=args)
        process.start()
    finally:
        sys.modules["__main__"] = main
    return process


# ---- tests ---------------------------------------------------------------------------------------------


def test_an_import_and_an_undo_in_one_process_are_seen_by_another_at_its_next_read(postgres_url):
    commands, answers, results = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Queue()
    reader = start(serve_reads, postgres_url, commands, answers)
    try:
        commands.put("before")
        _, v0, n0, active0, _ = answers.get(timeout=60)
        assert (n0, active0) == (0, 0)

        go, paused = SPAWN.Event(), SPAWN.Event()
        go.set()
        data = rows(5000, "a.xlsx")
        importer = start(import_one, postgres_url, data, "a.xlsx", go, paused, 0, 0, 30, results)
        assert results.get(timeout=120) == ("a.xlsx", "OK", 1)
        importer.join(30)
        commands.put("after import")
        _, v1, n1, active1, print1 = answers.get(timeout=60)
        assert v1 != v0 and (n1, active1) == (5000, 1) and print1 == fingerprint(data)
        assert Store(postgres_url).version() == v1  # and this process sees the same version

        undoer = start(undo_one, postgres_url, 1, results)
        assert results.get(timeout=120) == ("undo", 1)
        undoer.join(30)
        commands.put("after undo")
        _, v2, n2, active2, _ = answers.get(timeout=60)
        assert v2 not in (v0, v1) and (n2, active2) == (0, 0)
        assert Store(postgres_url).history()["undone_by"].tolist() == ["en anden proces"]
    finally:
        commands.put("stop")
        reader.join(30)


def test_two_processes_importing_at_once_are_serialised_and_never_mixed(postgres_url):
    store = Store(postgres_url)
    base = rows(20_000, "base.xlsx")
    store.add_batch([("base.xlsx", b"base")], ImportResult(data=base))
    a = rows(60_000, "a.xlsx", offset=10_000, seed=1)  # overlaps base and b
    b = rows(60_000, "b.xlsx", offset=40_000, seed=2)
    allowed = {fingerprint(in_force(s)) for s in ([base], [base, a], [base, b], [base, a, b], [base, b, a])}
    go, results = SPAWN.Event(), SPAWN.Queue()
    pa, pb = SPAWN.Event(), SPAWN.Event()
    procs = [
        start(import_one, postgres_url, a, "a.xlsx", go, pa, 30_000, 0.7, 30, results),
        start(import_one, postgres_url, b, "b.xlsx", go, pb, 30_000, 0.7, 30, results),
    ]
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        reader = Store(postgres_url)
        while not stop.is_set():
            seen.append(fingerprint(reader.current()[0]))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        time.sleep(3)  # both children have started and opened their stores
        go.set()
        outcomes = sorted(results.get(timeout=180) for _ in procs)
    finally:  # a failing child must not leave the reader running
        stop.set()
        thread.join(60)
        for p in procs:
            p.join(30)
    assert [o[1] for o in outcomes] == ["OK", "OK"] and sorted(o[2] for o in outcomes) == [2, 3]
    assert len(seen) >= 3 and set(seen) <= allowed
    first = next(o[0] for o in outcomes if o[2] == 2)
    order = [base, a, b] if first == "a.xlsx" else [base, b, a]
    got = store.current()[0]
    pd.testing.assert_frame_equal(
        got.sort_values(KEY).reset_index(drop=True), in_force(order).sort_values(KEY).reset_index(drop=True)
    )
    history = store.history().set_index("batch")
    # base holds keys [0, 20,000), a [10,000, 70,000), b [40,000, 100,000). The second import superseded the
    # 30,000 keys it shares with the first: it saw the first one's rows in force, so the two did not overlap.
    if first == "a.xlsx":
        assert (history.loc[2, "replaced"], history.loc[3, "replaced"]) == (10_000, 30_000)
    else:
        assert (history.loc[2, "replaced"], history.loc[3, "replaced"]) == (0, 40_000)


def test_an_import_waiting_too_long_for_another_process_is_refused_and_readers_are_not_blocked(postgres_url):
    store = Store(postgres_url)
    base = rows(1000, "base.xlsx")
    store.add_batch([("base.xlsx", b"base")], ImportResult(data=base))
    go, paused, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    go.set()
    a = rows(100_000, "a.xlsx", offset=500, seed=1)
    proc = start(import_one, postgres_url, a, "a.xlsx", go, paused, 50_000, 4, 30, results)
    assert paused.wait(120)  # the child holds the write lock, half written

    impatient = Store(postgres_url, timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(StoreError, match=rf"^{re.escape(BUSY_MESSAGE)}$"):
        impatient.add_batch([("b.xlsx", b"b")], ImportResult(data=rows(10, "b.xlsx")))
    assert time.perf_counter() - started < 2.5
    with pytest.raises(StoreError, match=rf"^{re.escape(BUSY_MESSAGE)}$"):
        impatient.save_scenario("x", {})
    snap = store.snapshot()  # a reader does not wait and sees the committed state only
    pd.testing.assert_frame_equal(snap.data, base)
    assert snap.active_batches == 1

    assert results.get(timeout=120) == ("a.xlsx", "OK", 2)
    proc.join(30)
    assert len(store.current()[0]) == 100_500
    assert store.scenarios().empty and len(store.history()) == 2
