"""Fence: reject, with a located error, every construct s2sad cannot differentiate.

Input: a :class:`~s2sad.syntax.parse.ParsedFunction`.
Output: nothing; raises :class:`UnsupportedSyntaxError` at the first construct
outside the supported subset.  After this pass, ``normalize`` may assume it
meets only node types it knows.

The table below is the single list of what is refused and why.
"""

import gast

from ..errors import UnsupportedSyntaxError
from . import nodes

# node type -> (what it is, what to do instead)
UNSUPPORTED = {
    gast.Try: ("'try' statements cannot be differentiated",
               "move the try/except outside the function you differentiate"),
    gast.With: ("'with' statements cannot be differentiated",
                "move the 'with' block outside the function you differentiate"),
    gast.AsyncWith: ("'async with' cannot be differentiated", "use a plain function"),
    gast.AsyncFor: ("'async for' cannot be differentiated", "use a plain function"),
    gast.AsyncFunctionDef: ("async functions cannot be differentiated", "use a plain function"),
    gast.Await: ("'await' cannot be differentiated", "use a plain function"),
    gast.Yield: ("generators ('yield') cannot be differentiated",
                 "return a value (an array or a tuple) instead of yielding"),
    gast.YieldFrom: ("generators ('yield from') cannot be differentiated",
                     "return a value instead of yielding"),
    gast.Global: ("'global' statements cannot be differentiated",
                  "pass the value in as an argument and return the new value"),
    gast.Nonlocal: ("'nonlocal' statements cannot be differentiated",
                    "pass the value in as an argument and return the new value"),
    gast.ClassDef: ("class definitions inside a differentiated function are not supported",
                    "define the class at module level"),
    gast.Import: ("imports inside a differentiated function are not supported",
                  "import at module level"),
    gast.ImportFrom: ("imports inside a differentiated function are not supported",
                      "import at module level"),
    gast.Delete: ("'del' statements are not supported", "drop the 'del'; names go out of scope"),
    gast.Raise: ("'raise' statements are not supported in a differentiated function",
                 "validate inputs before calling the differentiated function"),
    gast.NamedExpr: ("assignment expressions (':=') are not supported",
                     "assign to the name in a statement of its own"),
    gast.Set: ("set literals cannot be differentiated", "use a tuple or an array"),
    gast.SetComp: ("set comprehensions cannot be differentiated", "use a list and np.array"),
    gast.GeneratorExp: ("generator expressions are not supported",
                        "use np.sum over an array, or a list"),
    gast.JoinedStr: ("f-strings are not supported in a differentiated function",
                     "format strings outside the function"),
    gast.Starred: ("starred expressions ('*x', 'a, *rest = x') are not supported",
                   "write the items out: f(x[0], x[1]) for a call, a, b, c = x or "
                   "a, rest = x[0], x[1:] for unpacking"),
}


def check(parsed):
    """Raise at the first unsupported construct in ``parsed``'s body."""
    fn = parsed.node
    args = fn.args
    for kind, node in (("*args", args.vararg), ("**kwargs", args.kwarg)):
        if node is not None:
            raise UnsupportedSyntaxError(
                f"functions with {kind} parameters cannot be differentiated yet",
                parsed.location(node), hint="list the parameters explicitly")
    if getattr(args, "posonlyargs", None):
        raise UnsupportedSyntaxError(
            "positional-only parameters are not supported",
            parsed.location(args.posonlyargs[0]), hint="drop the '/' marker")
    everything = nodes.walk(fn)   # in gast.walk's order, for the checks below
    if any(type(node) in UNSUPPORTED for node in everything):
        # report the first one statement by statement, as before the fast check
        for stmt in fn.body:
            for node in nodes.walk(stmt):
                entry = UNSUPPORTED.get(type(node))
                if entry is not None:
                    raise UnsupportedSyntaxError(entry[0], parsed.location(node),
                                                 hint=entry[1])
    _check_complex(parsed, everything)
    _check_returns(parsed)
    _check_loops(parsed, everything)
    _check_local_functions(parsed, everything)


def _check_local_functions(parsed, everything):
    """Nested defs and lambdas are inlined where they are called: keep them simple.

    ``everything`` is ``nodes.walk(parsed.node)``.
    """
    for node in everything:
        if node is parsed.node or not isinstance(node, (gast.FunctionDef, gast.Lambda)):
            continue
        args = node.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.defaults \
                or getattr(args, "posonlyargs", None):
            raise UnsupportedSyntaxError(
                "local functions with default values, *args, **kwargs or keyword-only "
                "parameters are not supported", parsed.location(node),
                hint="give the local function plain parameters, or define it at module level")
        if isinstance(node, gast.FunctionDef) and node.decorator_list:
            raise UnsupportedSyntaxError("decorated local functions are not supported",
                                         parsed.location(node.decorator_list[0]),
                                         hint="define the function at module level")


def _check_loops(parsed, everything):
    """``for``/``while`` without ``else`` and with a plain target; ``everything`` is
    ``nodes.walk(parsed.node)``."""
    for node in everything:
        if isinstance(node, (gast.For, gast.While)) and node.orelse:
            raise UnsupportedSyntaxError(
                f"'{type(node).__name__.lower()} ... else' is not supported",
                parsed.location(node.orelse[0]),
                hint="set a flag before 'break' and test it after the loop")
        if isinstance(node, gast.For) and not isinstance(node.target, (gast.Name, gast.Tuple)):
            raise UnsupportedSyntaxError("the loop target must be a name or a tuple of names",
                                         parsed.location(node.target))


def _check_returns(parsed):
    body = parsed.node.body
    from .desugar import _walk_same_function
    returns = [n for stmt in body for n in _walk_same_function(stmt)
               if isinstance(n, gast.Return)]
    if not returns:
        raise UnsupportedSyntaxError(
            f"{parsed.name} returns nothing, so there is nothing to differentiate",
            parsed.location(parsed.node), hint="return the value to differentiate")
    for node in returns:
        if node.value is None:
            raise UnsupportedSyntaxError(
                "'return' without a value", parsed.location(node),
                hint="return the value to differentiate")


# numpy's complex types, by attribute name (``np.complex128``...)
_COMPLEX_ATTRIBUTES = {"complex64", "complex128", "complex256", "complex_", "csingle",
                       "cdouble", "clongdouble", "cfloat", "clongfloat", "complexfloating"}
# complex dtypes spelled as strings (``dtype="complex"``, ``x.astype("c16")``)
_COMPLEX_STRINGS = {"c8", "c16", "c32", "F", "D", "G"}


def _check_complex(parsed, everything):
    """Complex literals and complex types: s2sad has no complex convention (conjugation),
    so a complex intermediate would give a gradient whose sign depends on the spelling
    (``abs(1j * z)`` against ``abs(z)``).  Refused where they are written."""
    hint = ("s2sad differentiates real-valued code only: carry the real and imaginary "
            "parts as two real values")
    for node in everything:
        what = None
        if isinstance(node, gast.Constant) and isinstance(node.value, complex):
            what = f"the complex literal {node.value!r}"
        elif isinstance(node, gast.Name) and node.id == "complex" \
                and isinstance(node.ctx, gast.Load) and parsed.resolve("complex", None) is complex:
            what = "the complex type"
        elif isinstance(node, gast.Attribute) and node.attr in _COMPLEX_ATTRIBUTES:
            what = f"the complex type {node.attr}"
        elif isinstance(node, gast.Call):
            spelled = [kw.value for kw in node.keywords if kw.arg == "dtype"]
            if isinstance(node.func, gast.Attribute) and node.func.attr == "astype":
                spelled += node.args[:1]
            for dtype in spelled:
                if isinstance(dtype, gast.Constant) and isinstance(dtype.value, str) and (
                        dtype.value.startswith("complex") or dtype.value in _COMPLEX_STRINGS):
                    what, node = f"the complex dtype {dtype.value!r}", dtype
        if what is not None:
            raise UnsupportedSyntaxError(
                f"{what} cannot be differentiated: s2sad does not differentiate complex values",
                parsed.location(node), hint=hint)
