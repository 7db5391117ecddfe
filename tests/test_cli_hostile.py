"""`python -m csr` given things that are not regular files or usable stores: each is a Danish sentence on
stderr and exit 2 within seconds, never a hang, a growing process, a traceback or a path inside the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_store_read_only import without_write_permission

ROOT = Path(__file__).parent.parent
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))
TIMEOUT = 60  # a hang fails the test instead of blocking it; a well-behaved refusal takes about a second


def run(*args: str, prefix: tuple[str, ...] = (), env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "csr", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
    )


def refused(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("Fejl: "), proc.stderr
    assert "Traceback" not in proc.stderr and "Uventet fejl" not in proc.stderr and "Error" not in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    return proc.stderr


def test_a_device_is_refused_without_reading_it():
    refused(run("report", "/dev/zero"), "Filen /dev/zero er en enhed og ikke en almindelig fil")
    refused(run("import", "/dev/urandom", "--data-dir", "/nonexistent-never-created"), "/dev/urandom er en enhed")
    assert not Path("/nonexistent-never-created").exists()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "rør.xlsx"
    os.mkfifo(fifo)
    refused(run("report", str(fifo)), f"Filen {fifo} er et rør (FIFO)")
    refused(run("--config", str(fifo), "report", *SAMPLE), f"Konfigurationsfilen {fifo} er et rør (FIFO)")


def test_a_directory_is_refused(tmp_path):
    refused(run("report", str(tmp_path)), "er en mappe og ikke en almindelig fil")


def test_the_configuration_from_a_device_or_too_large_is_refused(tmp_path):
    refused(run("--config", "/dev/zero", "report", *SAMPLE), "Konfigurationsfilen /dev/zero er en enhed")
    huge = tmp_path / "stor.toml"
    with open(huge, "wb") as out:
        out.truncate(5 * 1024 * 1024)  # sparse: 5 MB of zeros on disk in no time
    refused(run("--config", str(huge), "report", *SAMPLE), "stor.toml er for stor")


def test_a_file_over_the_upload_limit_is_refused_by_its_size(tmp_path):
    from csr.importers.safety import LIMITS

    big = tmp_path / "stor.csv"
    with open(big, "wb") as out:
        out.truncate(LIMITS.max_bytes + 1)
    refused(run("report", str(big)), "stor.csv er for stor", "200 MB")


@pytest.mark.parametrize("data_dir", ["/dev/null", "fil"])
def test_a_data_dir_that_is_not_a_folder(tmp_path, data_dir):
    if data_dir == "fil":
        data_dir = str(tmp_path / "fil.txt")
        Path(data_dir).write_text("ikke en mappe")
    for command in (("report",), ("history",), ("undo", "1"), ("import", SAMPLE[0])):
        refused(run(*command, "--data-dir", data_dir), "Datamappen er ikke en mappe", f"(--data-dir {data_dir})")


def test_a_corrupt_store_file(tmp_path):
    (tmp_path / "csr.sqlite").write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    for command in (("report",), ("history",), ("import", SAMPLE[0])):
        message = refused(run(*command, "--data-dir", str(tmp_path)), "Databasen i datamappen er ikke en brugbar")
        assert message.count(str(tmp_path)) == 1  # only where it repeats the --data-dir the user typed


def test_beside_a_corrupt_store_only_the_template_goes_on_and_says_why(tmp_path):
    """The stored settings cannot be read. The template needs no store: it warns once and is written from the
    strategy file. A report of files reads the store's import profiles too: it says once what is wrong."""
    (tmp_path / "csr.sqlite").write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    out = tmp_path / "skabelon.xlsx"
    done = run("template", str(out), env={"CSR_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "de gemte indstillinger kan ikke læses" in line]
    assert len(warnings) == 1 and warnings[0].startswith("Advarsel: ") and "strategifilen bruges" in warnings[0]
    assert out.stat().st_size > 0
    report = run("report", *SAMPLE, "--data-dir", str(tmp_path))
    assert report.returncode == 2 and "Advarsel" not in report.stderr
    assert report.stderr.count("Databasen i datamappen er ikke en brugbar") == 1


def test_a_store_file_that_is_a_fifo_or_a_folder(tmp_path):
    os.mkfifo(tmp_path / "csr.sqlite")
    refused(run("history", "--data-dir", str(tmp_path)), "Databasen i datamappen er ikke en almindelig fil")
    other = tmp_path / "anden"
    (other / "csr.sqlite").mkdir(parents=True)
    refused(run("history", "--data-dir", str(other)), "Databasen i datamappen er ikke en almindelig fil")


def test_a_read_only_store_shows_what_is_stored_and_refuses_writes(tmp_path):
    store = tmp_path / "lager"
    assert run("import", *SAMPLE, "--data-dir", str(store)).returncode == 0
    before = run("report", "--data-dir", str(store), "--year", "2019", "--json")
    assert before.returncode == 0
    ways = []
    prefix = without_write_permission()
    if prefix is not None:  # really read-only for this user: the kernel refuses every write
        ways.append((tuple(prefix), {}))
    ways.append(((), {"CSR_READ_ONLY": "1"}))  # forced: works for root without setpriv too
    (store / "csr.sqlite").chmod(0o444)
    store.chmod(0o555)
    try:
        for prefix, env in ways:
            shown = run("report", "--data-dir", str(store), "--year", "2019", "--json", prefix=prefix, env=env)
            assert shown.returncode == 0, shown.stderr
            assert shown.stdout == before.stdout
            assert "Import nr. 1" in run("history", "--data-dir", str(store), prefix=prefix, env=env).stdout
            for command in (("import", SAMPLE[0]), ("undo", "1")):
                refused(
                    run(*command, "--data-dir", str(store), prefix=prefix, env=env), "Databasen er skrivebeskyttet: "
                )
            if prefix:  # SQLite could create no WAL or lock file in the folder (immutable=1)
                assert sorted(os.listdir(store)) == ["csr.sqlite"]
    finally:
        store.chmod(0o755)
        (store / "csr.sqlite").chmod(0o644)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"strategy = \n", "kan ikke læses: den er ikke gyldig TOML (linje 1, kolonne 12)"),
        (b"\xff\xfe[strategy]\n", "den er ikke gemt som UTF-8-tekst"),
    ],
)
def test_a_configuration_that_is_not_toml_is_a_danish_sentence(tmp_path, content, words):
    cfg = tmp_path / "strategi.toml"
    cfg.write_bytes(content)
    message = refused(run("--config", str(cfg), "report", *SAMPLE), "Konfigurationsfilen strategi.toml", words)
    assert "Expected" not in message and "Invalid" not in message  # no English from tomllib


def test_a_store_from_a_newer_program_names_no_path(tmp_path):
    import sqlite3

    assert run("history", "--data-dir", str(tmp_path)).returncode == 0  # creates the store
    with sqlite3.connect(tmp_path / "csr.sqlite") as con:
        con.execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'")
    message = refused(
        run("history", "--data-dir", str(tmp_path)),
        "Databasen i datamappen er lavet af en anden version",
        "skemaversion 99",
    )
    assert message.count(str(tmp_path)) == 1  # only the --data-dir the user typed
