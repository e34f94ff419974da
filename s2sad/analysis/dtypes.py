"""Where an adjoint may be accumulated in place: float64 arrays and real values.

``x_bar = x_bar + g`` allocates a new array; ``x_bar += g`` does not, and gives
the same value only when (a) ``x_bar`` is an array the generated code made and
alone holds, (b) its dtype is already the dtype of the sum, and (c) its shape is
already the shape of the sum.  (a) and (c) are the reverse sweep's to know
(``transform.reverse.env``); this module gives what (b) needs.

The API specializes reverse code on the arguments' dtypes as it does on their
ranks (``api.ranked``): when every argument is real of at most 64 bits (a bool,
int or float number or array), the key of a call lists, under :data:`FLOAT64`,
the parameters holding float64 arrays.  Their adjoints start as float64 arrays
(``zeros_like``), and adding any real value of at most 64 bits keeps them
float64, so (b) holds for them when every value the function computes is such
a value: :func:`real_closed`, which reads the normalized body (its literals, the
callees of its calls, the attributes it reads, its free values) and answers no
whenever anything could make a complex, long double or object value.  A global
array's dtype is read when the code is made; the API makes it again when the
global is bound to another array.

``accumulators(normal, primal)``: the parameters whose adjoints may be added
into in place, given float64 arrays: never bound again, in a real-closed body.
"""

import builtins

import gast

from ..rules import registry
from ..syntax import anno, nodes
from .ops import assigned_in

#: the key, among a call's ranks, of the parameters holding float64 arrays (given only
#: when every argument is real of at most 64 bits)
FLOAT64 = "<float64>"

#: numpy functions (besides its ufuncs) whose results are real of at most 64 bits when
#: their arguments are, with how many arguments they may take by position (the next
#: one would be a ``dtype`` or an ``out`` array)
_NUMPY = {
    "sum": 2, "mean": 2, "prod": 2, "max": 2, "min": 2, "amax": 2, "amin": 2,
    "cumsum": 2, "var": 2, "std": 2, "dot": 2, "outer": 2, "inner": 2, "transpose": 2,
    "reshape": 2, "ravel": 1, "where": 3, "clip": 3, "zeros_like": 1, "ones_like": 1,
    "concatenate": 2, "stack": 2, "hstack": 1, "vstack": 1, "expand_dims": 2,
    "squeeze": 2, "diag": 2, "trace": 4, "linspace": 3, "arange": 3, "zeros": 1, "ones": 1,
    "full": 2, "eye": 3, "identity": 1}
#: builtins that do the same
_BUILTINS = {"len": 1, "range": 3, "float": 1, "int": 1, "abs": 1, "min": 2, "max": 2,
             "sum": 1, "bool": 1, "round": 2}
#: keywords those calls may take (never ``dtype=`` nor ``out=``)
_KEYWORDS = frozenset({"axis", "keepdims", "axes", "ddof"})
#: attributes of a value the body reads
_ATTRIBUTES = frozenset({"T", "shape", "ndim", "size", "real"})


def split(ranks):
    """``(ranks without the FLOAT64 key or None, the float64 parameters)``."""
    if not ranks or FLOAT64 not in ranks:
        return ranks, frozenset()
    rest = {k: v for k, v in ranks.items() if k != FLOAT64}
    return rest or None, frozenset(ranks[FLOAT64])


def accumulators(normal, primal):
    """The parameters of ``normal`` (its ``primal`` body, without the return) whose
    adjoints may be added into in place when they are float64 arrays (see the module
    docstring)."""
    if not real_closed(primal, normal.free_objects):
        return frozenset()
    return frozenset(normal.params) - assigned_in(primal)


def real_closed(primal, free_objects):
    """Whether every value ``primal`` computes is real of at most 64 bits when its
    arguments are (see the module docstring); ``free_objects``: free name -> object."""
    # one list-building walk, read twice (in gast.walk's order, less contexts and
    # operators, which _real_node accepts): gast.walk's generators cost more than the checks
    everything = nodes.walk(gast.Module(body=list(primal), type_ignores=[]))
    callees = {id(node.func) for node in everything if isinstance(node, gast.Call)}
    for node in everything:
        if not _real_node(node, callees, free_objects):
            return False
    return all(_real_free(obj) for obj in free_objects.values())


def _real_node(node, callees, free_objects):
    if node.__class__ in _PLAIN:
        return True   # (the commonest nodes: what the last line below says of them)
    if isinstance(node, gast.Constant):
        return not isinstance(node.value, complex)
    if isinstance(node, gast.Call):
        most = _real_callee(anno.get(node, anno.CALLEE))
        return most is not None and len(node.args) <= most and all(
            k.arg in _KEYWORDS for k in node.keywords) and not any(
            isinstance(a, gast.Starred) for a in node.args)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Pow):
        # (-8.0) ** (1 / 3) is complex in Python: only whole exponents
        exponent = node.right
        return isinstance(exponent, gast.Constant) and type(exponent.value) in (int, float) \
            and float(exponent.value).is_integer()
    if isinstance(node, gast.Attribute) and id(node) not in callees:
        base = node.value
        if isinstance(base, gast.Name) and base.id in free_objects:
            value = getattr(free_objects[base.id], node.attr, None)
            return value is None or type(value) in (bool, int, float)
        return node.attr in _ATTRIBUTES
    return not isinstance(node, (gast.Lambda, gast.ListComp, gast.GeneratorExp,
                                 gast.DictComp, gast.SetComp, gast.Await, gast.Yield,
                                 gast.YieldFrom))


#: node classes that hold no value of their own to check (their parts are checked)
_PLAIN = frozenset((gast.Name, gast.Assign, gast.Tuple, gast.Subscript, gast.UnaryOp,
                    gast.Compare, gast.Return, gast.keyword, gast.If, gast.For,
                    gast.While, gast.Slice, gast.List, gast.Expr))


def _real_callee(callee):
    """How many arguments by position ``callee`` may take and keep results real of at
    most 64 bits (see :data:`_NUMPY`); None for a callee that may not."""
    name = getattr(callee, "__name__", None) if callee is not None else None
    if not isinstance(name, str):
        return None
    if name in _BUILTINS and getattr(builtins, name, None) is callee:
        return _BUILTINS[name]
    np = registry.array_module()
    # (numpy's own names are in its dict; its module __getattr__ warns of old
    # aliases, np.str, for a builtin of that name)
    if vars(np).get(name) is not callee:
        return None
    if isinstance(callee, np.ufunc):
        return callee.nin   # (one more is an ``out`` array)
    return _NUMPY.get(name)


def _real_free(obj):
    """A free value the code may read: a module, a real Python number (its type is
    checked at each call), a callee of :func:`_real_callee`, or a numpy array or
    number, real of at most 64 bits (the API regenerates the code made for float64
    arrays when such a global is bound to another object: ``api.entries``)."""
    if type(obj) in (bool, int, float) or type(obj).__name__ == "module" \
            or _real_callee(obj) is not None:
        return True
    np = registry.array_module()
    if type(obj) is np.ndarray or isinstance(obj, np.generic):
        return obj.dtype.kind in "biuf" and obj.dtype.itemsize <= 8
    return False
