"""Integer arithmetic that numba computes differently from Python, found in the typed code.

Python's integers grow without bound and ``2 ** -1`` is ``0.5``; numba's are 64 bits
wide, wrap around past ``2**63``, and ``2 ** -1`` is ``0``.  :func:`hazard` reads the
typed IR of one compiled signature of a generated module and names the first line of
that module (not of the helpers it inlines) where two integers that are not both
constants are multiplied, shifted or raised to a power (``fact = fact * k``,
``2 ** (-i)``, ``np.power(n, k)``): there the numba backend runs the numpy code
instead, with a warning (see ``numba_backend``).  Sums and differences of integers are
not checked: counters, sizes and positions (``last - index``) are built from them, and
they wrap only past ``2**63`` reached by additions alone.  Nor is a product of a small
constant (at most ``2**10`` in size) and a value bounded by an array's size (its ``shape``,
``size``, ``len``, a ``range`` over them, sums, differences and ``//`` of them: at most
``2**48`` elements fit in memory), as index arithmetic is (``x[m:2 * m]``): it cannot reach
``2**63``.

The verdict of a signature is kept beside the module (``<module>.<digest>.ints``, the
digest of the signature and the module's text), so a process that loads the compiled
code from numba's cache (which keeps no typed IR) reads it instead of typing the code
again.
"""

import hashlib
import importlib
import operator
import os

import numpy as np

_PRODUCTS = {operator.mul: "*", operator.imul: "*=", operator.pow: "**",
             operator.ipow: "**=", operator.lshift: "<<", operator.ilshift: "<<="}
_UFUNCS = {np.power: "np.power", np.multiply: "np.multiply", np.left_shift: "np.left_shift",
           np.float_power: None}
_OK = "ok"


def _is_int(t, types):
    return isinstance(t, types.Integer) and not isinstance(t, types.Boolean)


#: the largest constant a size may be multiplied by (size * 2**10 stays below 2**63)
_SMALL = 2 ** 10
_SIZE_ATTRS = frozenset(("shape", "size", "ndim"))
_PASSED_ON = frozenset(("static_getitem", "getitem", "getiter", "iternext", "pair_first",
                        "exhaust_iter", "cast"))
_KEEP_BOUND = frozenset((operator.add, operator.iadd, operator.sub, operator.isub,
                         operator.floordiv, operator.ifloordiv, operator.mod, operator.imod))


def _small(name, typemap, constants, types):
    t = typemap.get(name)
    value = t.literal_value if isinstance(t, types.IntegerLiteral) else constants.get(name)
    return isinstance(value, int) and abs(value) <= _SMALL


def _sizes(annotation, types, ir):
    """The names of the typed IR's variables bounded by an array's size (see the module):
    each of whose definitions is one of those forms."""
    typemap, definitions, constants = annotation.typemap, {}, {}
    for block in annotation.blocks.values():
        for inst in block.body:
            if isinstance(inst, ir.Assign):
                definitions.setdefault(inst.target.name, []).append(inst.value)
                if isinstance(inst.value, ir.Const) and type(inst.value.value) is int:
                    constants[inst.target.name] = inst.value.value
    sized, grown = set(), True

    def known(var):
        return var.name in sized or _small(var.name, typemap, constants, types)

    def bounded(value):
        if isinstance(value, ir.Var):
            return value.name in sized
        if not isinstance(value, ir.Expr):
            return False
        if value.op == "getattr":
            return value.attr in _SIZE_ATTRS
        if value.op in _PASSED_ON:
            return value.value.name in sized
        if value.op == "binop" or value.op == "inplace_binop":
            return value.fn in _KEEP_BOUND and known(value.lhs) and known(value.rhs) \
                and (value.lhs.name in sized or value.rhs.name in sized)
        if value.op == "call":
            key = getattr(typemap.get(value.func.name), "typing_key", None)
            return (key is len and len(value.args) == 1) or (
                key is range and value.args and all(known(a) for a in value.args))
        return False
    while grown:
        grown = False
        for name, values in definitions.items():
            if name not in sized and all(bounded(v) for v in values):
                sized.add(name)
                grown = True
    return sized, constants


def _index_product(expr, sized, constants, typemap, types):
    """Whether ``expr`` multiplies a size by a small constant (it cannot pass 2**63)."""
    if expr.op not in ("binop", "inplace_binop") or expr.fn not in (operator.mul,
                                                                       operator.imul):
        return False
    a, b = expr.lhs.name, expr.rhs.name
    return (a in sized and _small(b, typemap, constants, types)) or \
        (b in sized and _small(a, typemap, constants, types))


def _scan(annotation, path, types, ir):
    """``(line, operator)`` of the first hazardous operation in ``path``'s lines, or None."""
    typemap = annotation.typemap
    sized, constants = _sizes(annotation, types, ir)
    for block in annotation.blocks.values():
        for inst in block.body:
            if not isinstance(inst, ir.Assign) or not isinstance(inst.value, ir.Expr):
                continue
            expr, loc = inst.value, inst.loc
            if os.path.abspath(loc.filename) != path:
                continue
            if expr.op in ("binop", "inplace_binop") and expr.fn in _PRODUCTS:
                operands = [typemap.get(expr.lhs.name), typemap.get(expr.rhs.name)]
                symbol = _PRODUCTS[expr.fn]
            elif expr.op == "call":
                key = getattr(typemap.get(expr.func.name), "typing_key", None)
                symbol = _UFUNCS.get(key) if _hashable(key) else None
                operands = [typemap.get(a.name) for a in expr.args[:2]]
                if symbol is None or len(operands) < 2:
                    continue
            else:
                continue
            if all(_is_int(t, types) for t in operands) and \
                    not all(isinstance(t, types.IntegerLiteral) for t in operands) and \
                    not _index_product(expr, sized, constants, typemap, types):
                return loc.line, symbol
    return None


def _hashable(key):
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _verdict_path(module_file, signature):
    """Where the verdict of ``signature`` of the module's present text is kept (the text
    is in the digest: a module written again is scanned again)."""
    digest = hashlib.sha256(str(signature).encode())
    try:
        with open(module_file, "rb") as handle:
            digest.update(handle.read())
    except OSError:
        pass
    digest = digest.hexdigest()[:16]
    return f"{module_file}.{digest}.ints"


def hazard(dispatcher, signature, module_file):
    """``(line, operator)`` of the first integer product of ``dispatcher``'s compiled
    ``signature`` that may differ from Python's (see the module), or None."""
    path = os.path.abspath(module_file)
    kept = _verdict_path(path, signature)
    try:
        with open(kept, encoding="utf-8") as handle:
            text = handle.read().strip()
        if text == _OK:
            return None
        line, symbol = text.split(" ", 1)
        return int(line), symbol
    except (OSError, ValueError):
        pass
    numba = importlib.import_module("numba")
    types = importlib.import_module("numba.core.types")
    ir = importlib.import_module("numba.core.ir")
    annotation = dispatcher.overloads[signature].type_annotation
    if not hasattr(annotation, "typemap"):   # loaded from numba's cache: type it again
        fresh = numba.njit(dispatcher.py_func)
        fresh.compile(signature)
        annotation = fresh.overloads[fresh.signatures[0]].type_annotation
    found = _scan(annotation, path, types, ir)
    try:
        with open(kept, "w", encoding="utf-8") as handle:
            handle.write(_OK if found is None else f"{found[0]} {found[1]}")
    except OSError:
        pass
    return found
