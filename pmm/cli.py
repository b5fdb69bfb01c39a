"""The ``pmm`` command line.

Exit codes: 0 success, 1 invalid input (the message names file:line and a hint), 2 usage
error. ``--debug`` shows the traceback of an error.

Example:
    $ pmm validate indicators/wco-pmm
    $ pmm schema -o indicators/pmm-catalog.schema.json
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pmm import __version__
from pmm.errors import PmmError
from pmm.report.paths import atomic_write, output_path, write_csv

__all__ = ["main", "build_parser"]

EPILOG = """examples:
  pmm validate indicators/wco-pmm        check a catalog and print its tree
  pmm validate wco-pmm                   the same, by the name of a shipped catalog
  pmm schema -o catalog.schema.json      write the JSON Schema for editor autocompletion
  pmm demo                               the whole job on bundled workshop data, into ./pmm-demo
  pmm score wco-pmm values.csv -o out/   score KPI values; writes out/scorecard.xlsx and CSVs
  pmm report wco-pmm values.csv -o r.html  the HTML scorecard report
  pmm template wco-pmm -o form.xlsx      a self-assessment input form
  pmm uncertainty wco-pmm values.csv --vary vary.yaml -n 1000   how robust are the ranks?
"""


def _options_parser() -> argparse.ArgumentParser:
    """Options every subcommand accepts too (``pmm validate X -q`` as well as ``pmm -q validate X``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pmm`` command.

    Every subcommand is added with ``parents=[common]`` so that ``--debug`` and ``--quiet`` work
    after the subcommand name too.
    """
    common = _options_parser()
    parser = argparse.ArgumentParser(prog="pmm", description="Performance measurement of customs administrations.",
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"pmm {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", parents=[common], help="check a catalog and print its tree",
                       description="Load a catalog (YAML file, directory, or shipped name), report every "
                                   "problem with file:line, or print the framework tree.",
                       epilog="example:\n  pmm validate indicators/wco-pmm",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("catalog", help="catalog file, directory, or shipped name (wco-pmm, rbm-example)")
    p.set_defaults(run=_validate)

    p = sub.add_parser("schema", parents=[common], help="print or write the JSON Schema of catalog files",
                       epilog="example:\n  pmm schema -o indicators/pmm-catalog.schema.json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.set_defaults(run=_schema)
    _add_output_commands(sub, common)
    _add_map_command(sub, common)
    _add_uncertainty_command(sub, common)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from pmm.catalog import load_catalog

    catalog = load_catalog(args.catalog)
    if not args.quiet:
        print(catalog.summary())
        print(f"\nOK: {args.catalog} is a valid catalog (hash {catalog.hash[:12]})")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from pmm.catalog import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_text(Path(args.output), text, force=args.force)
        if not args.quiet:
            print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


# -- outputs: score, report, template, demo ---------------------------------------------------------
_INPUT_HELP = "KPI values: CSV, Parquet or Excel files (a filled `pmm template` form is read as such)"


def _add_scoring_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("catalog", help="catalog file, directory, or shipped name (wco-pmm, rbm-example)")
    p.add_argument("values", nargs="+", help=_INPUT_HELP)
    p.add_argument("--members", metavar="FILE", help="member attributes (member, name, region, income_group …)")
    p.add_argument("--method", metavar="YAML", help="scoring method file (default: the catalog's scoring block)")


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--peers", metavar="COLUMN", help="member attribute forming peer groups (e.g. region)")
    p.add_argument("--disclosure", default="confidential", choices=["public", "wco", "restricted", "confidential"],
                   help="most closed disclosure level included; KPIs above it are left out, and group scores "
                        "that would reveal them withheld (default: confidential)")
    p.add_argument("--min-group-size", type=_count, default=3, metavar="N",
                   help="suppress peer statistics over groups smaller than N (default: 3)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def _add_output_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``score``, ``report``, ``template`` and ``demo``."""
    raw = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("score", parents=[common], formatter_class=raw, help="score KPI values into a workbook",
                       description="Score a KPI-values table (member, period, kpi, value[, status]) with a catalog; "
                                   "write OUT/scorecard.xlsx, OUT/scores.csv and OUT/kpi_levels.csv.",
                       epilog="examples:\n  pmm score wco-pmm values.csv -o out/\n"
                              "  pmm score wco-pmm forms/*.xlsx --members members.csv --method method.yaml -o out/")
    _add_scoring_inputs(p)
    _add_report_options(p)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.set_defaults(run=_score)

    p = sub.add_parser("report", parents=[common], formatter_class=raw, help="write the HTML scorecard report",
                       description="Score KPI values and write one self-contained HTML report: overview, one "
                                   "scorecard per member, methodology.",
                       epilog="examples:\n  pmm report wco-pmm values.csv --members members.csv --peers region -o report.html\n"
                              "  pmm report wco-pmm values.csv --accounting rows.csv --disclosure public -o public.html")
    _add_scoring_inputs(p)
    _add_report_options(p)
    p.add_argument("--period", help="the period reported (default: the latest)")
    p.add_argument("--accounting", metavar="FILE", help="row accounting written by `pmm map --accounting`, "
                                                        "shown in the methodology")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="the report file")
    p.set_defaults(run=_report)

    p = sub.add_parser("template", parents=[common], formatter_class=raw, help="write a self-assessment form (.xlsx)",
                       description="Write an Excel input form with a row per KPI; read filled forms back with "
                                   "pmm.read_values or pass them to pmm score / pmm report. With --members, write "
                                   "an empty members table (member, name, region, income_group) instead.",
                       epilog="examples:\n  pmm template wco-pmm -o form.xlsx\n"
                              "  pmm template wco-pmm --member KEN --period 2024 --disclosure wco -o KEN-2024.xlsx\n"
                              "  pmm template --members -o members.csv")
    p.add_argument("catalog", nargs="?", help="catalog file, directory, or shipped name (not with --members)")
    p.add_argument("--members", action="store_true",
                   help="write a members table template (.csv) for --members/--peers instead of a form")
    p.add_argument("-o", "--output", required=True, metavar="XLSX", help="the form file")
    p.add_argument("--member", default="", help="pre-fill the member code")
    p.add_argument("--period", default="", help="pre-fill the period")
    p.add_argument("--disclosure", default="confidential", choices=["public", "wco", "restricted", "confidential"],
                   help="ask only for KPIs at or below this disclosure level")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(run=_template)

    p = sub.add_parser("demo", parents=[common], formatter_class=raw, help="run the whole job on bundled workshop data",
                       description="Generate a regional workshop data set (about 22 administrations x 3 years), map "
                                   "it with the wco-pmm catalog, score it, and write report.html, scorecard.xlsx "
                                   "and kpi_values.csv.",
                       epilog="examples:\n  pmm demo\n  pmm demo -o workshop --members 30 --seed 7 --force")
    p.add_argument("-o", "--output", default="pmm-demo", metavar="DIR", help="output folder (default: ./pmm-demo)")
    p.add_argument("--members", type=_count, default=22, help="number of administrations (default: 22)")
    p.add_argument("--seed", type=_whole_number, default=0, help="random seed (default: 0)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.set_defaults(run=_demo)


def _add_map_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``pmm map PROFILE DATA... -o values.csv`` (raw tables → KPI values)."""
    p = sub.add_parser("map", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
                       help="map raw tables to KPI values with a source profile",
                       description="Read raw tables (CSV or Parquet), apply a source profile, compute every KPI of the "
                                   "catalog that the data feeds, and write the long KPI-values table.",
                       epilog="examples:\n  pmm map kcs examples/kcs/df_syn_*.csv --catalog examples/kcs/catalog.yaml "
                              "--by office --period month -o values.csv\n"
                              "  pmm map profile.yaml declarations.parquet -o values.csv --accounting rows.csv")
    p.add_argument("profile", help="profile YAML file, or the name of a shipped profile (kcs, synthetic-raw)")
    p.add_argument("data", nargs="+", help="raw tables (.csv or .parquet) feeding the profile's source")
    p.add_argument("-o", "--output", required=True, help="CSV file for the KPI values")
    p.add_argument("--catalog", default="wco-pmm", help="catalog file, directory or shipped name (default: wco-pmm)")
    p.add_argument("--by", action="append", default=[], help="extra grouping column (repeatable), e.g. --by office")
    p.add_argument("--period", default="year", choices=["year", "quarter", "month"])
    p.add_argument("--engine", default="auto", choices=["auto", "pandas", "polars", "duckdb"],
                   help="where to compute: auto (DuckDB when installed, else pandas; see docs/mapping.md), "
                        "or one engine")
    p.add_argument("--strict", action="store_true", help="stop on the first class of invalid rows")
    p.add_argument("--accounting", help="also write the row accounting to this CSV file")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.set_defaults(run=_map)


def _add_uncertainty_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``pmm uncertainty CATALOG VALUES... --vary vary.yaml -n 1000 [-o DIR]``."""
    p = sub.add_parser("uncertainty", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
                       help="how robust are the ranks? uncertainty and sensitivity analysis",
                       description="Score N method variants sampled from a vary file (method paths and their "
                                   "alternatives, see docs/uncertainty.md) and write OUT/rank_stats.csv, "
                                   "OUT/score_stats.csv and OUT/runs.csv; with --sensitivity, a Saltelli design of "
                                   "N·(d+2) runs and OUT/sensitivity.csv.",
                       epilog="examples:\n  pmm uncertainty wco-pmm values.csv --vary vary.yaml -n 1000\n"
                              "  pmm uncertainty wco-pmm values.csv --vary vary.yaml -n 500 --sensitivity "
                              "--bootstrap 100 -o robust/")
    _add_scoring_inputs(p)
    p.add_argument("--vary", required=True, metavar="YAML", help="method paths and their alternatives")
    p.add_argument("-n", type=int, default=1000, help="number of runs (sensitivity: base sample size N)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    p.add_argument("--node", action="append", default=[], help="node whose ranks are analysed (repeatable; "
                                                                "default: the index)")
    p.add_argument("--sensitivity", action="store_true", help="also estimate sensitivity indices (Saltelli)")
    p.add_argument("--bootstrap", type=int, default=100, help="bootstrap samples of the indices (default: 100)")
    p.add_argument("-o", "--output", default="pmm-uncertainty", metavar="DIR",
                   help="output folder (default: ./pmm-uncertainty)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.set_defaults(run=_uncertainty)


def _uncertainty(args: argparse.Namespace) -> int:
    import pmm
    from pmm.report.tables import read_table, read_tables
    from pmm.scoring.vary import load_vary

    out = Path(args.output)
    paths = [out / "rank_stats.csv", out / "score_stats.csv", out / "runs.csv"]
    paths += [out / "sensitivity.csv"] if args.sensitivity else []
    _refuse_existing(paths, args.force)
    catalog = pmm.load_catalog(args.catalog)
    values = read_tables(args.values)
    members = read_table(args.members) if args.members else None
    vary = load_vary(args.vary)
    quiet = getattr(args, "quiet", False)
    progress = _Progress(quiet, "pmm uncertainty", plain_lines=False)

    def report(done: int, total: int) -> None:
        progress("runs", done, total)

    try:
        if args.sensitivity:
            sa = pmm.sensitivity(values, catalog, method=args.method, vary=vary, n=args.n, seed=args.seed,
                                 bootstrap=args.bootstrap, node=args.node[0] if args.node else None, members=members,
                                 progress=report)
            ua = sa.uncertainty
        else:
            ua = pmm.uncertainty(values, catalog, method=args.method, vary=vary, n=args.n, seed=args.seed,
                                 nodes=args.node or None, members=members, progress=report)
    finally:
        progress.close()
    write_csv(ua.rank_stats, output_path(paths[0], force=True))
    write_csv(ua.score_stats, output_path(paths[1], force=True))
    runs = (sa.runs if args.sensitivity else ua.runs).map(lambda v: json.dumps(v) if isinstance(v, (dict, list, tuple))
                                                          else v)
    write_csv(runs, output_path(paths[2], force=True))
    if args.sensitivity:
        write_csv(sa.indices, output_path(paths[3], force=True))
    if not quiet:
        if args.sensitivity:
            print(sa.indices.round(3).to_string(index=False))
        widest = ua.rank_stats.assign(spread=ua.rank_stats["q95"] - ua.rank_stats["q5"]).nlargest(5, "spread")
        print("widest rank ranges (q5–q95):\n" + widest.drop(columns="spread").to_string(index=False))
        if len(ua.failures):
            print(f"{len(ua.failures)} runs could not be scored (see the warning)", file=sys.stderr)
        print("wrote " + ", ".join(map(str, paths)))
    return 0


def _map(args: argparse.Namespace) -> int:
    import pmm
    from pmm.report.tables import read_table

    outputs = [Path(args.output), *([Path(args.accounting)] if args.accounting else [])]
    _refuse_existing(outputs, args.force)
    tables = [read_table(name, kpi_values=False) for name in args.data]
    profile = pmm.load_profile(args.profile)
    quiet = getattr(args, "quiet", False)
    progress = _Progress(quiet, "pmm map")
    try:
        result = pmm.map({profile.name: tables}, args.catalog, profile, by=args.by, period=args.period,
                         engine=args.engine, strict=args.strict, progress=progress)
    finally:
        progress.close()
    write_csv(result.values, outputs[0])
    if args.accounting:
        write_csv(result.accounting, outputs[1])
    if not quiet:
        print(result.accounting.to_string(index=False), file=sys.stderr)
        no_source = [k for k, reason in result.skipped.items() if reason.startswith("no data")]
        for kpi, reason in result.skipped.items():
            if kpi not in no_source:
                print(f"skipped {kpi}: {reason}", file=sys.stderr)
        if no_source:
            print(f"skipped {len(no_source)} KPIs whose sources have no data", file=sys.stderr)
        print(f"wrote {len(result.values):,} KPI values to {outputs[0]}", file=sys.stderr)
    return 0


class _Progress:
    """Progress of long steps on standard error: a tqdm bar on a terminal, plain lines otherwise, nothing if quiet."""

    def __init__(self, quiet: bool, label: str, *, plain_lines: bool = True):
        self.quiet, self.label, self.plain_lines, self.bar = quiet, label, plain_lines, None
        if not quiet and sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(desc=label, unit="step", leave=False, file=sys.stderr)
            except ImportError:  # tqdm is optional
                pass

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.set_postfix_str(step, refresh=False)
            self.bar.update(done - self.bar.n)
        elif not self.quiet and self.plain_lines:
            print(f"{self.label}: {step} ({done}/{total})", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _scorecard(args: argparse.Namespace) -> Any:
    import pmm
    from pmm.report.tables import read_table, read_tables

    from pmm.scoring.method import resolve_method

    catalog = pmm.load_catalog(args.catalog)
    values = read_tables(args.values)
    members = read_table(args.members) if args.members else None
    method = resolve_method(args.method) if args.method else None  # its errors name the method file
    try:
        return pmm.score(values, catalog, method=method, members=members)
    except PmmError as exc:  # name the input file (rows are counted from 0 after the header)
        if len(args.values) != 1 or not exc.problems:
            raise
        named = [dataclasses.replace(p, where=f"{args.values[0]}: {p.where}" if p.where else args.values[0])
                 for p in exc.problems]
        raise type(exc)(named) from None


def _refuse_existing(paths: Sequence[Path], force: bool) -> None:
    """Stop before any work when an output exists (without ``--force``), is a folder, or cannot have its folder."""
    for path in paths:
        output_path(path, force=True)
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise PmmError(f"{', '.join(existing)} exist{'s' if len(existing) == 1 else ''}; pass --force to overwrite")


def _score(args: argparse.Namespace) -> int:
    from pmm.report.excel import write_workbook

    out = Path(args.output)
    paths = [out / "scorecard.xlsx", out / "scores.csv", out / "kpi_levels.csv"]
    _refuse_existing(paths, args.force)
    card = _scorecard(args)
    card = card.disclosed(args.disclosure)  # the CSV tables show what the workbook shows
    write_workbook(card, paths[0], peers=args.peers, disclosure=args.disclosure,
                   min_group_size=args.min_group_size, force=True)
    from pmm.report.html import visible_kpis

    shown = set(visible_kpis(card.catalog, args.disclosure))
    hidden = set(card.catalog.kpi_ids) - shown
    write_csv(card.scores[~card.scores["node"].isin(hidden)], paths[1])
    write_csv(card.levels[card.levels["kpi"].isin(shown)], paths[2])
    if not args.quiet:
        print("wrote " + ", ".join(map(str, paths)))
    return 0


def _report(args: argparse.Namespace) -> int:
    from pmm.report.html import write_report
    from pmm.report.tables import read_table

    out = Path(args.output)
    _refuse_existing([out], args.force)
    card = _scorecard(args)
    accounting = read_table(args.accounting) if args.accounting else None
    period = args.period
    if period is not None and period not in list(card.periods):
        period = next((p for p in card.periods if str(p) == period), period)
    progress = _Progress(args.quiet, "report", plain_lines=False)
    try:
        write_report(card, out, period=period, peers=args.peers, disclosure=args.disclosure,
                     min_group_size=args.min_group_size, accounting=accounting, force=True, progress=progress)
    finally:
        progress.close()
    if not args.quiet:
        print(f"wrote {out}")
    return 0


def _template(args: argparse.Namespace) -> int:
    import pmm

    if args.members:
        from pmm.report.template import write_members_template

        members = (args.member,) if args.member else ()
        path = write_members_template(args.output, members=members, force=args.force)
        if not args.quiet:
            print(f"wrote {path}: fill in a row per member, then pass --members {path} --peers region")
        return 0
    if args.catalog is None:
        raise PmmError("pmm template needs a catalog (e.g. pmm template wco-pmm -o form.xlsx), or --members "
                       "for a members table")
    period: int | str = int(args.period) if re.fullmatch(r"[0-9]+", args.period) else args.period
    path = pmm.write_template(pmm.load_catalog(args.catalog), args.output, member=args.member, period=period,
                              disclosure=args.disclosure, force=args.force)
    if not args.quiet:
        print(f"wrote {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import time

    from pmm.report.demo import run_demo

    started = time.perf_counter()
    progress = _Progress(args.quiet, "pmm demo")
    try:
        result = run_demo(args.output, members=args.members, seed=args.seed, force=args.force, progress=progress)
    finally:
        progress.close()
    if not args.quiet:
        print(f"pmm demo: done in {time.perf_counter() - started:.1f} s; outputs in {result.folder.resolve()}/")
        for label, path in (("report", result.report), ("workbook", result.workbook), ("KPI values", result.values),
                            ("members", result.members)):
            print(f"  {label:<11} {path}")
        print()
        print("\n".join(result.summary()))
    return 0


def _whole_number(text: str) -> int:
    """An option value that is a whole number ≥ 0, written in ASCII digits (``--seed 7``)."""
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"expected a whole number such as 3, found {text!r}")
    return int(text)


def _count(text: str) -> int:
    """An option value that is a whole number ≥ 1 (``--min-group-size 3``, ``--members 22``)."""
    number = _whole_number(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return number


def write_text(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path``, refusing to overwrite an existing file unless ``force``."""
    with atomic_write(output_path(path, force=force)) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def _warnings_as_lines(*, quiet: bool, debug: bool) -> Iterator[None]:
    """Show warnings as one ``warning: …`` line each on standard error (none with --quiet; Python's format with --debug)."""
    if debug:
        yield
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            yield
        finally:
            if not quiet:
                for message in dict.fromkeys(str(w.message) for w in caught):
                    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmm`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        with _warnings_as_lines(quiet=args.quiet, debug=args.debug):
            return run(args)
    except PmmError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("error: interrupted (no output was left half-written)", file=sys.stderr)
        return 130
    except OSError as exc:  # a file the operating system refused: permission, full disk, missing folder
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in pmm: one line, not a traceback; --debug shows it
        if args.debug:
            raise
        print(f"error: internal error {type(exc).__name__}: {exc} (this is a bug in pmm: rerun with --debug and "
              "report the traceback)".replace("\n", " "), file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
