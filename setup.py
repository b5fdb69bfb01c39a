"""Adds the shipped catalogs (top-level ``indicators/``) to the package as ``pmm._indicators``.

Everything else is configured in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["pmm", "pmm.*"]), "pmm._indicators"],
    package_dir={"pmm._indicators": "indicators"},
)
