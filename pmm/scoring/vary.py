"""What an uncertainty or sensitivity analysis varies, and the sampled runs (COINr ``SA_specs`` as plain data).

A ``vary`` mapping names paths into the scoring method and their alternatives:

* ``"normalise"``, ``"aggregate"``, ``"weights"`` … — a list of whole sections (each replaces the base section);
* ``"aggregate.method"``, ``"treat.winmax"`` … — a list of values for one key of a section the base method runs;
* ``"weights.set"`` — a list of named weight sets of the catalog;
* ``"exclude"`` — a list of node-id lists left out of the framework (``[]`` leaves nothing out);
* ``"weights": {"noise": f, "levels": [1, 2], "n_draws": k}`` — continuous: every weight of a node at those
  COINr levels (1 = KPIs) is multiplied by U(1 − f, 1 + f), as COINr's ``get_noisy_weights``. Without
  ``n_draws`` every sampled point draws its own weights; with it, a pool of ``n_draws`` weight sets is drawn
  once and each run picks one (COINr's recipe).

A discrete input with k alternatives maps a uniform draw u to alternative ⌊u·k⌋ (COINr cuts the range of its
sample into k equal bins; on [0, 1) this is the same partition).

Example:
    >>> import pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> inputs = parse_vary({"aggregate.method": ["arithmetic", "geometric"],
    ...                      "weights": {"noise": 0.25, "levels": [1]}}, pmm.ScoringMethod(), cat)
    >>> [type(i).__name__ for i in inputs]
    ['Discrete', 'WeightNoise']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from pydantic import ValidationError

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.method import ScoringMethod
from pmm.scoring.plan import build_plan

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["vary_error", "Discrete", "WeightNoise", "Design", "load_vary", "parse_vary", "sample_design", "saltelli_design",
           "variant_method", "EXCLUDE"]

#: The path that leaves nodes out of the framework.
EXCLUDE = "exclude"
#: Sections whose variation cannot change a score or a rank.
_NO_EFFECT = {"maturity": "maturity levels do not change scores or ranks"}


@dataclass(frozen=True)
class Discrete:
    """A discrete input: ``path`` takes one of ``alternatives``.

    Attributes:
        path: the ``vary`` key, e.g. ``"aggregate.method"``.
        alternatives: the alternatives, in the order given.
    """

    path: str
    alternatives: tuple[Any, ...]


@dataclass(frozen=True)
class WeightNoise:
    """The continuous weights input: each weight at ``levels`` times U(1 − noise, 1 + noise).

    Attributes:
        noise: the half-width f of the multiplicative noise (0 ≤ f < 1).
        levels: COINr levels whose weights are perturbed (1 = KPIs, 2 = their parents …).
        n_draws: size of a pre-drawn pool of weight sets, or ``None`` for one draw per sampled point.
        path: the ``vary`` key (``"weights"``).
    """

    noise: float
    levels: tuple[int, ...]
    n_draws: int | None = None
    path: str = "weights"


Input = Discrete | WeightNoise


@dataclass(frozen=True)
class Design:
    """The sampled runs of an analysis.

    Attributes:
        inputs: the varied inputs, in ``vary`` order.
        choice: ``(run, input)`` integers: the alternative of a discrete input, the weight-set draw of the
            noise input (a row of ``noise``).
        noise: ``(draw, node)`` multiplicative weight factors, or ``None`` without a noise input.
        n: the base sample size N (UA: the number of runs; SA: the runs are N·(d + 2)).
    """

    inputs: tuple[Input, ...]
    choice: np.ndarray
    noise: np.ndarray | None
    n: int


def vary_error(path: str, message: str, hint: str = "", code: str = "vary") -> ScoringError:
    """A :class:`ScoringError` about the ``vary`` entry ``path``.

    Example:
        >>> str(vary_error("treat.winmax", "not run").problems[0])
        "vary 'treat.winmax': not run"
    """
    return ScoringError(Problem(message, where=f"vary {path!r}", hint=hint, code=code))


def variant_method(base: ScoringMethod, inputs: Sequence[Input], choices: Sequence[int]) -> ScoringMethod:
    """The base method with the chosen alternatives of the discrete inputs that are method paths.

    Example:
        >>> variant_method(ScoringMethod(), [Discrete("aggregate.method", ("arithmetic", "geometric"))], [1]
        ...                ).aggregate.method
        'geometric'
    """
    data = base.model_dump(mode="json")
    for spec, choice in zip(inputs, choices):
        if not isinstance(spec, Discrete) or spec.path == EXCLUDE:
            continue
        keys = spec.path.split(".")
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = spec.alternatives[choice]
    return ScoringMethod.model_validate(data)


def _check_section_path(path: str, base: dict[str, Any]) -> None:
    keys = path.split(".")
    section = keys[0]
    if section in _NO_EFFECT:
        raise vary_error(path, f"varying {section!r} cannot change the results: {_NO_EFFECT[section]}",
                         hint="vary normalise, weights, aggregate or a pipeline step the method runs", code="vary_path")
    if section not in base:
        raise vary_error(path, f"{section!r} is not a section of the scoring method",
                         hint=did_you_mean(section, [*(s for s in base if s not in _NO_EFFECT), EXCLUDE]),
                         code="vary_path")
    if base[section] is None:
        raise vary_error(path, f"the base method does not run {section!r}, so {path!r} has nothing to vary",
                         hint=f"add a {section!r} section to the method, or drop this path", code="vary_step")
    target: Any = base[section]
    for depth, key in enumerate(keys[1:], start=1):
        if not isinstance(target, dict) or key not in target:
            where = ".".join(keys[:depth])
            options = list(target) if isinstance(target, dict) else []
            raise vary_error(path, f"{key!r} is not a key of {where!r}",
                             hint=did_you_mean(key, options) if options else f"{where!r} has no keys", code="vary_path")
        target = target[key]


def _discrete(path: str, spec: Any, base: ScoringMethod, catalog: Catalog) -> Discrete:
    if not isinstance(spec, (list, tuple)) or not spec:
        raise vary_error(path, f"expected a non-empty list of alternatives, found {spec!r}",
                         hint="e.g. aggregate.method: [arithmetic, geometric]", code="vary_alternatives")
    out = Discrete(path, tuple(spec))
    for i, alternative in enumerate(out.alternatives):
        try:
            build_plan(catalog, variant_method(base, [out], [i]))
        except ValidationError as exc:
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise vary_error(path, f"alternative {i + 1} ({alternative!r}) is not a valid method: {details}",
                             hint="see docs/scoring.md for each section's keys and methods",
                             code="vary_alternative") from None
        except ScoringError as exc:
            raise vary_error(path, f"alternative {i + 1} ({alternative!r}): {exc}", code="vary_alternative") from None
    return out


def _exclude(spec: Any, catalog: Catalog) -> Discrete:
    if not isinstance(spec, (list, tuple)) or not spec:
        raise vary_error(EXCLUDE, f"expected a non-empty list of node-id lists, found {spec!r}",
                         hint="e.g. exclude: [[], [kpi_a], [kpi_b, kpi_c]]", code="vary_alternatives")
    known = set(catalog.walk())
    alternatives = []
    for alt in spec:
        ids = [alt] if isinstance(alt, str) else list(alt)
        for node in ids:
            if node not in known or node == catalog.root:
                raise vary_error(EXCLUDE, f"{node!r} is not a KPI or group of the catalog",
                                 hint=did_you_mean(str(node), known - {catalog.root}), code="vary_exclude")
        alternatives.append(tuple(ids))
    return Discrete(EXCLUDE, tuple(alternatives))


def _noise(spec: Mapping[str, Any], base: ScoringMethod, catalog: Catalog) -> WeightNoise:
    unknown = set(spec) - {"noise", "levels", "n_draws"}
    if unknown:
        raise vary_error("weights", f"unknown key(s) {sorted(unknown)} in the weight noise",
                         hint="weights: {noise: 0.25, levels: [1, 2], n_draws: 100 (optional)}", code="vary_noise")
    if base.weights.method == "pca":
        raise vary_error("weights", "the base method uses PCA weights, which come from the data and take no noise",
                         hint="use catalog or equal weights, or vary 'weights' as a list of sections",
                         code="vary_noise")
    noise = spec.get("noise")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 1:
        raise vary_error("weights", f"noise must be a number in [0, 1), found {noise!r}",
                         hint="each weight is multiplied by U(1 − noise, 1 + noise); 0.25 means ±25 %",
                         code="vary_noise")
    group_levels = sorted({catalog.level(n) for n in catalog.walk() if n != catalog.root})
    levels = spec.get("levels", group_levels)
    levels = [levels] if isinstance(levels, int) else levels
    if not isinstance(levels, (list, tuple)) or not levels or any(lv not in group_levels for lv in levels):
        raise vary_error("weights", f"levels must be a non-empty list of levels with weights {group_levels}, "
                         f"found {levels!r}", hint="1 = KPIs, 2 = their parents …; the index itself has no weight",
                         code="vary_noise")
    n_draws = spec.get("n_draws")
    if n_draws is not None and (isinstance(n_draws, bool) or not isinstance(n_draws, int) or n_draws < 1):
        raise vary_error("weights", f"n_draws must be a positive integer, found {n_draws!r}", code="vary_noise")
    return WeightNoise(float(noise), tuple(sorted(set(levels))), n_draws)


def load_vary(vary: Mapping[str, Any] | str | Path) -> Mapping[str, Any]:
    """A ``vary`` mapping as given, or read from a YAML file (safe loading).

    Raises:
        ScoringError: a missing file, invalid YAML, or a file that is not a mapping.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "vary.yaml"
        >>> _ = path.write_text("aggregate.method: [arithmetic, geometric]\\n")
        >>> load_vary(path)
        {'aggregate.method': ['arithmetic', 'geometric']}
    """
    if not isinstance(vary, (str, Path)):
        return vary
    path = Path(vary)
    if not path.is_file():
        raise ScoringError(Problem(f"vary file {str(path)!r} does not exist", where="vary",
                                   hint="pass a mapping of method paths to alternatives, or the path of a YAML file",
                                   code="vary_file"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScoringError(Problem(f"invalid YAML: {exc}", where=str(path), code="vary_file")) from None
    if not isinstance(data, dict):
        raise ScoringError(Problem(f"a vary file maps method paths to alternatives, found {type(data).__name__}",
                                   where=str(path), hint="e.g. 'aggregate.method: [arithmetic, geometric]'",
                                   code="vary_file"))
    return data


def parse_vary(vary: Mapping[str, Any], base: ScoringMethod, catalog: Catalog) -> tuple[Input, ...]:
    """Validate a ``vary`` mapping against the base method and the catalog.

    Raises:
        ScoringError: naming the path: not a method path, a step the base method does not run, an invalid
            alternative, an unknown node to exclude, or invalid weight noise.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> parse_vary({"aggregate.methd": ["geometric"]}, pmm.ScoringMethod(), cat)
        Traceback (most recent call last):
        ...
        pmm.errors.ScoringError: 1 problem in the scoring input:
          vary 'aggregate.methd': 'methd' is not a key of 'aggregate' (hint: did you mean 'method'?)
    """
    if not isinstance(vary, Mapping) or not vary:
        raise ScoringError(Problem(f"vary must be a non-empty mapping of method paths to alternatives, found {vary!r}",
                                   where="vary", hint="e.g. {'aggregate.method': ['arithmetic', 'geometric']}",
                                   code="vary"))
    base_data = base.model_dump(mode="json")
    inputs: list[Input] = []
    for path, spec in vary.items():
        if not isinstance(path, str):
            raise vary_error(str(path), "a vary key is a method path (text)", code="vary_path")
        if path == EXCLUDE:
            inputs.append(_exclude(spec, catalog))
            continue
        _check_section_path(path, base_data)
        if path == "weights" and isinstance(spec, Mapping):
            inputs.append(_noise(spec, base, catalog))
        else:
            inputs.append(_discrete(path, spec, base, catalog))
    if sum(isinstance(i, WeightNoise) for i in inputs) > 1:
        raise vary_error("weights", "weight noise is given more than once", code="vary_noise")
    return tuple(inputs)


def saltelli_design(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """COINr's ``SA_sample``: uniform draws ``(N·(d + 2), d)``, rows A (N), B (N), then AB₁ … AB_d.

    ABᵢ is A with column i taken from B. A and B are the two halves of one ``(N, 2d)`` draw.

    Example:
        >>> u = saltelli_design(3, 2, np.random.default_rng(0))
        >>> u.shape, bool((u[6:9, 1] == u[:3, 1]).all() and (u[6:9, 0] == u[3:6, 0]).all())
        ((12, 2), True)
    """
    base = rng.random((n, 2 * d))
    a, b = base[:, :d], base[:, d:]
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def _saltelli_sources(n: int, d: int) -> np.ndarray:
    """The base row (A: 0 … N−1, B: N … 2N−1) each coordinate of :func:`saltelli_design` comes from."""
    rows = np.arange(n)[:, None]
    blocks = [np.repeat(rows, d, axis=1), np.repeat(rows + n, d, axis=1)]
    for i in range(d):
        src = blocks[0].copy()
        src[:, i] = rows[:, 0] + n
        blocks.append(src)
    return np.vstack(blocks)


def sample_design(inputs: Sequence[Input], catalog_levels: np.ndarray, n: int, *, kind: str,
                  rng: np.random.Generator) -> Design:
    """Sample the runs: ``kind="ua"`` N uniform points; ``kind="sa"`` the Saltelli design of N·(d + 2) runs.

    Args:
        inputs: from :func:`parse_vary`.
        catalog_levels: the COINr level of each node (plan order), to place the weight noise.
        n: the base sample size N.
        kind: ``"ua"`` or ``"sa"``.
        rng: the random generator (the design is drawn first, then the weight noise).

    Example:
        >>> d = sample_design([Discrete("aggregate.method", ("arithmetic", "geometric"))], np.array([1, 2]), 4,
        ...                   kind="ua", rng=np.random.default_rng(1))
        >>> d.choice.shape, sorted(set(d.choice[:, 0].tolist())) <= [0, 1]
        ((4, 1), True)
    """
    d = len(inputs)
    if kind == "sa":
        u, source = saltelli_design(n, d, rng), _saltelli_sources(n, d)
        n_points = 2 * n
    else:
        u = rng.random((n, d))
        source = np.repeat(np.arange(n)[:, None], d, axis=1)
        n_points = n
    choice = np.empty(u.shape, dtype=np.intp)
    noise = None
    for j, spec in enumerate(inputs):
        if isinstance(spec, Discrete):
            choice[:, j] = np.minimum((u[:, j] * len(spec.alternatives)).astype(np.intp), len(spec.alternatives) - 1)
            continue
        pool = spec.n_draws if spec.n_draws is not None else n_points
        choice[:, j] = (np.minimum((u[:, j] * pool).astype(np.intp), pool - 1) if spec.n_draws is not None
                        else source[:, j])
        noisy = np.isin(catalog_levels, spec.levels)
        noise = np.ones((pool, len(catalog_levels)))
        noise[:, noisy] = 1.0 + (2.0 * rng.random((pool, int(noisy.sum()))) - 1.0) * spec.noise
    return Design(tuple(inputs), choice, noise, n)
