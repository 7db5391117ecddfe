"""`python -m csr report|template` as a person runs it: JSON shape, Danish table, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).parent.parent
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csr", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def report_2019() -> dict:
    proc = run("report", *SAMPLE, "--year", "2019", "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_report_shows_the_strategys_2019_status(report_2019):
    assert report_2019["municipality"] == "Aabenraa"
    (year,) = report_2019["years"]
    assert year["year"] == 2019 and year["provisional"] is False
    assert round(year["total_share"], 1) == 22.0
    assert round(year["categories"]["beskaeftigelse"], 1) == 10.2
    assert round(year["categories"]["uddannelse"], 1) == 4.9
    assert round(year["categories"]["beredskab"], 1) == 6.9
    assert year["neighbours"]["method"] == "pooled"
    assert round(year["neighbours"]["beskaeftigelse"], 1) == 7.0
    assert round(year["neighbours"]["uddannelse"], 1) == 4.1
    assert year["neighbours"]["missing"] == []
    assert year["schemes"]["stu"]["persons"] == 3.0
    assert 4650 <= year["headcount"] <= 4750


def test_json_report_has_exactly_the_issues_shape(report_2019):
    year = report_2019["years"][0]
    assert set(report_2019) == {"municipality", "years"}
    assert set(year) == {
        "year",
        "provisional",
        "headcount",
        "schemes",
        "categories",
        "total_share",
        "neighbours",
        "targets",
    }
    assert set(year["schemes"]["fleksjob"]) == {"persons", "share"}
    fleks = year["schemes"]["fleksjob"]
    assert fleks["share"] == pytest.approx(fleks["persons"] / year["headcount"] * 100)
    ids = [t["id"] for t in year["targets"]]
    assert ids == [
        "samlet_min",
        "csr_maerke",
        "beskaeftigelse_min",
        "beskaeftigelse_naboer",
        "beredskab_min",
        "uddannelse_min",
        "uddannelse_naboer",
        "praktikpladser",
    ]
    for t in year["targets"]:
        assert set(t) == {"id", "name", "kind", "threshold", "value", "met", "gap_pp", "gap_persons"}
    by_id = {t["id"]: t for t in year["targets"]}
    assert by_id["samlet_min"]["threshold"] == 10.0  # 2019 is before 2021: the 2020 criterion applies
    assert by_id["samlet_min"]["met"] is True and by_id["samlet_min"]["gap_persons"] == 0
    assert by_id["samlet_min"]["gap_pp"] == pytest.approx(year["total_share"] - 10.0)
    assert by_id["uddannelse_min"]["met"] is False and by_id["uddannelse_min"]["gap_persons"] > 0
    assert by_id["beskaeftigelse_naboer"]["threshold"] == pytest.approx(year["neighbours"]["beskaeftigelse"])


def test_mean_method_and_all_years():
    proc = run("report", *SAMPLE, "--neighbour-method", "mean", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    years = [y["year"] for y in report["years"]]
    assert years == list(range(2018, 2026))
    assert report["years"][-1]["provisional"] is True
    y2019 = report["years"][1]
    assert y2019["neighbours"]["method"] == "mean"
    assert round(y2019["neighbours"]["beskaeftigelse"], 1) == 7.1  # the unweighted mean differs from pooled


def test_text_report_is_danish_with_decimal_commas():
    proc = run("report", *SAMPLE, "--year", "2019")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Samlet andel i ordningerne: 22,0 %" in out
    assert "10,2 %" in out and "6,9 %" in out
    assert "Ikke opfyldt" in out and "Opfyldt" in out
    assert "4.710,0" in out  # thousands dot


def test_bad_input_exits_2_with_danish_messages_and_no_traceback(tmp_path):
    bad = tmp_path / "fejl.csv"
    bad.write_text(
        "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Flexiblejob;12\nAabnraa;2019-02;Fleksjob;-3\n", encoding="utf-8"
    )
    proc = run("report", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Ukendt ordning 'Flexiblejob'" in proc.stderr
    assert "Ukendt kommune 'Aabnraa'" in proc.stderr and "Mente du 'Aabenraa'" in proc.stderr
    assert "intet er indlæst" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "er tom"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "PDF"),
    ],
)
def test_broken_files_exit_2_with_one_sentence(tmp_path, content, words):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    proc = run("report", str(path))
    assert proc.returncode == 2
    assert words in proc.stderr and "data.xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_file_and_unknown_year_exit_2(tmp_path):
    proc = run("report", str(tmp_path / "findes-ikke.xlsx"))
    assert proc.returncode == 2 and "findes-ikke.xlsx findes ikke" in proc.stderr
    proc = run("report", *SAMPLE, "--year", "2010")
    assert proc.returncode == 2 and "ingen tal for 2010" in proc.stderr
    proc = run("report", *SAMPLE, "--neighbour-method", "median")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_template_is_written_with_instructions_and_imports_back(tmp_path):
    out = tmp_path / "skabelon.xlsx"
    proc = run("template", str(out))
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["Data", "Praktikpladser", "Vejledning"]
    assert [c.value for c in wb["Data"][1]] == ["Kommune", "Måned", "Ordning", "Antal"]
    assert [c.value for c in wb["Praktikpladser"][1]] == ["År", "Uddannelse", "Aftalt", "Realiseret"]
    ws = wb["Data"]
    for month in ("2023-02", "2023-05", "2023-08", "2023-11"):
        ws.append(["Aabenraa", month, "Ansatte i alt", 4000])
        ws.append(["Aabenraa", month, "Fleksjob", 200])
    wb["Praktikpladser"].append([2023, "Kontoruddannelse", 6, 7])
    wb.save(out)
    proc = run("report", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    year = json.loads(proc.stdout)["years"][0]
    assert year["year"] == 2023 and year["schemes"]["fleksjob"]["share"] == pytest.approx(5.0)
    placements = {t["id"]: t for t in year["targets"]}["praktikpladser"]
    assert placements["met"] is True


def test_broken_configuration_names_the_key(tmp_path):
    cfg = tmp_path / "strategi.toml"
    text = (ROOT / "csr" / "strategy.toml").read_text(encoding="utf-8").replace("home = 580", "home = 9999")
    cfg.write_text(text, encoding="utf-8")
    proc = run("--config", str(cfg), "report", *SAMPLE)
    assert proc.returncode == 2
    assert "strategy.home" in proc.stderr and "9999" in proc.stderr


def test_plan_adds_persons_and_answers_the_goal_seek():
    base = json.loads(run("report", *SAMPLE, "--year", "2021", "--json").stdout)["years"][0]
    proc = run(
        "plan",
        *SAMPLE,
        "--year",
        "2021",
        "--change",
        "fleksjob=10",
        "--change",
        "beredskab=10",
        "--placement",
        "elever:8:2021-09:2021-12",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    # fleksjob and the placement join the payroll (10 + 8 × 1/4); beredskab volunteers do not
    assert plan["headcount"] == pytest.approx(base["headcount"] + 10 + 2)
    assert plan["schemes"]["beredskab"]["persons"] == pytest.approx(base["schemes"]["beredskab"]["persons"] + 10)
    assert plan["schemes"]["elever"]["persons"] == pytest.approx(base["schemes"]["elever"]["persons"] + 2)
    assert plan["scenario"]["placements"][0]["weight"] == 0.25
    by_id = {t["id"]: t for t in plan["targets"]}
    assert by_id["uddannelse_min"]["met"] is False
    need = plan["goal_seek"]["uddannelse_min"]["elever"]
    assert need == by_id["uddannelse_min"]["gap_persons"] > 0
    more = run(
        "plan",
        *SAMPLE,
        "--year",
        "2021",
        "--change",
        "fleksjob=10",
        "--change",
        "beredskab=10",
        "--placement",
        "elever:8:2021-09:2021-12",
        "--change",
        f"elever={need}",
        "--json",
    )
    assert {t["id"]: t for t in json.loads(more.stdout)["targets"]}["uddannelse_min"]["met"] is True


def test_plan_with_an_unknown_scheme_exits_2():
    proc = run("plan", *SAMPLE, "--change", "golf=5")
    assert proc.returncode == 2 and "'golf'" in proc.stderr and "Traceback" not in proc.stderr


def test_import_persists_across_processes_and_undo_restores(tmp_path):
    store = str(tmp_path / "lager")
    proc = run("import", *SAMPLE, "--data-dir", store, "--who", "HR")
    assert proc.returncode == 0, proc.stderr
    assert "Import nr. 1 er gemt" in proc.stdout and "49 praktikpladser" in proc.stdout
    # a new process reads the store: the same figures as straight from the files
    stored = json.loads(run("report", "--data-dir", store, "--year", "2019", "--json").stdout)
    (year,) = stored["years"]
    assert round(year["total_share"], 1) == 22.0 and round(year["neighbours"]["uddannelse"], 1) == 4.1
    again = run("import", SAMPLE[0], "--data-dir", store)
    assert again.returncode == 2 and "allerede indlæst" in again.stderr and "import nr. 1" in again.stderr
    # a correction supersedes one figure; undoing it brings the old one back
    fix = tmp_path / "rettelse.csv"
    fix.write_text("Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Frivillige i beredskabet;1000\n", encoding="utf-8")
    assert run("import", str(fix), "--data-dir", store).returncode == 0
    corrected = json.loads(run("report", "--data-dir", store, "--year", "2019", "--json").stdout)["years"][0]
    assert corrected["schemes"]["beredskab"]["persons"] > year["schemes"]["beredskab"]["persons"] + 150
    history = run("history", "--data-dir", store)
    assert "Import nr. 2" in history.stdout and "rettelse.csv" in history.stdout and "HR" in history.stdout
    undo = run("undo", "2", "--data-dir", store)
    assert undo.returncode == 0 and "går 1 tal tilbage" in undo.stdout
    restored = json.loads(run("report", "--data-dir", store, "--year", "2019", "--json").stdout)["years"][0]
    assert restored["schemes"]["beredskab"] == year["schemes"]["beredskab"]


def test_report_on_an_empty_store_says_what_to_do(tmp_path):
    proc = run("report", "--data-dir", str(tmp_path / "tom"))
    assert proc.returncode == 2 and "lageret er tomt" in proc.stderr
    assert run("undo", "7", "--data-dir", str(tmp_path / "tom")).returncode == 2
