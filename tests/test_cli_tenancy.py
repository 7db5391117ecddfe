"""`python -m csr --municipality KOMMUNE ...`: each municipality of a shared PostgreSQL sees and changes only its
own imports, reports, settings, audit entries, scenarios and profiles through the command line; `host` is the host
administrator's national data, read by every municipality and undone by none of them. SQLite has one municipality.

Municipality A = Aabenraa (580) imports the sample data, B = Haderslev (510) a small file of its own whose figures
are the same every month, so its shares are computed here by hand. The CLI runs in-process (`csr.__main__.main`)
on the database of `tenancy_support.host`, as the app's role; the host administrator as the tables' owner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from national_support import national_workbook
from openpyxl import load_workbook
from test_mapping import UNKNOWN_CSV, afdelingstal

from csr.__main__ import EXIT_INPUT, main
from csr.config import default_config
from csr.planning import Scenario
from csr.store import NATIONAL_BATCHES, Store

pytest_plugins = ("postgres_support", "tenancy_support")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
CONFIG = default_config()
A, B = 580, 510

# B's own file: (headcount, fleksjob, elever) every month of 2019, for Haderslev and for its neighbours, which
# are the strategy file's with Aabenraa in Haderslev's place (csr.settings.for_municipality).
B_FIGURES = {
    510: (2000, 50, 30),
    561: (3000, 60, 30),
    580: (4000, 100, 20),
    621: (5000, 150, 50),
    540: (2500, 25, 25),
    550: (1000, 20, 10),
    575: (1500, 30, 15),
}
# A's own small file (for the tests that need data but not the sample's): Aabenraa and the file's neighbours.
A_FIGURES = {580: (1000, 30, 10), **{code: (2000, 40, 20) for code in CONFIG.neighbours}}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process: (exit code, standard output, standard error)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def monthly_file(path: Path, figures: dict[int, tuple[int, int, int]], year: int = 2019) -> Path:
    """A long CSV (Kommune;Måned;Ordning;Antal) with the same headcount, fleksjob and elever every month."""
    names = (CONFIG.headcount_name, CONFIG.scheme("fleksjob").name, CONFIG.scheme("elever").name)
    lines = ["Kommune;Måned;Ordning;Antal"]
    for code, values in figures.items():
        for month in range(1, 13):
            lines += [f"{code};{year}-{month:02d};{name};{value}" for name, value in zip(names, values, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected(figures: dict[int, tuple[int, int, int]], home: int, neighbours: list[int]) -> dict:
    """The year's figures by hand: constant months make every annual figure the month's; the neighbours' average
    is pooled (the sum of persons over the sum of headcounts)."""
    headcount, fleksjob, elever = figures[home]
    pooled = [sum(figures[c][k] for c in neighbours) for k in range(3)]
    return {
        "headcount": headcount,
        "fleksjob": fleksjob / headcount * 100,
        "elever": elever / headcount * 100,
        "total": (fleksjob + elever) / headcount * 100,
        "neighbours_beskaeftigelse": pooled[1] / pooled[0] * 100,
        "neighbours_uddannelse": pooled[2] / pooled[0] * 100,
    }


def b_neighbours() -> list[int]:
    return [A if c == B else c for c in CONFIG.neighbours]


def report(capsys, who: str, *args: str) -> dict:
    code, out, err = run_cli(capsys, "--municipality", who, "report", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def year_of(report: dict, year: int) -> dict:
    return next(y for y in report["years"] if y["year"] == year)


def history_lines(capsys, who: str) -> list[str]:
    code, out, err = run_cli(capsys, "--municipality", who, "history")
    assert code == 0, err
    return out.splitlines()


def audit(capsys, who: str) -> list[dict]:
    code, out, err = run_cli(capsys, "--municipality", who, "audit", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def shared(host, monkeypatch):
    """The shared host's database as the app's connection (CSR_DATABASE_URL), no municipality in the environment."""
    monkeypatch.setenv("CSR_DATABASE_URL", host.app_url)
    monkeypatch.delenv("CSR_MUNICIPALITY", raising=False)
    return host


def test_each_municipality_sees_its_own_imports_reports_and_audit_and_cannot_undo_the_others(shared, capsys, tmp_path):
    krl = str(SAMPLE / "krl_ansatte_og_ordninger.xlsx")
    others = [str(SAMPLE / "egne_lister.xlsx"), str(SAMPLE / "jobindsats_virksomhedspraktik.csv")]
    assert run_cli(capsys, "--municipality", "Aabenraa", "import", krl, "--who", "Anne A")[0] == 0
    assert run_cli(capsys, "--municipality", "580", "import", *others, "--who", "Anne A")[0] == 0
    b_file = monthly_file(tmp_path / "haderslev.csv", B_FIGURES)
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "import", str(b_file), "--who", "Bo B")
    assert code == 0, err

    # history: A's two imports, B's one (numbered from 1 in each municipality), each file only where imported.
    a_history, b_history = history_lines(capsys, "Aabenraa"), history_lines(capsys, "510")
    assert [line.split(":")[0] for line in a_history] == ["Import nr. 2", "Import nr. 1"]
    assert "egne_lister.xlsx" in a_history[0] and "krl_ansatte_og_ordninger.xlsx" in a_history[1]
    assert all("Anne A" in line for line in a_history)
    assert len(b_history) == 1 and b_history[0].startswith("Import nr. 1:")
    assert "haderslev.csv" in b_history[0] and "Bo B" in b_history[0]
    assert "haderslev.csv" not in "".join(a_history) and "krl_" not in b_history[0]

    # report --json: each its own home with its own figures.
    a_report, b_report = report(capsys, "Aabenraa", "--year", "2019"), report(capsys, "Haderslev")
    assert a_report["municipality"] == "Aabenraa" and b_report["municipality"] == "Haderslev"
    a_2019 = year_of(a_report, 2019)
    # The sample's 2019 as tests/test_cli.py has it from the files alone (no store).
    assert round(a_2019["total_share"], 1) == 22.0
    assert round(a_2019["categories"]["beskaeftigelse"], 1) == 10.2
    assert round(a_2019["neighbours"]["beskaeftigelse"], 1) == 7.0
    assert a_2019["schemes"]["stu"]["persons"] == 3.0
    assert [y["year"] for y in b_report["years"]] == [2019]
    b_2019 = year_of(b_report, 2019)
    want = expected(B_FIGURES, B, b_neighbours())
    assert b_2019["headcount"] == want["headcount"] == 2000
    assert b_2019["schemes"]["fleksjob"]["share"] == pytest.approx(want["fleksjob"])  # 2.5 %
    assert b_2019["schemes"]["elever"]["share"] == pytest.approx(want["elever"])  # 1.5 %
    assert b_2019["total_share"] == pytest.approx(want["total"])  # 4.0 %
    assert b_2019["neighbours"]["beskaeftigelse"] == pytest.approx(want["neighbours_beskaeftigelse"])  # 385/17000
    assert b_2019["neighbours"]["uddannelse"] == pytest.approx(want["neighbours_uddannelse"])  # 150/17000
    assert b_2019["neighbours"]["missing"] == []  # Aabenraa's row of B's own file counts as B's neighbour

    # undo: B has no import nr. 2 (A's); it says so, and A's data and history are as they were.
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "undo", "2", "--who", "Bo B")
    assert code == EXIT_INPUT and "findes ikke" in err and "Traceback" not in err
    assert "fortrudt" not in out
    assert history_lines(capsys, "Aabenraa") == a_history
    assert year_of(report(capsys, "Aabenraa", "--year", "2019"), 2019) == a_2019
    # B's undo of its own nr. 1 leaves A's nr. 1 alone.
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "undo", "1", "--who", "Bo B")
    assert code == 0, err
    assert "Import nr. 1 er fortrudt." in out
    assert history_lines(capsys, "Aabenraa") == a_history
    assert "fortrudt" in history_lines(capsys, "Haderslev")[0]

    # audit --json: each municipality's own entries only.
    a_audit, b_audit = audit(capsys, "Aabenraa"), audit(capsys, "Haderslev")
    assert [(e["who"], e["event"]) for e in a_audit] == [("Anne A", "import"), ("Anne A", "import")]
    assert [(e["who"], e["event"]) for e in b_audit] == [("Bo B", "import"), ("Bo B", "undo")]


def test_settings_are_each_municipalitys_own(shared, capsys, tmp_path):
    code, a_show, err = run_cli(capsys, "--municipality", "Aabenraa", "settings", "show")
    assert code == 0, err
    assert "Hjemkommune: Aabenraa (580)" in a_show
    code, b_show, err = run_cli(capsys, "--municipality", "Haderslev", "settings", "show")
    assert code == 0, err
    assert "Hjemkommune: Haderslev (510)" in b_show
    assert "Omegnskommuner: Esbjerg (561), Aabenraa (580), Kolding (621)" in b_show  # the file's, 580 for 510

    # A's export names home 580: B importing it is refused and B's settings stay as they were.
    a_toml = tmp_path / "aabenraa.toml"
    assert run_cli(capsys, "--municipality", "Aabenraa", "settings", "export", str(a_toml))[0] == 0
    assert "home = 580" in a_toml.read_text(encoding="utf-8")
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "settings", "import", str(a_toml), "--who", "Bo B")
    assert code == EXIT_INPUT and "Traceback" not in err
    assert "Hjemkommunen er Haderslev (510)" in err and "Aabenraa (580)" in err
    assert run_cli(capsys, "--municipality", "Haderslev", "settings", "show")[1] == b_show

    # B saves neighbours of its own: A's stay the file's; B's report computes with B's.
    b_toml = tmp_path / "haderslev.toml"
    b_toml.write_text("[strategy]\nneighbours = [561, 580, 621]\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "--municipality", "510", "settings", "import", str(b_toml), "--who", "Bo B")
    assert code == 0, err
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "settings", "export")
    assert code == 0, err
    assert "home = 510" in out and "neighbours = [561, 580, 621]" in out
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "settings", "show")
    assert "Omegnskommuner: Esbjerg (561), Aabenraa (580), Kolding (621)\n" in out and "af Bo B" in out
    assert run_cli(capsys, "--municipality", "Aabenraa", "settings", "show")[1] == a_show
    b_file = monthly_file(tmp_path / "haderslev.csv", B_FIGURES)
    assert run_cli(capsys, "--municipality", "Haderslev", "import", str(b_file))[0] == 0
    b_2019 = year_of(report(capsys, "Haderslev"), 2019)
    assert b_2019["neighbours"]["beskaeftigelse"] == pytest.approx(
        expected(B_FIGURES, B, [561, 580, 621])["neighbours_beskaeftigelse"]  # 310/12000
    )
    # B's file given to A's report is computed with A's settings: A's home and the file's neighbours.
    a_2019 = year_of(report(capsys, "Aabenraa", str(b_file)), 2019)
    assert a_2019["headcount"] == 4000
    assert a_2019["neighbours"]["beskaeftigelse"] == pytest.approx(
        expected(B_FIGURES, A, list(CONFIG.neighbours))["neighbours_beskaeftigelse"]
    )

    # reset in B: the file's again, for B; A's audit has none of B's entries.
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "settings", "reset", "--who", "Bo B")
    assert code == 0, err
    assert run_cli(capsys, "--municipality", "Haderslev", "settings", "show")[1].startswith(b_show.split("Kilde")[0])
    assert audit(capsys, "Aabenraa") == []
    assert [e["event"] for e in audit(capsys, "Haderslev")] == ["settings", "import", "settings"]


def test_scenarios_and_profiles_stay_with_their_municipality(shared, capsys, tmp_path):
    a = Store(shared.app_url, tenant=A)
    a.save_profile("Afdelingstal", afdelingstal().to_dict(), who="Anne A")  # a shape only A's profile reads
    a_file = monthly_file(tmp_path / "a.csv", A_FIGURES)
    assert run_cli(capsys, "--municipality", "Aabenraa", "import", str(a_file))[0] == 0
    (tmp_path / "afdelinger.csv").write_bytes(UNKNOWN_CSV)
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "import", str(tmp_path / "afdelinger.csv"))
    assert code == EXIT_INPUT and "Ingen brugbar tabel" in err and "profilen" not in err
    code, out, err = run_cli(capsys, "--municipality", "Aabenraa", "report", str(tmp_path / "afdelinger.csv"))
    assert code == 0 and "læst med profilen 'Afdelingstal'" in err
    a.save_scenario("Flere elever", Scenario(2019, {"elever": 5}, 0, ()).to_dict(), who="Anne A")
    b_file = monthly_file(tmp_path / "haderslev.csv", B_FIGURES)
    assert run_cli(capsys, "--municipality", "Haderslev", "import", str(b_file))[0] == 0

    code, out, err = run_cli(capsys, "--municipality", "Aabenraa", "profiles")
    assert code == 0 and out.startswith("Afdelingstal: ")
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "profiles")
    assert code == 0 and out.startswith("Ingen gemte importprofiler.")
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "profiles", "delete", "Afdelingstal")
    assert code == EXIT_INPUT and "Profilen 'Afdelingstal' findes ikke." in err
    assert [p.name for p in a.profiles()] == ["Afdelingstal"]

    code, out, err = run_cli(
        capsys, "--municipality", "Haderslev", "export", "--year", "2019", "--scenario", "Flere elever",
        "--out", str(tmp_path / "b.xlsx"),
    )  # fmt: skip
    assert code == EXIT_INPUT and "Scenariet 'Flere elever' findes ikke." in err
    assert not (tmp_path / "b.xlsx").exists()
    code, out, err = run_cli(
        capsys, "--municipality", "Aabenraa", "export", "--year", "2019", "--scenario", "Flere elever",
        "--out", str(tmp_path / "a.xlsx"),
    )  # fmt: skip
    assert code == 0, err
    wb = load_workbook(tmp_path / "a.xlsx")
    assert "Udsigt – plan" in wb.sheetnames
    overview = " ".join(str(c.value) for row in wb["Oversigt"].iter_rows() for c in row if c.value is not None)
    assert "Aabenraa" in overview


def test_the_hosts_national_data_are_read_by_both_and_undone_by_neither(shared, capsys, tmp_path, monkeypatch):
    assert (
        run_cli(capsys, "--municipality", "Aabenraa", "import", str(monthly_file(tmp_path / "a.csv", A_FIGURES)))[0]
        == 0
    )
    assert (
        run_cli(capsys, "--municipality", "Haderslev", "import", str(monthly_file(tmp_path / "b.csv", B_FIGURES)))[0]
        == 0
    )
    for who in ("Aabenraa", "Haderslev"):
        assert all("national" not in y for y in report(capsys, who)["years"])

    national = tmp_path / "landsdata.xlsx"
    national.write_bytes(national_workbook())
    monkeypatch.setenv("CSR_DATABASE_URL", shared.owner_url)  # the host administrator: the tables' owner
    code, out, err = run_cli(capsys, "--municipality", "host", "import", str(national), "--who", "Værten")
    assert code == 0, err
    # The national data have no home to be "outside the neighbours" of (the strategy file's home is no one's here).
    assert "omegn" not in err and "Aabenraa" not in err, err
    batch = NATIONAL_BATCHES + 1
    host_history = history_lines(capsys, "host")
    assert len(host_history) == 1 and host_history[0].startswith(f"Import nr. {batch}:")
    assert [e["event"] for e in audit(capsys, "host")] == ["import"]
    out_file = str(tmp_path / "landet.pdf")
    for command in (["report"], ["plan"], ["export", "--out", out_file], ["settings", "show"], ["settings", "reset"]):
        # a municipality's, not the host's
        code, out, err = run_cli(capsys, "--municipality", "host", *command)
        assert code == EXIT_INPUT and out == "" and "værten (host)" in err, command
    monkeypatch.setenv("CSR_DATABASE_URL", shared.app_url)

    municipalities = len(CONFIG.municipalities)
    for who, code_of in (("Aabenraa", A), ("Haderslev", B)):
        got = report(capsys, who)
        assert got["municipality"] == who
        years = {y["year"]: y for y in got["years"]}
        assert sorted(years) == list(range(2018, 2026))  # the national years besides the municipality's 2019
        assert years[2018]["national"]["municipalities"] == municipalities
        # 2019's home figures are the municipality's own (its own rows win over the national ones).
        assert years[2019]["schemes"]["fleksjob"]["persons"] == (A_FIGURES if code_of == A else B_FIGURES)[code_of][1]
        lines = history_lines(capsys, who)
        assert len(lines) == 1 and lines[0].startswith("Import nr. 1:")  # the national batch is not theirs
        code, out, err = run_cli(capsys, "--municipality", who, "undo", str(batch))
        assert code == EXIT_INPUT and "kun værtens administrator kan fortryde den" in err
        assert "Traceback" not in err


def test_an_unknown_municipality_names_the_nearest_and_db_ignores_it(capsys, tmp_path):
    code, out, err = run_cli(capsys, "--municipality", "Haderslv", "history", "--data-dir", str(tmp_path))
    assert code == EXIT_INPUT and out == "" and "Traceback" not in err
    assert "Fejl: kommunen 'Haderslv' (--municipality) kendes ikke. Mente du Haderslev" in err
    code, out, err = run_cli(capsys, "--municipality", "9999", "report", "--data-dir", str(tmp_path))
    assert code == EXIT_INPUT and "kommunen '9999' (--municipality) kendes ikke" in err
    assert not (tmp_path / "csr.sqlite").exists()  # refused before the store is opened
    code, out, err = run_cli(capsys, "--municipality", "Atlantis", "db", "current", "--data-dir", str(tmp_path))
    assert code == 0 and out.startswith("Databasen er tom"), err


def test_sqlite_has_only_its_home(capsys, tmp_path):
    data_dir = str(tmp_path / "lager")
    b_file = str(monthly_file(tmp_path / "haderslev.csv", B_FIGURES))
    for who in ("Haderslev", "510", "host"):
        code, out, err = run_cli(capsys, "--municipality", who, "import", b_file, "--data-dir", data_dir)
        assert code == EXIT_INPUT and out == "" and "Traceback" not in err
        assert "lageret er SQLite-databasen med én kommune, Aabenraa (580)" in err and "kræver PostgreSQL" in err
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "report", b_file, "--data-dir", data_dir)
    assert code == EXIT_INPUT and "med én kommune" in err  # files alone too: they are not computed as B's here
    assert not Path(data_dir, "csr.sqlite").exists()
    code, out, err = run_cli(capsys, "--municipality", "Aabenraa Kommune", "import", b_file, "--data-dir", data_dir)
    assert code == 0, err
    code, out, err = run_cli(capsys, "--municipality", "Aabenraa", "history", "--data-dir", data_dir)
    assert code == 0 and out.startswith("Import nr. 1:") and "haderslev.csv" in out
    code, out, err = run_cli(capsys, "--municipality", "580", "report", "--json", "--data-dir", data_dir)
    assert code == 0 and json.loads(out)["municipality"] == "Aabenraa"
    assert json.loads(out)["years"][0]["headcount"] == B_FIGURES[A][0]  # the file's Aabenraa rows are the home's


def test_a_data_dir_beside_the_database_is_sqlite_with_one_municipality(shared, capsys, tmp_path):
    code, out, err = run_cli(capsys, "--municipality", "Haderslev", "history", "--data-dir", str(tmp_path))
    assert code == EXIT_INPUT and "lageret er SQLite-databasen med én kommune" in err
    b_file = str(monthly_file(tmp_path / "haderslev.csv", B_FIGURES))
    assert run_cli(capsys, "--municipality", "Aabenraa", "import", b_file, "--data-dir", str(tmp_path))[0] == 0
    assert history_lines(capsys, "Aabenraa") == ["Lageret er tomt: ingen importer endnu."]  # PostgreSQL's A


def test_csr_municipality_in_the_environment_is_checked_as_the_option_is(shared, capsys, tmp_path, monkeypatch):
    b_file = str(monthly_file(tmp_path / "haderslev.csv", B_FIGURES))
    monkeypatch.setenv("CSR_MUNICIPALITY", "Haderslev")
    assert run_cli(capsys, "import", b_file, "--who", "Bo B")[0] == 0
    code, out, err = run_cli(capsys, "report", "--json")
    assert code == 0 and json.loads(out)["municipality"] == "Haderslev"
    assert history_lines(capsys, "Aabenraa") == ["Lageret er tomt: ingen importer endnu."]  # the option wins
    monkeypatch.setenv("CSR_MUNICIPALITY", "Haderslv")
    code, out, err = run_cli(capsys, "history")
    assert code == EXIT_INPUT and "kommunen 'Haderslv' (CSR_MUNICIPALITY) kendes ikke. Mente du Haderslev" in err
    monkeypatch.setenv("CSR_MUNICIPALITY", "host")
    code, out, err = run_cli(capsys, "settings", "show")
    assert code == EXIT_INPUT and "værten (host) har" in err


def test_only_the_tables_owner_changes_the_national_data(shared, capsys, tmp_path, monkeypatch):
    small = monthly_file(tmp_path / "landet.csv", {**B_FIGURES, 101: (9000, 90, 90)})  # København beyond the rest
    refused = "de fælles landsdata ændres kun af værtens administrator, forbundet som ejeren af databasens tabeller"
    code, out, err = run_cli(capsys, "--municipality", "host", "import", str(small))  # the app's role
    assert code == EXIT_INPUT and refused in err and out == ""
    monkeypatch.setenv("CSR_DATABASE_URL", shared.owner_url)
    assert run_cli(capsys, "--municipality", "host", "import", str(small), "--who", "Værten")[0] == 0
    batch = NATIONAL_BATCHES + 1
    monkeypatch.setenv("CSR_DATABASE_URL", shared.app_url)
    code, out, err = run_cli(capsys, "--municipality", "host", "undo", str(batch))
    assert code == EXIT_INPUT and refused in err and out == ""  # no preview of an undo that does not happen
    assert history_lines(capsys, "host")[0].endswith("– aktiv")  # the app's role reads the national batches
    assert report(capsys, "Haderslev")["years"][0]["headcount"] == B_FIGURES[B][0]  # B computes with them
    monkeypatch.setenv("CSR_DATABASE_URL", shared.owner_url)
    code, out, err = run_cli(capsys, "--municipality", "host", "undo", str(batch), "--who", "Værten")
    assert code == 0 and f"Import nr. {batch} er fortrudt." in out, err
    assert history_lines(capsys, "host")[0].endswith("– fortrudt")
