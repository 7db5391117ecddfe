"""Charts drawn by vl-convert in a guarded worker process, so that no chart can take the server down.

vl-convert panics (SIGABRT, uncatchable) on some text, e.g. a control character from a file; `plain_spec`
removes what is known to do that, and the worker is the second line: it draws in its own process with a
memory limit, each job with a timeout. If it dies or hangs, the job raises `DrawError` (an `InputError`
with one Danish sentence), the worker is replaced on the next job, and the server or the command line
carries on.

The worker is started once and kept warm (vl-convert's engine takes 1-3 s to start in a process), so a
chart costs what it cost in the server process plus a pipe round trip; a pack sends all its charts in
one job (`call`). `start()` starts it without waiting, e.g. when the report page opens.

    png = drawing.png(chart.to_dict())
    pngs = drawing.call(draw_many, specs)    # any module-level function, run in the worker
"""

# Measured on the development machine (2 shared vCPUs under heavy load from other jobs): the worker's first
# job waits for vl-convert's start (1-3.5 s, as the first chart in the server did before); afterwards a job
# costs its drawing plus a pipe round trip (bench_export.py prints the ratio against drawing in-process).
# Resident memory of the worker after a pack: 260-275 MB (a forkserver child, pandas preloaded), stable over
# repeated packs; a 100,000-point chart peaks at 0.7 GB. RLIMIT_AS cannot be used: V8 reserves 34 GB of
# address space at start (and aborts below that); its data segment (VmData) is 1.3-1.9 GB once started, so
# the limit is RLIMIT_DATA at 4 GB.

from __future__ import annotations

import logging
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing import connection
from typing import Any, TypeVar

from csr.importers.safety import PROCESS_NAME, _context, _describe_exit
from csr.model import InputError
from csr.plain import plain_spec

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the server's logging decides; the command line prints no English

T = TypeVar("T")

MEMORY_BYTES = 4 * 1024**3  # RLIMIT_DATA of the worker: vl-convert holds 1-1.9 GB of it once started
TIMEOUT_S = 120.0  # one job (a pack's six charts take 1-3 s)
MAX_JOBS = 500  # then the worker is replaced, so nothing it leaks can add up

FAILED = (
    "Figuren kunne ikke tegnes, fordi tegneprogrammet stoppede uventet; prøv igen, og sker det igen, så "
    "kontakt den, der driver løsningen."
)
TIMED_OUT = "Figuren kunne ikke tegnes inden for {seconds} sekunder og blev afbrudt; prøv igen om lidt."
BUSY = "Figuren kunne ikke tegnes, fordi serveren er optaget af andre figurer; prøv igen om lidt."


class DrawError(InputError):
    """A chart that could not be drawn; the message is one Danish sentence."""

    timed_out: bool = False  # the job was stopped after its timeout (trying again at once would not help)


_OK, _RAISED = "ok", "raised"
_READY = b"ready"  # the worker's first message: vl-convert has started, jobs are read from now on


def _limit_resources(memory_bytes: int) -> None:
    """In the worker: cap the data segment and forbid core dumps (an abort would write gigabytes)."""
    try:
        import resource
    except ImportError:  # not on POSIX; the timeout still applies
        return
    for limit, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_DATA, memory_bytes)):
        _soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, value))


def _warm_up() -> None:
    import vl_convert

    vl_convert.vegalite_to_svg(
        {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    )


def _serve(conn: connection.Connection, memory_bytes: int) -> None:
    """The worker: warm vl-convert up, then run jobs until the pipe closes (the parent is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the parent
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)  # a Rust panic's backtrace is not for the terminal; the parent logs the death
    os.close(quiet)
    _limit_resources(memory_bytes)
    try:
        _warm_up()
    except Exception:  # noqa: BLE001 - the first job will report it
        log.exception("vl-convert did not start in the drawing worker")
    conn.send_bytes(_READY)
    while True:
        try:
            func, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            payload = pickle.dumps((_OK, func(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - sent back as text: the parent logs it and says a sentence
            payload = pickle.dumps((_RAISED, f"{type(exc).__name__}: {exc}"))
        conn.send_bytes(payload)


class _Worker:
    def __init__(self) -> None:
        context = _context()
        self.conn, child = context.Pipe(duplex=True)
        # PROCESS_NAME: forkserver and spawn children of that name do not re-run the app's main script.
        self.process = context.Process(target=_serve, args=(child, MEMORY_BYTES), name=PROCESS_NAME, daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0
        self.ready = False

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)


_lock = threading.Lock()
_worker: _Worker | None = None
_worker_pid = 0  # the process that started the worker (a forked child must start its own)


def _ready_worker() -> _Worker:
    global _worker, _worker_pid
    if _worker is not None and (_worker_pid != os.getpid() or not _worker.alive() or _worker.jobs >= MAX_JOBS):
        if _worker_pid == os.getpid():
            _worker.stop()
        _worker = None
    if _worker is None:
        _worker, _worker_pid = _Worker(), os.getpid()
    return _worker


def start() -> None:
    """Start the worker (and vl-convert in it) without waiting, so the first chart is quick; nothing to do
    while a job runs (the worker is there)."""
    if _lock.acquire(blocking=False):
        try:
            _ready_worker()
        finally:
            _lock.release()


def stop() -> None:
    """Stop the worker (the next job starts a new one)."""
    global _worker
    with _lock:
        if _worker is not None and _worker_pid == os.getpid():
            _worker.stop()
        _worker = None


def _receive(worker: _Worker, deadline: float) -> bytes | None:
    """The worker's next message, or None if it died or the deadline passed."""
    ready = connection.wait([worker.conn, worker.process.sentinel], timeout=max(0.0, deadline - time.monotonic()))
    return worker.conn.recv_bytes() if worker.conn in ready or worker.conn.poll(0) else None


def call(func: Callable[..., T], *args: Any, timeout_s: float = TIMEOUT_S) -> T:
    """func(*args) in the drawing worker, its result pickled back. If func raises, the worker dies or the job
    takes longer than `timeout_s`, raise `DrawError` with a Danish sentence; this process is never harmed.

    `func` must be a module-level function of an importable module and `args` picklable."""
    global _worker
    if not _lock.acquire(timeout=timeout_s):
        raise DrawError(BUSY)
    try:
        worker = _ready_worker()
        worker.jobs += 1
        deadline = time.monotonic() + timeout_s
        try:
            # Wait for the worker's start first: a job is sent only to a worker that reads it, so the send
            # cannot block for ever; the timeout covers the start and the job.
            payload = None if worker.ready else _receive(worker, deadline)
            if worker.ready or payload == _READY:
                worker.ready = True
                worker.conn.send_bytes(pickle.dumps((func, args), protocol=pickle.HIGHEST_PROTOCOL))
                payload = _receive(worker, deadline)
        except (EOFError, OSError):
            payload = None
        if payload is None:
            timed_out = worker.process.is_alive() and time.monotonic() >= deadline
            worker.stop()
            _worker = None
            if timed_out:
                log.warning("Drawing job timed out after %s s; the worker was killed", timeout_s)
                error = DrawError(TIMED_OUT.format(seconds=f"{timeout_s:g}".replace(".", ",")))
                error.timed_out = True
                raise error
            log.warning("The drawing worker died (%s)", _describe_exit(worker.process.exitcode))
            raise DrawError(FAILED)
        status, value = pickle.loads(payload)
        if status != _OK:
            log.warning("Drawing job failed in the worker: %s", value)
            raise DrawError(FAILED)
        return value
    finally:
        _lock.release()


def _png(spec: dict, ppi: int) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec, ppi=ppi)


def _svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def png(spec: dict, ppi: int) -> bytes:
    """A Vega-Lite spec as PNG, drawn in the worker from the cleaned spec (`plain_spec`)."""
    return call(_png, plain_spec(spec), ppi)


def svg(spec: dict) -> str:
    """A Vega-Lite spec as SVG, drawn in the worker from the cleaned spec (`plain_spec`)."""
    return call(_svg, plain_spec(spec))
