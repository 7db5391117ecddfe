"""Typed results (docs/regler.md): `TargetStatus`, `NeighbourFigure` and `HomeYear` instead of object
columns of None/NaN; target names that follow the year's threshold; one total share."""

from __future__ import annotations

import copy
import math
import tomllib

import pytest

from csr import text
from csr.config import DEFAULT_CONFIG, ConfigError, parse_config
from csr.report import build_report, year_report
from csr.shares import NeighbourFigure, TargetStatus


def test_targets_and_neighbours_are_typed_without_nan(sample_figures):
    assert sample_figures.targets and all(isinstance(t, TargetStatus) for t in sample_figures.targets)
    assert all(isinstance(f, NeighbourFigure) for f in sample_figures.neighbours)
    for t in sample_figures.targets:
        assert t.met is None or type(t.met) is bool
        assert t.gap_persons is None or type(t.gap_persons) is int
        for value in (t.value, t.threshold, t.gap_pp):
            assert value is None or (type(value) is float and math.isfinite(value))
        assert type(t.note) is str and type(t.name) is str
        assert t.strict == (t.kind == "above_neighbours")
    for f in sample_figures.neighbours:
        assert f.average is None or (type(f.average) is float and math.isfinite(f.average))


def test_frames_derived_from_the_results_use_nullable_dtypes(sample_figures):
    frame = sample_figures.targets_frame()
    assert str(frame["value"].dtype) == "Float64" and str(frame["threshold"].dtype) == "Float64"
    assert str(frame["met"].dtype) == "boolean" and str(frame["gap_persons"].dtype) == "Int64"
    assert len(frame) == len(sample_figures.targets)
    nb = sample_figures.neighbours_frame()
    assert str(nb["average"].dtype) == "Float64" and str(nb["home"].dtype) == "Float64"


def test_accessors(sample_figures, config):
    assert sample_figures.provisional_years(config) == (2025,)
    assert sample_figures.latest_complete_year(config) == 2024
    assert [t.id for t in sample_figures.targets_in(2019)] == [t.id for t in config.targets]
    assert sample_figures.target(2019, "beskaeftigelse_naboer").threshold == pytest.approx(
        sample_figures.neighbour(2019, "beskaeftigelse").average
    )
    assert sample_figures.target(2030, "samlet_min") is None
    assert sample_figures.neighbour(2019, "beredskab") is None  # not in the comparison
    row = sample_figures.home_row(2019, config)
    assert row.municipality == "Aabenraa" and not row.provisional and row.missing_schemes == ()
    assert sample_figures.home_row(2030, config) is None


def test_the_shown_numbers_are_unchanged_with_complete_data(sample_figures, config):
    row = sample_figures.home_row(2019, config)
    assert text.pct(row.total_share) == "22,0 %"
    assert text.pct(row.categories["beskaeftigelse"]) == "10,2 %"
    assert text.pct(row.categories["uddannelse"]) == "4,9 %"
    assert text.pct(row.categories["beredskab"]) == "6,9 %"
    assert text.pct(sample_figures.neighbour(2019, "beskaeftigelse").average) == "7,0 %"
    assert text.pct(sample_figures.neighbour(2019, "uddannelse").average) == "4,1 %"


def test_total_share_and_the_overall_target_are_the_same_float(sample_figures, config):
    for year in sample_figures.home_years(config):
        report = year_report(sample_figures, config, year)
        overall = next(t for t in report["targets"] if t["id"] == "samlet_min")
        assert report["total_share"] == overall["value"]  # exactly: computed once
        assert report["total_share"] == pytest.approx(sample_figures.home_row(year, config).total_share)


# ---- target names follow the year ------------------------------------------------------------------


def test_target_names_follow_the_threshold_in_force(sample_figures, config):
    assert sample_figures.target(2020, "samlet_min").name == "Mindst 10 % i en eller flere ordninger"
    assert sample_figures.target(2020, "samlet_min").threshold == 10.0
    assert sample_figures.target(2021, "samlet_min").name == "Mindst 15 % i en eller flere ordninger"
    assert sample_figures.target(2021, "samlet_min").threshold == 15.0
    cards = {c["id"]: c for c in text.target_cards(sample_figures.targets, 2020)}
    assert cards["samlet_min"]["name"] == "Mindst 10 % i en eller flere ordninger"
    assert cards["samlet_min"]["threshold"] == "Mål i 2020: mindst 10 %"
    report = build_report(sample_figures, config)
    names = {y["year"]: {t["id"]: (t["name"], t["kind"]) for t in y["targets"]} for y in report["years"]}
    assert names[2020]["samlet_min"] == ("Mindst 10 % i en eller flere ordninger", "min_share")
    assert names[2021]["samlet_min"] == ("Mindst 15 % i en eller flere ordninger", "min_share")
    assert names[2021]["beskaeftigelse_naboer"][1] == "above_neighbours"
    for year in (2018, 2019, 2020, 2021, 2025):  # every shown name states the threshold it is shown beside
        t = sample_figures.target(year, "samlet_min")
        assert text.target_pct(t.threshold) in t.name


def raw_config() -> dict:
    return tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def overall(raw: dict) -> dict:
    return next(t for t in raw["targets"] if t["id"] == "samlet_min")


def test_a_name_stating_another_threshold_is_a_danish_config_error():
    raw = raw_config()
    overall(raw)["thresholds"] = [{"from": 2020, "value": 10.0}, {"from": 2021, "value": 15.0}]
    with pytest.raises(ConfigError, match="hedder 'Mindst 15 % i en eller flere ordninger' fra 2020, men tærsklen"):
        parse_config(raw)


def test_a_name_template_fills_in_the_threshold():
    raw = raw_config()
    overall(raw)["name"] = "Mindst {threshold} i en eller flere ordninger"
    overall(raw)["thresholds"] = [{"from": 2020, "value": 10.0}, {"from": 2021, "value": 12.5}]
    target = parse_config(raw).target("samlet_min")
    assert target.name_in(2020) == "Mindst 10 % i en eller flere ordninger"
    assert target.name_in(2021) == "Mindst 12,5 % i en eller flere ordninger"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["thresholds"][0].update(name=""), "thresholds\\[0\\].name' skal være en tekst"),
        (lambda t: t["thresholds"].append({"from": 2021, "value": 16.0}), "to tærskler fra samme år"),
        (lambda t: t["thresholds"].__setitem__(0, 10.0), "thresholds\\[0\\]' skal være en tabel"),
    ],
)
def test_threshold_entries_are_validated(change, message):
    raw = copy.deepcopy(raw_config())
    change(overall(raw))
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_a_template_on_a_target_without_threshold_is_refused():
    raw = raw_config()
    next(t for t in raw["targets"] if t["id"] == "praktikpladser")["name"] = "Mindst {threshold}"
    with pytest.raises(ConfigError, match="ingen tærskel"):
        parse_config(raw)
