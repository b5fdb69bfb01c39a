"""The ``pmm`` command line.

Exit codes: 0 success, 1 invalid input (the message names file:line and a hint), 2 usage
error. ``--debug`` shows the traceback of an error.

Example:
    $ pmm validate indicators/wco-pmm
    $ pmm schema -o indicators/pmm-catalog.schema.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pmm import __version__
from pmm.errors import PmmError

__all__ = ["main", "build_parser"]

EPILOG = """examples:
  pmm validate indicators/wco-pmm        check a catalog and print its tree
  pmm validate wco-pmm                   the same, by the name of a shipped catalog
  pmm schema -o catalog.schema.json      write the JSON Schema for editor autocompletion
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


def write_text(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path``, refusing to overwrite an existing file unless ``force``."""
    if path.exists() and not force:
        raise PmmError(f"{path} exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmm`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except PmmError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
