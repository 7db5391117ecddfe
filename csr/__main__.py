"""The command line: `python -m csr report|plan|export|import|history|undo|template ...`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from csr import text
from csr.config import ConfigError, load_config
from csr.model import InputError

EXIT_INPUT = 2
DATA_DIR_HELP = "lagerets mappe (standard: CSR_DATA_DIR eller ./data)"


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
    r.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    r.add_argument("--data-dir", help=DATA_DIR_HELP)
    r.add_argument("--year", type=int, help="kun dette år")
    r.add_argument("--neighbour-method", choices=("pooled", "mean"),
                   help="omegnskommunernes gennemsnit: samlet (pooled) eller simpelt (mean)")
    r.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")

    pl = sub.add_parser("plan", help="hvad nu hvis: et scenarie for et år og målsøgning")
    pl.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    pl.add_argument("--data-dir", help=DATA_DIR_HELP)
    pl.add_argument("--year", type=int, help="basisåret (standard: det seneste)")
    pl.add_argument("--change", action="append", default=[], metavar="ORDNING=PERSONER",
                    help="ændring i personer (årsgennemsnit), fx elever=12; kan gentages")
    pl.add_argument("--headcount-change", type=float, default=0.0, metavar="N",
                    help="ændring i øvrige ansatte")
    pl.add_argument("--placement", action="append", default=[], metavar="ORDNING:PERSONER:ÅÅÅÅ-MM:ÅÅÅÅ-MM",
                    help="planlagt forløb, fx elever:14:2025-08:2025-12; kan gentages")
    pl.add_argument("--neighbour-method", choices=("pooled", "mean"))
    pl.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")

    ex = sub.add_parser("export", help="årets CSR-afsnit til HR-regnskabet som PDF eller Excel")
    ex.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    ex.add_argument("--data-dir", help=DATA_DIR_HELP)
    ex.add_argument("--year", type=int, help="året (standard: det seneste hele år)")
    ex.add_argument("--out", required=True, metavar="UD.pdf|UD.xlsx", help="filen, der skrives: .pdf eller .xlsx")
    ex.add_argument("--scenario", metavar="NAVN", help="et gemt scenarie fra planlægningen, som udsigt")
    ex.add_argument("--neighbour-method", choices=("pooled", "mean"),
                    help="omegnskommunernes gennemsnit: samlet (pooled) eller simpelt (mean)")

    im = sub.add_parser("import", help="indlæs filer i lageret (én import)")
    im.add_argument("files", nargs="+", metavar="FIL", help=".xlsx, .xls eller .csv")
    im.add_argument("--data-dir", help=DATA_DIR_HELP)
    im.add_argument("--who", default="", help="hvem importerer (vises i historikken)")

    h = sub.add_parser("history", help="importhistorikken")
    h.add_argument("--data-dir", help=DATA_DIR_HELP)

    u = sub.add_parser("undo", help="fortryd en import")
    u.add_argument("batch", type=int, metavar="IMPORT_NR")
    u.add_argument("--data-dir", help=DATA_DIR_HELP)
    u.add_argument("--who", default="", help="hvem fortryder (vises i historikken)")

    t = sub.add_parser("template", help="skriv upload-skabelonen")
    t.add_argument("out", metavar="UD.xlsx")
    return p


def _print_findings(findings, stream) -> None:
    for f in findings:
        label = {"fejl": "Fejl", "advarsel": "Advarsel", "note": "Bemærk"}[f.severity]
        print(f"{label}: {f}", file=stream)


class _Stop(Exception):
    """Input the command cannot work on; the messages are printed already."""


def _store(args):
    from csr.store import Store

    return Store(args.data_dir) if args.data_dir else Store.default()


def _imported(args, config, uploads):
    from csr.importers import import_uploads

    result = import_uploads(uploads, config)
    if result.errors:
        _print_findings(result.errors, sys.stderr)
        print(f"{len(result.errors)} fejl: intet er indlæst. Ret filerne og prøv igen.", file=sys.stderr)
        raise _Stop
    _print_findings(result.warnings, sys.stderr)
    return result


def _figures(args, config, provenance: dict | None = None):
    """The figures of the files given, or of the store without files; else the Danish reasons and _Stop.

    `provenance` (when given) receives the data version and the files, as `csr.export.Provenance` takes them.
    """
    from csr.importers import read_uploads
    from csr.shares import compute

    if args.files:
        uploads = read_uploads(args.files)
        result = _imported(args, config, uploads)
        data, placements = result.data, result.placements
        if provenance is not None:
            from csr.export import FILES, files_version

            provenance.update(version=files_version(uploads), kind=FILES, sheets=tuple(result.sheets))
    else:
        snapshot = _store(args).snapshot()
        if snapshot.empty:
            print("Fejl: lageret er tomt. Indlæs filer med 'python -m csr import FIL ...' eller giv filerne "
                  "med på kommandolinjen.", file=sys.stderr)
            raise _Stop
        data, placements = snapshot.data, snapshot.placements
        if provenance is not None:
            from csr.export import STORE, stored_files
            from csr.text import data_as_of

            provenance.update(version=snapshot.version, kind=STORE, sheets=stored_files(_store(args)))
            provenance["as_of"] = data_as_of(_store(args).history())  # what the report says, not the version
    figures = compute(data, placements, config, args.neighbour_method)
    years = figures.home_years(config)
    if not years:
        print(f"Fejl: filerne indeholder ingen tal for {config.home_name} med antal ansatte, så der kan "
              "ikke beregnes andele.", file=sys.stderr)
        raise _Stop
    if args.year is not None and args.year not in years:
        print(f"Fejl: der er ingen tal for {args.year}. Årene i data er "
              f"{', '.join(str(y) for y in years)}.", file=sys.stderr)
        raise _Stop
    return data, figures


def _import(args, config) -> int:
    from csr.importers import read_uploads
    from csr.store import StoreError

    uploads = read_uploads(args.files)
    store = _store(args)
    result = _imported(args, config, uploads)
    try:
        batch = store.add_batch(uploads, result, who=args.who)
    except StoreError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(batch.summary())
    return 0


def _history(args, config) -> int:
    from csr.store import HISTORY_LABELS

    history = _store(args).history()
    if history.empty:
        print("Lageret er tomt: ingen importer endnu.")
        return 0
    for _, b in history.iterrows():
        when = b["created"].tz_convert("Europe/Copenhagen").strftime("%d-%m-%Y %H.%M")
        who = f", {b['who']}" if b["who"] else ""
        line = (f"{HISTORY_LABELS['batch']} {b['batch']}: {when}{who} – {b['files']} – {text.number(b['rows'])} tal, "
                f"{text.number(b['placements'])} praktikpladser, {text.number(b['in_force'])} gældende – {b['status']}")
        print(line)
    return 0


def _undo(args, config) -> int:
    from csr.store import StoreError

    store = _store(args)
    try:
        preview = store.undo_preview(args.batch)
        print(preview.summary())
        store.undo(args.batch, who=args.who)
    except StoreError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"Import nr. {args.batch} er fortrudt.")
    return 0


def _plan(args, config) -> int:
    from csr.planning import build_baseline, format_plan, plan_report, scenario_from_args

    data, figures = _figures(args, config)
    baseline = build_baseline(figures, config, args.year, data=data)
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


def _export(args, config) -> int:
    from csr.export import Provenance, export, format_of, saved_scenario, warm_up_in_background
    from csr.store import StoreError

    fmt = format_of(args.out)
    warm_up_in_background()  # the chart engine starts while the data load
    provenance: dict = {}
    _, figures = _figures(args, config, provenance)
    year = args.year if args.year is not None else figures.latest_complete_year(config)
    scenario, outdated = None, False
    if args.scenario:
        try:
            scenario, outdated = saved_scenario(_store(args), args.scenario)
        except StoreError as exc:
            print(f"Fejl: {exc}", file=sys.stderr)
            return EXIT_INPUT
    content = export(figures, config, year, Provenance(**provenance), fmt, scenario=scenario,
                     scenario_name=args.scenario or "", scenario_outdated=outdated)
    try:
        Path(args.out).write_bytes(content)
    except OSError as exc:
        print(f"Fejl: rapporten kunne ikke skrives til {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_INPUT
    print(f"Rapporten for {year} er skrevet til {args.out}.")
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
        command = {"report": _report, "plan": _plan, "export": _export, "import": _import, "history": _history,
                   "undo": _undo, "template": _template}[args.command]
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
