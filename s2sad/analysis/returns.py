"""What a plain Python helper returns, read from its source (for ``analysis.kinds``).

Plain data out: the position of the parameter it returns on every path
(``def ident(p): return p``), or the display every ``return`` writes (``return (a,
b)``: a tuple of two items), so the kinds of the values a call gives are known
where the helper is called (``t = helper(x); t + u`` is a tuple's concatenation,
not numpy's sum).  Read once per code object.
"""

import ast
import inspect
import textwrap

_TREES = {}


def _function(code):
    """The ``ast.FunctionDef`` of ``code`` (without nested functions), or None."""
    if code not in _TREES:
        _TREES[code] = None
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
        except (OSError, TypeError, SyntaxError, IndentationError):
            return None
        fn = tree.body[0] if tree.body else None
        if isinstance(fn, ast.FunctionDef) and not any(
                isinstance(n, (ast.FunctionDef, ast.Lambda, ast.AsyncFunctionDef))
                for n in ast.walk(fn) if n is not fn):
            _TREES[code] = fn
    return _TREES[code]


def _returns(fn):
    """``fn``'s return statements, when its body ends with one (no path falls off)."""
    last = fn.body[-1] if fn.body else None
    if not isinstance(last, ast.Return):
        return []
    return [n for n in ast.walk(fn) if isinstance(n, ast.Return)]


def returned_parameter(code):
    """The position of the parameter a plain Python function returns on every path
    (``def ident(p): return p``), from its source, or None."""
    fn = _function(code) if code is not None else None
    if fn is None or fn.args.vararg or fn.args.kwarg:
        return None
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    returns = _returns(fn)
    stores = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
              and not isinstance(n.ctx, ast.Load)}
    names = {r.value.id for r in returns if isinstance(r.value, ast.Name)}
    if returns and len(names) == 1 and all(isinstance(r.value, ast.Name) for r in returns) \
            and names <= set(params) and not names & stores:
        return params.index(names.pop())
    return None


def returned_displays(code):
    """The displays a plain Python function returns on every path, one per ``return``:
    ``("tuple", n)`` (``return (a, b)``), ``("list", n)``, ``("dict", keys)`` (constant
    string or int keys, in order); None when a path returns anything else."""
    fn = _function(code) if code is not None else None
    if fn is None:
        return None
    found = []
    for ret in _returns(fn) or [None]:
        value = ret.value if ret is not None else None
        if isinstance(value, (ast.Tuple, ast.List)) \
                and not any(isinstance(e, ast.Starred) for e in value.elts):
            found.append(("tuple" if isinstance(value, ast.Tuple) else "list",
                          len(value.elts)))
        elif isinstance(value, ast.Dict) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, (str, int))
                and not isinstance(k.value, bool) for k in value.keys):
            found.append(("dict", tuple(k.value for k in value.keys)))
        else:
            return None
    return found
