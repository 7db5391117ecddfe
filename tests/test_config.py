"""The strategy configuration: complete, validated, and errors that name the key."""

from __future__ import annotations

import tomllib

import pytest

from csr.config import DEFAULT_CONFIG, HEADCOUNT, ConfigError, default_config, parse_config

CONFIG = default_config()


def raw() -> dict:
    return tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def test_the_strategy_as_configured():
    assert len(CONFIG.municipalities) == 98
    assert CONFIG.home_name == "Aabenraa"
    assert CONFIG.neighbour_names == ("Esbjerg", "Haderslev", "Kolding", "Sønderborg", "Tønder", "Vejen")
    assert [m.code for m in map(CONFIG.municipality, CONFIG.neighbours)] == [561, 510, 621, 540, 550, 575]
    assert CONFIG.measurement_months == (2, 5, 8, 11)
    assert CONFIG.schemes_in("beredskab") == ("beredskab",)
    assert CONFIG.target("uddannelse_min").schemes == ("elever", "voksenlaerlinge", "igu", "fgu", "studerende")
    assert not CONFIG.scheme("virksomhedspraktik").on_payroll and CONFIG.scheme("fleksjob").on_payroll
    assert not CONFIG.scheme("stu").in_neighbour_comparison
    assert not CONFIG.scheme("beredskab").in_neighbour_comparison


@pytest.mark.parametrize(
    "name, code",
    [
        ("Aabenraa", 580),
        ("Aabenraa Kommune", 580),
        ("Åbenrå", 580),
        ("aabenraa kommune", 580),
        ("580", 580),
        (580, 580),
        ("Tønder Kommune", 550),
        ("Tonder", 550),
        ("Københavns Kommune", 101),
        ("Høje Taastrup", 169),
        ("Århus", 751),
        ("Hele landet", None),
        ("Aabnraa", None),
    ],
)
def test_municipality_names_codes_and_variants(name, code):
    assert CONFIG.match_municipality(name) == code


@pytest.mark.parametrize(
    "name, scheme",
    [
        ("Fleksjobbere", "fleksjob"),
        ("Skånejob", "skaanejob"),
        ("skaanejob", "skaanejob"),
        ("IGU-elever", "igu"),
        ("Voksenlærling", "voksenlaerlinge"),
        ("Frivillige i beredskabet", "beredskab"),
        ("Ansatte i alt", HEADCOUNT),
        ("I alt", HEADCOUNT),
        ("STU", "stu"),
        ("Job med løntilskud", "loentilskud"),
        ("Job med løntilskud til førtidspensionister", "skaanejob"),
        ("Cykelhjelme", None),
    ],
)
def test_scheme_aliases_case_and_accents_aside(name, scheme):
    assert CONFIG.match_scheme(name) == scheme


def test_nearest_names_for_a_typo():
    assert CONFIG.nearest_municipalities("Sonderbor")[0] == "Sønderborg"
    assert CONFIG.nearest_schemes("Fleksjobs")[0] == "Fleksjob"


def test_aggregates_are_recognised():
    for area in ("Hele landet", "RAR Sydjylland", "Region Syddanmark", "Landsdel Sydjylland"):
        assert CONFIG.is_aggregate(area)
    assert not CONFIG.is_aggregate("Aabenraa")


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda r: r["strategy"].pop("home"), "strategy.home"),
        (lambda r: r["strategy"].update(home="580"), "strategy.home"),
        (lambda r: r["strategy"].update(neighbours=[561, 1234]), "strategy.neighbours"),
        (lambda r: r["strategy"].update(measurement_months=[2, 13]), "strategy.measurement_months"),
        (lambda r: r["schemes"][2].update(category="sport"), "schemes[2] (fleksjob).category"),
        (lambda r: r["schemes"][0].pop("on_payroll"), "schemes[0] (virksomhedspraktik).on_payroll"),
        (lambda r: r["targets"][0].update(kind="maybe"), "targets[0] (samlet_min).kind"),
        (lambda r: r["targets"][2].update(scope=["fleksjob", "golf"]), "targets[2] (beskaeftigelse_min).scope"),
        (lambda r: r["targets"][2].update(thresholds=[{"from": 2021}]), "thresholds[0].value"),
    ],
)
def test_broken_configuration_names_the_key(mutate, key):
    doc = raw()
    mutate(doc)
    with pytest.raises(
        ConfigError, match=key.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")
    ):
        parse_config(doc)


def test_alias_used_by_two_schemes_is_refused():
    doc = raw()
    doc["schemes"][1]["aliases"].append("Fleksjobbere")
    with pytest.raises(ConfigError, match="Fleksjobbere"):
        parse_config(doc)


def test_payroll_choice_is_studerende_only_and_must_be_true_or_false():
    assert [s.id for s in CONFIG.schemes if s.payroll_choice] == ["studerende"]
    assert CONFIG.scheme("studerende").on_payroll  # the default for a placement that does not say
    assert CONFIG.scheme("fgu").on_payroll  # the egu track of FGU: employed and paid
    doc = raw()
    doc["schemes"][10]["payroll_choice"] = "ask"
    with pytest.raises(ConfigError) as err:
        parse_config(doc)
    assert str(err.value) == (
        "Nøglen 'schemes[10] (studerende).payroll_choice' skal være true (lønnet eller ulønnet vælges for hver "
        "placering, med 'on_payroll' som standard) eller false, ikke 'ask'."
    )
    doc["schemes"][10]["on_payroll"] = "ask"
    doc["schemes"][10].pop("payroll_choice")
    with pytest.raises(ConfigError, match=r"'schemes\[10\] \(studerende\).on_payroll' i konfigurationen skal være"):
        parse_config(doc)


def test_digits_that_are_not_decimal_are_names_not_codes(config) -> None:
    # "²¹" is str.isdigit() but not a number int() reads: the fuzz tests found it raising ValueError.
    from csr.importers.long import _month_number

    assert config.match_municipality("²¹") is None
    assert config.is_aggregate("²¹") is False
    assert _month_number("²") is None
    assert config.match_municipality("580") == 580 and config.match_municipality("580.0") == 580
