"""A neighbour with partial data (docs/regler.md, "Omegnskommuner"): each scheme's neighbour figure is
taken over the neighbours that have that scheme; a category's figure is the sum of its schemes' figures;
every view names who lacks which scheme."""

from __future__ import annotations

import pytest

from csr import text
from csr.export.content import neighbour_tables
from csr.report import year_report
from csr.shares import comparison_groups, compute, scope_share

TONDER = 550


@pytest.fixture(scope="module")
def partial(sample_import, config):
    """The sample data without Tønder's virksomhedspraktik rows for 2019."""
    data = sample_import.data
    drop = (data["code"] == TONDER) & (data["year"] == 2019) & (data["scheme"] == "virksomhedspraktik")
    assert drop.sum() == 12
    return compute(data[~drop].reset_index(drop=True), sample_import.placements, config)


def by_hand(figures, config, year: int, group: str, method: str) -> float:
    """The rule written out: per scheme over the neighbours that have it, then summed."""
    shares = figures.shares
    total = 0.0
    for scheme in comparison_groups(config)[group]:
        rows = shares[(shares["year"] == year) & (shares["scheme"] == scheme) & shares["code"].isin(config.neighbours)]
        if method == "pooled":
            total += rows["persons"].sum() / rows["headcount"].sum() * 100
        else:
            total += rows["share"].mean()
    return total


def test_employment_average_is_taken_per_scheme_over_the_neighbours_that_have_it(partial, config):
    figure = partial.neighbour(2019, "beskaeftigelse")
    expected = by_hand(partial, config, 2019, "beskaeftigelse", "pooled")
    assert figure.average == pytest.approx(expected, rel=1e-12)
    # Tønder's virksomhedspraktik counted as 0 (the old computation) gives 6,89 %: not the rule
    sub = partial.shares[(partial.shares["year"] == 2019) & partial.shares["code"].isin(config.neighbours)]
    zero = scope_share(sub, comparison_groups(config)["beskaeftigelse"])
    as_zero = zero["persons"].sum() / zero["headcount"].sum() * 100
    assert round(as_zero, 2) == 6.89
    assert round(figure.average, 2) == 6.99 and round(as_zero, 2) != round(figure.average, 2)
    assert figure.missing == () and "Tønder" in figure.included
    assert dict(figure.missing_schemes) == {"Tønder": ("virksomhedspraktik",)}
    assert partial.neighbour(2019, "uddannelse").missing_schemes == {}
    assert partial.neighbour(2020, "beskaeftigelse").missing_schemes == {}


def test_mean_method_is_per_scheme_too(sample_import, config):
    data = sample_import.data
    drop = (data["code"] == TONDER) & (data["year"] == 2019) & (data["scheme"] == "virksomhedspraktik")
    mean = compute(data[~drop].reset_index(drop=True), sample_import.placements, config, "mean")
    expected = by_hand(mean, config, 2019, "beskaeftigelse", "mean")
    assert mean.neighbour(2019, "beskaeftigelse").average == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("method", ["pooled", "mean"])
def test_with_complete_data_the_sum_of_scheme_figures_is_the_pooled_category(sample_import, config, method):
    figures = compute(sample_import.data, sample_import.placements, config, method)
    shares = figures.shares[figures.shares["code"].isin(config.neighbours)]
    for f in figures.neighbours:
        whole = scope_share(shares[shares["year"] == f.year], comparison_groups(config)[f.group])
        if method == "pooled":
            expected = whole["persons"].sum() / whole["headcount"].sum() * 100
        else:
            expected = whole["share"].mean()
        assert f.average == pytest.approx(expected, rel=1e-12), (f.year, f.group)
        assert f.complete


def test_every_view_names_who_lacks_which_scheme(partial, config):
    sentence = text.missing_neighbours_sentence(partial.neighbours, config, 2019)
    assert "Alle 6 omegnskommuner har data" not in sentence
    assert "Tønder for virksomhedspraktik" in sentence
    assert text.missing_neighbours_sentence(partial.neighbours, config, 2020) == (
        "Alle 6 omegnskommuner har data for 2020."
    )
    caption = text.neighbour_caption(partial.neighbours, config, 2019, "beskaeftigelse", 1, 7)
    assert "Tønder mangler tal for virksomhedspraktik" in caption
    note = partial.target(2019, "beskaeftigelse_naboer").note
    assert note == "Tønder mangler tal for virksomhedspraktik; gennemsnittet for den er beregnet uden Tønder."
    assert "Tønder mangler tal for virksomhedspraktik" in text.target_sentence(
        partial, config, 2019, "beskaeftigelse_min"
    )
    assert "Tønder" in neighbour_tables(partial, config, 2019)["omegn_beskaeftigelse"].note
    assert neighbour_tables(partial, config, 2019)["omegn_uddannelse"].note == ""
    neighbours = year_report(partial, config, 2019)["neighbours"]
    assert neighbours["missing"] == []
    assert neighbours["missing_schemes"] == {"Tønder": ["virksomhedspraktik"]}
    assert neighbours["beskaeftigelse"] == pytest.approx(partial.neighbour(2019, "beskaeftigelse").average)


def test_the_scheme_table_average_column_follows_the_rule(partial, config):
    from csr.charts import neighbour_scheme_table

    table = neighbour_scheme_table(partial.shares, config, 2019, "beskaeftigelse", "pooled")
    column = next(c for c in table.columns if c.startswith("Omegnsgennemsnit"))
    figure = partial.neighbour(2019, "beskaeftigelse")
    assert float(table[column].iloc[-1]) == pytest.approx(figure.average)
    assert float(table[column].iloc[0]) == pytest.approx(figure.schemes["virksomhedspraktik"])
    assert sum(float(v) for v in table[column].iloc[:-1]) == pytest.approx(figure.average)


def test_the_omegnskommuner_page_names_the_missing_scheme(tmp_path, monkeypatch, config):
    import dataclasses
    from pathlib import Path

    from markdown_support import seen
    from streamlit.testing.v1 import AppTest

    from csr.importers import import_files
    from csr.store import Store

    root = Path(__file__).resolve().parents[1]
    files = sorted(p for p in (root / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
    result = import_files(files, config, isolate=False)
    data = result.data
    drop = (data["code"] == TONDER) & (data["year"] == 2019) & (data["scheme"] == "virksomhedspraktik")
    result = dataclasses.replace(result, data=data[~drop].reset_index(drop=True))
    directory = tmp_path / "lager"
    Store(directory).add_batch([(p.name, p.read_bytes()) for p in files], result, who="Test")
    monkeypatch.setenv("CSR_DATA_DIR", str(directory))
    at = AppTest.from_file(str(root / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/omegnskommuner.py").run()
    at.selectbox(key="year").select(2019).run()
    assert not at.exception
    shown = " ".join(seen(m.value) for m in at.markdown) + " ".join(seen(c.value) for c in at.caption)
    assert "Alle 6 omegnskommuner har data" not in shown
    assert "Mangler tal for 2019 fra Tønder for virksomhedspraktik" in shown
    assert "Tønder mangler tal for virksomhedspraktik" in shown
    assert "mod 7,0 % som omegnskommunernes samlede gennemsnit" in shown
