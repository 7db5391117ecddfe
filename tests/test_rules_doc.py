"""docs/regler.md, the project's document of the rules: every test it cites exists, every section cites one
(or says that its test follows), and the code points to it instead of a document the project does not hold."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "docs" / "regler.md"
SECTIONS = (
    "Ordningerne",
    "Årstal og årsgennemsnit",
    "Andele",
    "Mål",
    "Omegnskommuner",
    "Praktikpladser",
    "Planlægning",
    "Hvad uploads kan være",
    "Visning af tal",
)
CITATION = re.compile(r"`(tests/[\w/]+\.py)::(\w+(?:::\w+)?)`")
FOLLOWS = "(test: følger)"
SECTION = re.compile(r"^## §(\d+) (.+)$", re.MULTILINE)


def sections(text: str) -> dict[int, tuple[str, str]]:
    """§ number -> (title, body) of each numbered section of the document."""
    found = list(SECTION.finditer(text))
    return {
        int(m.group(1)): (m.group(2).strip(), text[m.end() : found[i + 1].start() if i + 1 < len(found) else None])
        for i, m in enumerate(found)
    }


@cache
def defined_tests(path: str) -> frozenset[str]:
    """The test functions a test file defines, "name" at module level and "Class::name" in a test class,
    read with ast (the file is not imported)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")
            )
    return frozenset(names)


def missing_citations(text: str) -> list[str]:
    """Every `tests/file.py::name` in the text that names no test function."""
    missing = []
    for path, name in CITATION.findall(text):
        if not (ROOT / path).is_file() or name not in defined_tests(path):
            missing.append(f"{path}::{name}")
    return missing


def uncited_sections(text: str) -> list[str]:
    """The sections that cite no test and do not say that their test follows."""
    return [
        f"§{n} {title}"
        for n, (title, body) in sections(text).items()
        if not CITATION.search(body) and FOLLOWS not in body
    ]


def checked_files() -> list[str]:
    """Every Python file of the app and the package: each must name docs/regler.md, not the old DOMAIN.md."""
    files = [
        ROOT / "app.py",
        *(ROOT / "csr").rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "app_pages").rglob("*.py"),
    ]
    return sorted(str(f.relative_to(ROOT)) for f in files)


def test_the_document_has_the_nine_sections_in_order():
    found = sections(RULES.read_text(encoding="utf-8"))
    assert [(n, title) for n, (title, _) in found.items()] == list(enumerate(SECTIONS, start=1))


def test_every_cited_test_exists():
    text = RULES.read_text(encoding="utf-8")
    assert len(CITATION.findall(text)) >= 9 * 2
    assert missing_citations(text) == []


def test_every_section_cites_a_test_or_says_that_it_follows():
    assert uncited_sections(RULES.read_text(encoding="utf-8")) == []


def test_the_strategys_2019_status_and_the_test_that_reproduces_it():
    text = RULES.read_text(encoding="utf-8")
    status = text[text.index("## Strategiens status for 2019") : text.index("## §1")]
    for figure in ("22 %", "10,2 %", "7 %", "4,9 %", "4,1 %", "6,9 %", "4 personer i 2018, 3 personer i 2019", "4.700"):
        assert figure in status
    assert "`tests/test_shares.py::test_sample_reproduces_the_strategys_2019_status`" in status


def test_the_checks_catch_a_test_that_does_not_exist_and_a_section_without_tests():
    bad = (
        "## §1 Ordningerne\nEn regel. Test: `tests/test_shares.py::test_that_was_never_written`.\n"
        "## §2 Andele\nEn regel uden test.\n"
        "## §3 Mål\nEn regel. *(test: følger)*\n"
        "## §4 Filer\nTest: `tests/no_such_file.py::test_x`.\n"
    )
    assert missing_citations(bad) == [
        "tests/test_shares.py::test_that_was_never_written",
        "tests/no_such_file.py::test_x",
    ]
    assert uncited_sections(bad) == ["§2 Andele"]
    assert "test_sample_reproduces_the_strategys_2019_status" in defined_tests("tests/test_shares.py")


def test_the_code_points_to_docs_regler_md_not_to_domain_md():
    files = checked_files()
    assert {"app.py", "csr/planning.py", "csr/shares.py", "ui/safe.py"} <= set(files)
    mentions = [path for path in files if "DOMAIN.md" in (ROOT / path).read_text(encoding="utf-8")]
    assert mentions == []
