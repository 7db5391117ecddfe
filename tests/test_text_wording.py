"""Danish an HR-regnskab can print (issue 11, item 9): the sentences as the strategy words them."""

from __future__ import annotations

import dataclasses

import pytest

from csr import text
from csr.report import build_report, format_report


def test_the_measurement_sentence_speaks_of_annual_averages(config):
    sentence = text.measurement_sentence(config)
    assert sentence.startswith(
        "Årsgennemsnittene er gennemsnittet af målemånederne februar, maj, august og november; for "
        "Virksomhedspraktik fra jobindsats.dk (fuldtidspersoner) gennemsnittet af årets måneder (eller et tal "
        "for hele året). En ordnings andel er dens årsgennemsnit delt med antallet af"
    )
    assert "årstal" not in sentence.lower()


def test_figure1_names_the_rest_as_the_strategy_does(sample_figures, config):
    caption = text.figure1_caption(sample_figures.years, config, 2019)
    assert caption.endswith("og beredskabet 6,9 %; øvrige ansatte 78,0 %.")
    assert "ordinære vilkår" not in caption


def test_category_names_are_lower_case_in_running_text(sample_figures, config):
    assert text.scope_phrase(config, config.target("uddannelse_min").schemes) == (
        "i ordningerne under uddannelse (uden STU)"
    )
    trend = text.neighbour_trend_caption(sample_figures.neighbours, config)
    assert "år under beskæftigelse" in trend and "år under uddannelse" in trend


def test_the_left_out_schemes_have_one_indgaar_and_each_its_reason(config):
    sentence = text.left_out_sentence(config)
    assert sentence == (
        "Sammenligningen med omegnskommunerne omfatter ikke 2 ordninger, hverken for Aabenraa Kommune eller for "
        "de andre: særligt tilrettelagt ungdomsuddannelse (STU), fordi der ikke findes tal for omegnskommunerne "
        "om ordningen, og medarbejdere, der frivilligt indgår i Beredskabet, fordi strategien holder dem uden for "
        "sammenligningen."
    )
    assert sentence.count("indgår") == 1


def test_one_left_out_scheme_without_a_note_gets_the_general_reason(config):
    schemes = tuple(
        dataclasses.replace(s, neighbour_note="") if s.id == "beredskab" else s for s in config.schemes if s.id != "stu"
    )
    assert text.left_out_sentence(dataclasses.replace(config, schemes=schemes)) == (
        "Sammenligningen med omegnskommunerne omfatter ikke medarbejdere, der frivilligt indgår i Beredskabet, "
        "hverken for Aabenraa Kommune eller for de andre, fordi der ikke findes sammenlignelige tal for den."
    )


def test_the_configuration_carries_the_reasons(config):
    assert config.scheme("stu").neighbour_note == "der ikke findes tal for omegnskommunerne om ordningen"
    assert config.scheme("beredskab").neighbour_note == "strategien holder dem uden for sammenligningen"
    assert config.scheme("fleksjob").neighbour_note == ""


def test_the_command_lines_report_names_the_pooled_average_in_words(sample_figures, config):
    report = format_report(build_report(sample_figures, config, 2019), config)
    assert "Omegnskommunerne, samlet gennemsnit (vægtet efter antal ansatte):" in report
    assert "puljet" not in report


@pytest.mark.parametrize("word", ["Årsgennemsnittet beregnes af målemånederne (2, 5, 8, 11)"])
def test_the_template_speaks_of_annual_averages(config, word):
    from csr.template import _instructions

    lines = _instructions(config)
    assert any(line.startswith(word) for line in lines)
    assert not any("Årstal" in line for line in lines)
