"""`python -m csr` speaks Danish and says what the app says: argparse's and the operating system's English
never reaches the user, statuses are provisional where the year is, the placements target counts places, and
the warnings are those of the year reported, one line per finding however many municipalities it names."""

from __future__ import annotations

import dataclasses
import errno
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csr import __main__ as cli
from csr.config import default_config
from csr.report import format_report, merge_municipalities

ROOT = Path(__file__).parent.parent
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))
CONFIG = default_config()

# argparse's and the operating system's English, as words or phrases that must not be seen
ENGLISH = (
    "usage:",
    "show this help message and exit",
    "the following arguments are required",
    "invalid choice",
    "invalid int value",
    "unrecognized arguments",
    "positional arguments",
    "options:",
    "error:",
    "expected one argument",
    "choose from",
    "No such file or directory",
    "Permission denied",
    "Is a directory",
    "Traceback",
    "Uventet fejl",
)
ENGLISH_WORDS = re.compile(r"\b(argument|arguments|command|usage|options|error|invalid|required)\b")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csr", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def danish(proc: subprocess.CompletedProcess) -> str:
    out = proc.stdout + proc.stderr
    for phrase in ENGLISH:
        assert phrase not in out, (phrase, out)
    assert not ENGLISH_WORDS.search(out), (ENGLISH_WORDS.search(out), out)
    return out


# ---- item 8: argparse and the operating system in Danish -------------------------------------------------


@pytest.mark.parametrize("args", [("--help",), ("report", "--help"), ("plan", "--help"), ("export", "-h")])
def test_the_help_is_danish_and_exits_0(args):
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    out = danish(proc)
    assert out.startswith("Brug: python -m csr")
    assert "vis denne hjælp og stop" in out and "tilvalg:" in out


def test_the_top_level_help_names_the_commands_in_danish():
    out = danish(run("--help"))
    assert "kommandoer:" in out and "KOMMANDO" in out and "årets andele og målopfyldelse" in out
    assert "--config STRATEGIFIL" in out


def test_the_report_help_has_danish_headings_and_placeholders():
    out = danish(run("report", "--help"))
    assert "argumenter:" in out and "--year ÅR" in out and "--data-dir MAPPE" in out


@pytest.mark.parametrize(
    "args, sentence",
    [
        ((), "Fejl i kommandoen: KOMMANDO mangler."),
        (("report", "--year", "x"), "Fejl i kommandoen: --year: 'x' er ikke et helt tal."),
        (("nope",), "Fejl i kommandoen: KOMMANDO: 'nope' er ikke et af valgene (vælg mellem 'report', 'plan',"),
        (("report", "--bogus"), "Fejl i kommandoen: --bogus kendes ikke."),
        (("export",), "Fejl i kommandoen: --out mangler."),
        (("import",), "Fejl i kommandoen: FIL mangler."),
        (("undo", "x"), "Fejl i kommandoen: IMPORT_NR: 'x' er ikke et helt tal."),
        (("plan", "--change"), "Fejl i kommandoen: --change: mangler en værdi."),
        (("report", "--neighbour-method", "median"), "'median' er ikke et af valgene (vælg mellem 'pooled', 'mean')"),
    ],
)
def test_argparse_errors_are_danish_sentences_and_exit_2(args, sentence):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Brug: python -m csr")
    assert sentence in danish(proc)


def test_a_missing_file_is_a_danish_sentence():
    proc = run("report", "missing.xlsx")
    assert proc.returncode == 2
    assert danish(proc).strip() == "Fejl: Filen missing.xlsx findes ikke."


def test_argparse_messages_are_translated_with_their_values():
    assert cli.danish_argparse_message("argument --year: invalid float value: '1,5'") == "--year: '1,5' er ikke et tal"
    assert cli.danish_argparse_message("the following arguments are required: --out, FIL") == "--out, FIL mangler"
    assert cli.danish_argparse_message("something argparse may say one day") == "something argparse may say one day"


@pytest.mark.parametrize(
    "error, reason",
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "/a/b"), "/a/b: findes ikke."),
        (PermissionError(errno.EACCES, "Permission denied", "/a/b"), "/a/b: ingen adgang."),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/a/b"), "/a/b: er en mappe."),
        (OSError(errno.ENOSPC, "No space left on device"), "der er ikke mere plads på disken."),
    ],
)
def test_the_operating_systems_errors_are_danish(error, reason):
    sentence = cli.os_sentence(error)
    assert reason in sentence and error.strerror not in sentence


def test_a_report_written_into_a_folder_or_a_missing_folder_says_so_in_danish(tmp_path):
    (tmp_path / "ud.xlsx").mkdir()
    proc = run("template", str(tmp_path / "ud.xlsx"))
    assert proc.returncode == 2
    assert f"skabelonen kunne ikke skrives til {tmp_path / 'ud.xlsx'} (er en mappe)." in danish(proc)
    proc = run("template", str(tmp_path / "ingen" / "ud.xlsx"))
    assert proc.returncode == 2
    assert "(mappen findes ikke)." in danish(proc)


# ---- item 7: store and configuration problems are exit 2 with a sentence --------------------------------


def test_a_missing_configuration_is_exit_2(tmp_path):
    proc = run("--config", str(tmp_path / "ingen.toml"), "history")
    assert proc.returncode == 2
    assert f"Konfigurationsfilen {tmp_path / 'ingen.toml'} findes ikke." in danish(proc)


def test_a_configuration_that_is_a_folder_is_exit_2(tmp_path):
    proc = run("--config", str(tmp_path), "history")
    assert proc.returncode == 2
    assert "er en mappe og ikke en almindelig fil" in danish(proc)


def test_an_unreadable_configuration_is_exit_2(tmp_path, monkeypatch, capsys):
    import csr.files

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(csr.files.os, "open", refuse)
    assert cli.main(["--config", str(ROOT / "csr" / "strategy.toml"), "history"]) == 2
    err = capsys.readouterr().err
    assert "må ikke læses (ingen adgang)" in err and "Permission denied" not in err


def test_a_damaged_store_is_exit_2(tmp_path):
    from csr.store import FILENAME

    (tmp_path / FILENAME).write_bytes(b"ikke en database " * 400)
    proc = run("report", "--data-dir", str(tmp_path))
    assert proc.returncode == 2
    assert "Databasen i datamappen er ikke en brugbar CSR-database" in danish(proc)


def test_a_data_dir_that_is_a_file_is_exit_2(tmp_path):
    (tmp_path / "fil").write_text("x")
    proc = run("history", "--data-dir", str(tmp_path / "fil"))
    assert proc.returncode == 2
    assert "Datamappen er ikke en mappe" in danish(proc)


def test_no_rights_to_the_store_is_exit_2_in_danish(tmp_path, monkeypatch, capsys):
    # Before: "Uventet fejl (PermissionError): [Errno 13] Permission denied: ..." and exit 1.
    from csr.store import Store

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "csr.sqlite"))

    monkeypatch.setattr(Store, "history", refuse)
    assert cli.main(["history", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Fejl: {tmp_path / 'csr.sqlite'}: ingen adgang.")
    assert "Permission denied" not in err and "Uventet fejl" not in err


def test_a_database_error_outside_the_store_checks_is_exit_2_in_danish(tmp_path, monkeypatch, capsys):
    from csr.store import Store

    def fail(self):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "history", fail)
    assert cli.main(["history", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Fejl: lageret ({tmp_path}) kan ikke bruges: databasen svarer med en fejl.")
    assert "disk I/O error" not in err


# ---- item 7: the report's text says what the app says ------------------------------------------------------


def target(tid: str, threshold: float | None, value: float, met: bool, gap: int = 0, **extra) -> dict:
    return {
        "id": tid,
        "threshold": threshold,
        "value": value,
        "met": met,
        "gap_pp": value - (threshold or 0),
        "gap_persons": gap,
        **extra,
    }


def year(number: int, provisional: bool, targets: list[dict], **neighbours) -> dict:
    return {
        "year": number,
        "provisional": provisional,
        "headcount": 4700.0,
        "schemes": {s: {"persons": None, "share": None} for s in CONFIG.scheme_ids},
        "categories": dict.fromkeys(CONFIG.categories, 1.0),
        "total_share": 20.0,
        "neighbours": {"method": "pooled", "beskaeftigelse": 7.0, "uddannelse": 4.0, "missing": [], **neighbours},
        "targets": targets,
    }


def report_text(*years: dict, warnings: list[str] | None = None, config=CONFIG) -> str:
    report = {"municipality": "Aabenraa", "years": list(years)}
    if warnings:
        report["warnings"] = warnings
    return format_report(report, config)


def status_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(name))


def test_provisional_statuses_say_foreloebigt():
    text = report_text(
        year(2025, True, [target("csr_maerke", 10.0, 19.0, True), target("beskaeftigelse_min", 6.0, 5.0, False, 47)])
    )
    assert "✅ Foreløbigt opfyldt" in status_of(text, "CSR-mærket")
    assert "❌ Foreløbigt ikke opfyldt" in status_of(text, "Mindst 6 %")
    final = report_text(year(2024, False, [target("csr_maerke", 10.0, 19.0, True)]))
    assert "✅ Opfyldt" in status_of(final, "CSR-mærket") and "Foreløbigt" not in final


def test_a_year_after_the_strategy_says_the_period_has_ended():
    text = report_text(year(2025, True, [target("csr_maerke", 10.0, 19.0, True)]))
    assert "Strategiperioden 2021-2024 er udløbet; de sidste mål gælder fortsat" in text
    assert "udløbet" not in report_text(year(2024, False, [target("csr_maerke", 10.0, 19.0, True)]))


def test_the_placements_target_misses_places_not_persons():
    one = report_text(year(2022, False, [target("praktikpladser", 100.0, 98.0, False, 1)]))
    assert status_of(one, "Aftalte praktik").endswith(" 1 plads")
    three = report_text(year(2022, False, [target("praktikpladser", 100.0, 95.0, False, 3, kind="obligations_met")]))
    assert status_of(three, "Aftalte praktik").endswith(" 3 pladser") and "personer" not in status_of(three, "Aftalte")
    persons = report_text(year(2022, False, [target("beskaeftigelse_min", 6.0, 5.0, False, 47)]))
    assert status_of(persons, "Mindst 6 %").endswith(" 47 personer")


def test_strictly_above_is_decided_by_the_kind_not_the_id():
    # 7,04 against 7,0 is above; "7,0 %" beside "7,0 %" would hide it, so strictness shows two decimals.
    by_kind = report_text(
        year(2022, False, [target("omegn", 7.0, 7.04, True, kind="above_neighbours", name="Over naboerne")])
    )
    assert "7,04 %" in status_of(by_kind, "Over naboerne")
    renamed = dataclasses.replace(CONFIG.target("beskaeftigelse_naboer"), id="omegn_beskaeftigelse")
    config = dataclasses.replace(CONFIG, targets=(renamed,))
    by_config = report_text(year(2022, False, [target("omegn_beskaeftigelse", 7.0, 7.04, True)]), config=config)
    assert "7,04 %" in status_of(by_config, "Beskæftigelse over")
    min_share = report_text(year(2022, False, [target("beskaeftigelse_min", 7.0, 7.04, True)]))
    assert "7,0 %" in status_of(min_share, "Mindst 6 %")


def test_the_target_name_in_force_that_year_is_used_when_the_report_has_it():
    text = report_text(year(2019, False, [target("samlet_min", 10.0, 22.0, True, name="Mindst 10 % i ordningerne")]))
    assert "Mindst 10 % i ordningerne" in text and "Mindst 15 %" not in text
    assert "Mindst 15 % i en eller flere ordninger" in report_text(
        year(2022, False, [target("samlet_min", 15, 22, True)])
    )


def test_neighbours_missing_schemes_are_one_line_each():
    text = report_text(
        year(
            2019,
            False,
            [],
            missing=["Vejen", "Kolding", "Esbjerg"],
            missing_schemes={"Tønder": ["virksomhedspraktik"], "Haderslev": ["igu", "fleksjob"]},
        )
    )
    assert "  Tønder mangler virksomhedspraktik" in text.splitlines()
    assert "  Haderslev mangler integrationsgrunduddannelse (IGU) og fleksjob" in text.splitlines()
    assert "  Mangler data fra: Vejen, Kolding og Esbjerg" in text.splitlines()


def test_warnings_differing_only_by_municipality_are_one_line():
    sentence = "{} har 0 månedslønnede ansatte i 2025: andelene kan ikke beregnes. Tjek tallene."
    names = ["Esbjerg", "Haderslev", "Kolding", "Sønderborg", "Tønder", "Vejen", "Aabenraa"]
    text = report_text(year(2025, True, []), warnings=[sentence.format(n) for n in names])
    lines = [line for line in text.splitlines() if line.startswith("Advarsel")]
    assert lines == [
        "Advarsel: Esbjerg, Haderslev, Kolding, Sønderborg, Tønder, Vejen og Aabenraa har 0 månedslønnede ansatte "
        "i 2025: andelene kan ikke beregnes. Tjek tallene."
    ]


def test_merging_keeps_messages_that_name_none_or_several_municipalities_and_the_order():
    messages = [
        "Vejen har 3 i 2019.",
        "Noget helt andet.",
        "Esbjerg og Vejen er begge nævnt.",
        "Kolding har 3 i 2019.",
        "Lyngby-Taarbæk har 3 i 2019.",
        "Kolding har 4 i 2019.",
        "Fil Esbjerg.csv: arket er sprunget over.",
        "Fil Vejen.csv: arket er sprunget over.",
    ]
    assert merge_municipalities(messages, CONFIG) == [
        "Vejen, Kolding og Lyngby-Taarbæk har 3 i 2019.",
        "Noget helt andet.",
        "Esbjerg og Vejen er begge nævnt.",
        "Kolding har 4 i 2019.",
        "Fil Esbjerg.csv: arket er sprunget over.",  # a file name is no municipality
        "Fil Vejen.csv: arket er sprunget over.",
    ]


# ---- item 7: warnings of the year reported, one line for many municipalities ------------------------------


def test_the_sample_datas_missing_november_of_six_neighbours_is_one_line():
    proc = run("report", *SAMPLE)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "Målemåned mangler" in line]
    assert len(lines) == 2  # the six neighbours in one line, Aabenraa (with more schemes) in another
    assert lines[0].startswith(
        "Advarsel: Målemåned mangler: Haderslev, Sønderborg, Tønder, Esbjerg, Vejen og Kolding 2025"
    )


def test_a_report_of_2019_warns_of_nothing_about_2025():
    proc = run("report", *SAMPLE, "--year", "2019")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("Advarsel")]
    assert warnings == []
    assert "Bemærk: Fil jobindsats_virksomhedspraktik.csv" in proc.stderr  # findings about no year stay


@pytest.fixture(scope="module")
def implausible_2022(tmp_path_factory) -> Path:
    """2019 as usual, 2022 with more than half the staff in fleksjob (a warning at import and in the report)."""
    rows = ["Kommune;Måned;Ordning;Antal"]
    for y, fleksjob in ((2019, 200), (2022, 3000)):
        for m in ("02", "05", "08", "11"):
            rows += [f"Aabenraa;{y}-{m};Ansatte i alt;4700", f"Aabenraa;{y}-{m};Fleksjob;{fleksjob}"]
    path = tmp_path_factory.mktemp("data") / "tal.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_warnings_of_another_year_are_left_out_of_a_one_year_report(implausible_2022):
    proc = run("report", str(implausible_2022), "--year", "2019")
    assert proc.returncode == 0, proc.stderr
    assert "Advarsel" not in proc.stdout and "Advarsel" not in proc.stderr
    assert "2022" not in proc.stdout + proc.stderr
    both = run("report", str(implausible_2022), "--year", "2022")
    assert "Advarsel: Fil tal.csv, række 11, kolonne D: Samlet andel over 50 %: Aabenraa har i 2022" in both.stderr
    assert "Advarsel: Samlet andel over 50 %: Aabenraa har i 2022" in both.stdout  # in the report
    every = run("report", str(implausible_2022))
    assert "Advarsel: Samlet andel over 50 %: Aabenraa har i 2022" in every.stdout


def test_the_json_of_one_year_carries_only_that_years_warnings(implausible_2022):
    import json

    quiet = json.loads(run("report", str(implausible_2022), "--year", "2019", "--json").stdout)
    assert "warnings" not in quiet
    loud = json.loads(run("report", str(implausible_2022), "--year", "2022", "--json").stdout)
    assert loud["warnings"][0].startswith("Samlet andel over 50 %: Aabenraa har i 2022")
