"""The command line: `python -m csr report|plan|template ...`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from csr.config import ConfigError, load_config
from csr.model import InputError

EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages, without a traceback
        self.print_usage(sys.stderr)
        print(f"Fejl i kommandoen: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m csr", description="CSR-tal for kommunens ansatte på særlige vilkår.")
    p.add_argument("--config", help="strategifil (TOML); standard: CSR_CONFIG eller den medfølgende")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("report", help="årets andele og målopfyldelse")
    r.add_argument("files", nargs="+", metavar="FIL", help=".xlsx, .xls eller .csv")
    r.add_argument("--year", type=int, help="kun dette år")
    r.add_argument("--neighbour-method", choices=("pooled", "mean"),
                   help="omegnskommunernes gennemsnit: samlet (pooled) eller simpelt (mean)")
    r.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")

    pl = sub.add_parser("plan", help="hvad nu hvis: et scenarie for et år og målsøgning")
    pl.add_argument("files", nargs="+", metavar="FIL", help=".xlsx, .xls eller .csv")
    pl.add_argument("--year", type=int, help="basisåret (standard: det seneste)")
    pl.add_argument("--change", action="append", default=[], metavar="ORDNING=PERSONER",
                    help="ændring i personer (årsgennemsnit), fx elever=12; kan gentages")
    pl.add_argument("--headcount-change", type=float, default=0.0, metavar="N",
                    help="ændring i øvrige ansatte")
    pl.add_argument("--placement", action="append", default=[], metavar="ORDNING:PERSONER:ÅÅÅÅ-MM:ÅÅÅÅ-MM",
                    help="planlagt forløb, fx elever:14:2025-08:2025-12; kan gentages")
    pl.add_argument("--neighbour-method", choices=("pooled", "mean"))
    pl.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")

    t = sub.add_parser("template", help="skriv upload-skabelonen")
    t.add_argument("out", metavar="UD.xlsx")
    return p


def _print_findings(findings, stream) -> None:
    for f in findings:
        label = {"fejl": "Fejl", "advarsel": "Advarsel", "note": "Bemærk"}[f.severity]
        print(f"{label}: {f}", file=stream)


class _Stop(Exception):
    """Input the command cannot work on; the messages are printed already."""


def _figures(args, config):
    """Import the files and compute every figure, or print the Danish reasons and raise _Stop."""
    from csr.importers import import_files
    from csr.shares import compute

    result = import_files(args.files, config)
    if result.errors:
        _print_findings(result.errors, sys.stderr)
        print(f"{len(result.errors)} fejl: intet er indlæst. Ret filerne og prøv igen.", file=sys.stderr)
        raise _Stop
    _print_findings(result.warnings, sys.stderr)
    figures = compute(result.data, result.placements, config, args.neighbour_method)
    years = figures.home_years(config)
    if not years:
        print(f"Fejl: filerne indeholder ingen tal for {config.home_name} med antal ansatte, så der kan "
              "ikke beregnes andele.", file=sys.stderr)
        raise _Stop
    if args.year is not None and args.year not in years:
        print(f"Fejl: der er ingen tal for {args.year}. Årene i data er "
              f"{', '.join(str(y) for y in years)}.", file=sys.stderr)
        raise _Stop
    return result, figures


def _plan(args, config) -> int:
    from csr.planning import build_baseline, format_plan, plan_report, scenario_from_args

    result, figures = _figures(args, config)
    baseline = build_baseline(figures, config, args.year, data=result.data)
    scenario = scenario_from_args(config, baseline.year, args.change, args.headcount_change, args.placement)
    report = plan_report(baseline, config, scenario)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_plan(report, config))
    return 0


def _report(args, config) -> int:
    from csr.report import build_report, format_report

    _, figures = _figures(args, config)
    report = build_report(figures, config, args.year)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report, config))
    return 0


def _template(args, config) -> int:
    from csr.template import write_template

    try:
        write_template(config, args.out)
    except OSError as exc:
        print(f"Fejl: skabelonen kunne ikke skrives til {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_INPUT
    print(f"Skabelonen er skrevet til {args.out}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        command = {"report": _report, "plan": _plan, "template": _template}[args.command]
        return command(args, config)
    except _Stop:
        return EXIT_INPUT
    except (ConfigError, InputError) as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback in front of a user
        print(f"Uventet fejl ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
