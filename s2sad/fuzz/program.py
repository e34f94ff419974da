"""A generated program (source, parameters, wrt, output kind) and the containers its
parameters may be: copies, flattening, random directions, equality."""

import ast
import collections
import types
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np


# ------------------------------------------------------------------ programs

@dataclass
class Param:
    name: str
    kind: str            # "float", "int", "tree" (a list, tuple or dict of floats and
    #                      arrays), or "none" (None, passed as is)
    shape: tuple = ()    # a tree's structure: see :func:`_spec_paths`
    value: object = None
    #: the module global passed as this argument (``global_arg``: the very object)
    global_name: str = ""
    #: a Python float at a pole of the function (``float_pole``)
    pole: bool = False
    #: the memory layout the argument is given in (``input_layout``): "C", "F"
    #: (Fortran-ordered), "T" (a transposed view of a C-ordered array) or "S" (a strided,
    #: non-contiguous view)
    layout: str = "C"

    def fresh(self):
        if self.kind == "tree":
            return _tree_copy(self.value)
        if not self.shape:
            return self.value
        return in_layout(np.array(self.value, dtype=np.float64), self.layout)


def in_layout(array, layout):
    """A float64 array of ``array``'s values in ``layout`` (see :attr:`Param.layout`)."""
    if layout == "F":
        return np.asfortranarray(array)
    if layout == "T":
        return np.array(array.T, order="C").T
    if layout == "S":
        wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],))[..., ::2]
        wide[...] = array
        return wide
    return array


LAYOUT_SOURCE = {"F": "np.asfortranarray({})", "T": "np.array({}.T, order='C').T",
                 "S": "np.repeat({}, 2, axis=-1)[..., ::2]"}


# ------------------------------------------------------------------ containers (pytrees)
#
# A parameter may be a container: a list, tuple or dict (nested to any depth) whose leaves
# are floats and float arrays.  The checker works on its leaves itself (flattened in
# order: list and tuple items, dict values in insertion order), independently of how
# s2sad's API flattens them; a derivative of a container must be a container of the same
# structure (the same types, lengths and keys in the same order) whose leaves have the
# shapes of the primal's.

def rebuilt(like, items):
    """A list or tuple of ``like``'s class holding ``items`` (a namedtuple takes them as
    its fields)."""
    cls = type(like)
    return cls(*items) if hasattr(cls, "_fields") else cls(items)


#: the namedtuple class of the parameters that read their fields (``param_fields``)
Layer = collections.namedtuple("Layer", "W b")


def _tree_map(fn, value):
    if isinstance(value, dict):
        return {k: _tree_map(fn, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return rebuilt(value, [_tree_map(fn, v) for v in value])
    return fn(value)


def _tree_leaves(value):
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _tree_leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _tree_leaves(v)]
    return [value]


def _tree_copy(value):
    return _tree_map(lambda x: np.array(x, dtype=np.float64) if isinstance(x, np.ndarray)
                     else x, value)


def _tree_source(value):
    """Python source that builds ``value`` (numpy imported as np)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_tree_source(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_tree_source(v) for v in value) + "]"
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return f"{type(value).__name__}(" + ", ".join(
            f"{k}={_tree_source(v)}" for k, v in zip(value._fields, value)) + ")"
    if isinstance(value, tuple):
        return "(" + ", ".join(_tree_source(v) for v in value) + ("," if len(value) == 1
                                                                    else "") + ")"
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, (bool, int, np.integer)):
        return repr(value)
    return repr(float(value))


def cotangent_like(flat, value):
    """A cotangent of ``value``'s structure (a container's leaves in order, a tuple of
    outputs, one array or number) from the flat numbers ``flat``."""
    if isinstance(value, (list, dict)):
        return _unflat_arg(flat, value)
    outs = value if isinstance(value, tuple) else (value,)
    cts, start = [], 0
    for o in outs:
        size = int(np.size(o))
        piece = flat[start:start + size].reshape(np.shape(o))
        cts.append(piece if np.ndim(o) else float(piece))
        start += size
    return tuple(cts) if isinstance(value, tuple) else cts[0]


def _unflat_arg(vector, like):
    """An argument shaped like ``like`` whose leaves are read in order from ``vector``."""
    position = [0]

    def take(leaf):
        size = int(np.size(leaf))
        piece = vector[position[0]:position[0] + size]
        position[0] += size
        if isinstance(leaf, np.ndarray):
            return np.array(piece, dtype=np.float64).reshape(leaf.shape)
        return float(piece[0])
    return _tree_map(take, like)


def _random_like(value, rng):
    """A random direction (tangent, cotangent) of the structure and shapes of ``value``."""
    return _tree_map(lambda x: rng.standard_normal(x.shape) if isinstance(x, np.ndarray)
                     else float(rng.standard_normal()), value)


def _ones_like(value):
    return _tree_map(lambda x: np.ones_like(x, dtype=np.float64) if isinstance(x, np.ndarray)
                     else 1.0, value)


def _tree_axpy(x, t, d):
    """``x + t * d`` leaf by leaf (same structures), an array in ``x``'s memory order (a
    function may read it, ``x.ravel('K')``: seed 20261488's reference differentiated
    another function where ``x + t * d`` came out in C order)."""
    if isinstance(x, dict):
        return {k: _tree_axpy(x[k], t, d[k]) for k in x}
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [_tree_axpy(a, t, b) for a, b in zip(x, d)])
    if isinstance(x, np.ndarray):
        step = t * np.asarray(d)
        out = np.empty_like(x, dtype=np.result_type(x, step))   # (order='K': x's layout)
        return np.add(x, step, out=out)
    return x + t * d


def _tree_equal(a, b):
    """Same structure, same types of leaves, equal values (an object the program's own
    class makes, such as ``foreign_arg``'s, stands as a namespace of its attributes)."""
    if isinstance(b, types.SimpleNamespace):
        return _tree_equal(getattr(a, "__dict__", None), vars(b))
    if isinstance(b, dict):
        return isinstance(a, dict) and list(a) == list(b) and all(
            _tree_equal(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(
            _tree_equal(x, y) for x, y in zip(a, b))
    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    return not isinstance(a, (list, tuple, dict, np.ndarray)) and a == b


@dataclass
class Program:
    """A generated module: source text, the function ``f``'s arguments, wrt, output kind."""

    seed: int
    source: str
    params: List[Param]
    wrt: Tuple[int, ...]
    output: str = "scalar"            # "scalar", "array" or "tuple"
    features: frozenset = frozenset()

    def args(self):
        return tuple(p.fresh() for p in self.params)

    def statement_count(self):
        return _count_statements(ast.parse(self.source))

    def args_source(self):
        parts = []
        for p in self.params:
            if p.global_name:   # (the module's own object, which the source defines)
                parts.append(p.global_name)
            elif p.kind == "tree":
                parts.append(_tree_source(p.value))
            elif p.kind in ("int", "none"):
                parts.append(repr(p.value))
            elif p.shape:
                made = f"np.array({np.asarray(p.value).tolist()!r})"
                parts.append(LAYOUT_SOURCE[p.layout].format(made) if p.layout in LAYOUT_SOURCE
                             else made)
            else:
                parts.append(repr(float(p.value)))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def reproduction(self, modes=("reverse", "forward")):
        """The program as a self-contained script that checks it with ``check_grads``
        (mode ``dask``: on numpy, and a note of where Dask's check is)."""
        note = ""
        if {"cli", "cli_numba"} & set(modes):   # (check_grads checks the API)
            target = " --target numba" if "cli_numba" in modes else ""
            modes = tuple(m for m in modes if m not in ("cli", "cli_numba")) \
                or ("reverse", "forward")
            names = ",".join(self.params[i].name for i in self.wrt)
            note += (f"# the command line: python -m s2sad grad FILE.py:f --wrt {names}"
                     f"{target} -o OUT.py (--flavor vjp, --mode forward); "
                     f"python -m s2sad.fuzz --modes cli\n")
        if "dask" in modes:   # (check_grads takes numpy arrays only)
            modes = tuple(m for m in modes if m != "dask") or ("reverse", "forward")
            note = ("# on Dask arrays (chunks=2): s2sad.fuzz.dask_mode.check_dask, "
                    "python -m s2sad.fuzz --modes dask\n")
        entry, made = "f", ""
        if "entry_lambda" in self.features:   # (the checker differentiates the lambda)
            entry = "fe"
        elif "entry_partial" in self.features:   # (... or a partial of f)
            entry, made = "entry", "import functools\nentry = functools.partial(f, kq=0.5)\n"
        if any(p.kind == "tree" and "Layer(" in _tree_source(p.value) for p in self.params):
            made += "from s2sad.fuzz.program import Layer\n"
        return (f"{self.source.rstrip()}\n\n\n{made}"
                f"args = {self.args_source()}\n"
                f"# import s2sad.testing; s2sad.testing.check_grads({entry}, args, "
                f"wrt={self.wrt!r}, modes={tuple(modes)!r})\n" + note)


def _count_statements(tree):
    """Statements inside function bodies (compound ones count once, plus their bodies)."""
    return sum(1 for fn in tree.body if isinstance(fn, ast.FunctionDef)
               for node in ast.walk(fn) if isinstance(node, ast.stmt) and node is not fn)


def _format(source):
    """Canonical source: ``ast.unparse`` with blank lines around top-level definitions."""
    lines = [line for line in ast.unparse(ast.parse(source)).splitlines() if line.strip()]
    out = []
    for i, line in enumerate(lines):
        if (line.startswith("def ") or line.startswith("@")) and out \
                and not out[-1].startswith("@"):
            out += ["", ""]
        elif out and out[-1].startswith(" ") and not line.startswith(" "):
            out += ["", ""]
        out.append(line)
    return "\n".join(out) + "\n"
