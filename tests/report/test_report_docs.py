"""The Python examples of docs/quickstart.md run and print what the page says."""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "quickstart.md"


def test_quickstart_examples_run():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testfile(str(QUICKSTART), module_relative=False,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10
    assert result.failed == 0


def test_report_module_examples_run():
    import importlib

    modules = ["pmm.report.charts", "pmm.report.colours", "pmm.report.xlsx_writer", "pmm.report.excel",
               "pmm.report.html", "pmm.report.tables", "pmm.catalog.loader", "pmm.scoring.values"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in modules:
            result = doctest.testmod(importlib.import_module(name),
                                     optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
            assert result.failed == 0, name
