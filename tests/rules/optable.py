"""The op table's vocabulary: argument domains and shapes, and how rows are written.

A row names one operation, the function that exercises it (in a fixture module:
s2sad reads source) and the argument shapes and domains it is checked on.
``test_ops.py`` holds the rows of the first rules; each area of later rules
(reductions, shapes, linear algebra, scipy...) keeps its rows in a module
``rows_<area>.py`` beside this one, with its functions in ``tests/fixtures/ops_<area>.py``;
:func:`area_rows` collects them all, so adding an area touches no shared file.
"""

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Tuple

import numpy as np

# ------------------------------------------------------------------ domains

def _real(rng, shape):
    return rng.standard_normal(shape)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def _unit(rng, shape):
    return rng.uniform(-0.8, 0.8, shape)


def _nonzero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 1.5, shape)


def _distinct(rng, shape):
    """Values at least 0.2 apart from each other, in random order (no ties anywhere)."""
    n = int(np.prod(shape, dtype=int))
    values = (rng.permutation(n) - n / 2.0) * 0.3 + rng.uniform(0.0, 0.1, n)
    return values.reshape(shape)


def _above_minus_half(rng, shape):
    return rng.uniform(-0.4, 2.0, shape)


def _above_one(rng, shape):
    return rng.uniform(1.2, 3.0, shape)


DOMAINS = {"real": _real, "pos": _positive, "unit": _unit, "nonzero": _nonzero,
           "distinct": _distinct, "gt-0.5": _above_minus_half,
           "gt1": _above_one}


@dataclass(frozen=True)
class Arg:
    """A differentiated argument: its shape (``()`` means a Python float) and domain
    (a name in :data:`DOMAINS`, or a function ``(rng, shape) -> array``)."""

    shape: Tuple[int, ...]
    domain: Any = "real"

    def sample(self, rng):
        draw = self.domain if callable(self.domain) else DOMAINS[self.domain]
        value = draw(rng, self.shape)
        return float(value) if self.shape == () else value


@dataclass(frozen=True)
class Const:
    """An argument passed as given (an index array, a mask): not differentiated."""

    value: Any

    def sample(self, rng):
        return self.value


@dataclass
class Case:
    label: str
    args: tuple
    valid: Optional[Callable] = None   # resample until valid(*args) holds


@dataclass
class Row:
    op: str
    fn: Callable
    cases: list = field(default_factory=list)


def row(op, fn, *cases, valid=None):
    built = []
    for case in cases:
        label, *args = case
        built.append(Case(label, tuple(args), valid))
    return Row(op, fn, built)


SCALAR, VECTOR, MATRIX, TENSOR = (), (4,), (3, 4), (2, 3, 2)


def unary(op, fn, domain="real"):
    """An elementwise function of one argument, on every shape class."""
    return row(op, fn, ("scalar", Arg(SCALAR, domain)), ("vector", Arg(VECTOR, domain)),
               ("matrix", Arg(MATRIX, domain)), ("tensor3", Arg(TENSOR, domain)))


BINARY_SHAPES = [
    ("scalar", SCALAR, SCALAR),
    ("vector", VECTOR, VECTOR),
    ("matrix", MATRIX, MATRIX),
    ("bcast-row", (3, 4), (4,)),
    ("bcast-col-row", (3, 1), (1, 4)),
    ("bcast-matrix-scalar", (3, 4), SCALAR),
    ("bcast-scalar-vector", SCALAR, (3,)),
    ("bcast-3d", (2, 3, 4), (3, 1)),
    ("bcast-lead", (4,), (2, 3, 4)),
]


def binary(op, fn, da="real", db="real", valid=None):
    """An elementwise function of two arguments, on every shape and broadcast class."""
    return row(op, fn, *[(label, Arg(sa, da), Arg(sb, db)) for label, sa, sb in BINARY_SHAPES],
               valid=valid)


def area_rows():
    """The rows of every ``rows_<area>.py`` module beside this one, in name order."""
    rows = []
    for path in sorted(Path(__file__).resolve().parent.glob("rows_*.py")):
        rows.extend(importlib.import_module(path.stem).ROWS)
    return rows


def fixture_modules():
    """The fixture modules of the op table: ``op_functions`` and every ``ops_<area>``."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    names = ["op_functions"] + [p.stem for p in sorted(fixtures.glob("ops_*.py"))]
    return [importlib.import_module(name) for name in names]

