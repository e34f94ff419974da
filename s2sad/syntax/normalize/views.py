"""Which calls and expressions may share memory with, or write into, an array.

Plain facts about syntax, read by the normalizer's write checks: the calls whose
result may be a view of their first argument (the names the registry declares
views, ``registry.view_names()``, read when a function is normalized, once the
rules are loaded), the calls that write into an array
in place (refused, with what to write instead), the indices that always make a
view, and the names whose array an expression may hand on.  Each function takes
a gast node and returns a plain value; none changes its input.
"""

import ast

import gast

from ...rules import registry
from .. import nodes


#: ndarray methods that change the array they are called on -> what to write instead
IN_PLACE_METHODS = {
    "fill": "a = np.full_like(a, value)", "sort": "a = np.sort(a) (of a list: a = sorted(a))",
    "put": "flat = a.flatten(); flat[indices] = values; a = flat.reshape(a.shape) "
           "(a.put's indices index the flattened array; values: one per index, or one "
           "value)",
    "resize": "a = np.concatenate([a.ravel(), np.zeros(max(n - a.size, 0))])[:n]"
              ".reshape(shape), n the new size (a.resize keeps a's first n items in C "
              "order and fills the rest with zeros; np.resize would repeat them)",
    "itemset": "a[index] = value", "setfield": "build the new array",
    "partition": "a = np.partition(a, k)", "setflags": "drop the call",
    "byteswap": "a = a.byteswap()",
    "shuffle": "a = a[rng.permutation(len(a))] (of a numpy Generator or RandomState: the "
               "permutation its shuffle draws; the draw, of indices, has no derivative)",
}


#: a numpy Generator's draws that take out= -> how many positional arguments come before
#: their size
_DRAWS_INTO = {"random": 0, "standard_normal": 0, "standard_exponential": 0,
               "standard_gamma": 1}


#: numpy functions that write into their first argument -> what to write instead
IN_PLACE_FUNCTIONS = {
    "copyto": "a = b.copy() (or a = np.where(mask, b, a))",
    "put": "flat = a.flatten(); flat[indices] = values; a = flat.reshape(a.shape) "
           "(np.put's indices index the flattened array; values: one per index, or one "
           "value)",
    "place": "a[mask] = values (values: one per True item of mask, or one value; np.place "
             "repeats fewer values in turn: a[mask] = np.asarray(values)[np.arange("
             "np.count_nonzero(mask)) % len(values)])",
    "putmask": "a = np.where(mask, values, a) (values: of a's shape, or one value)",
    "fill_diagonal": "a[np.arange(n), np.arange(n)] = value, n = min(a.shape)",
    "put_along_axis": "of a 2-d a, axis=0: a[indices, np.arange(a.shape[1])] = values; "
                      "axis=1: a[np.arange(a.shape[0])[:, None], indices] = values; of a "
                      "1-d a: a[indices] = values",
}


def _put_along_axis_hint(call):
    """The hint of ``np.put_along_axis(a, indices, values, axis)`` for the axis the call
    gives as a literal (0, 1, -1 or None), else the recipes of each."""
    axis = call.args[3] if len(call.args) > 3 else next(
        (kw.value for kw in call.keywords if kw.arg == "axis"), None)
    given = axis.operand.value * -1 if isinstance(axis, gast.UnaryOp) and isinstance(
        axis.op, gast.USub) and isinstance(axis.operand, gast.Constant) else (
        axis.value if isinstance(axis, gast.Constant) else "?")
    if given is None:
        return ("axis=None indexes the flattened array: flat = a.flatten(); "
                "flat[indices] = values; a = flat.reshape(a.shape)")
    if given == 0:
        return ("of a 2-d a: a[indices, np.arange(a.shape[1])] = values; of a 1-d a: "
                "a[indices] = values")
    if given in (1, -1):
        return ("of a 2-d a: a[np.arange(a.shape[0])[:, None], indices] = values" +
                ("; of a 1-d a: a[indices] = values" if given == -1 else ""))
    return IN_PLACE_FUNCTIONS["put_along_axis"]


#: a ufunc's method -> the position of its ``out`` (reduce(array, axis, dtype, out),
#: reduceat(array, indices, axis, dtype, out)); outer and at take none by position
_UFUNC_METHOD_OUT = {"reduce": (3,), "accumulate": (3,), "reduceat": (4,)}


def out_positions(target, method=False):
    """The positions at which a library function ``target`` takes its ``out`` array(s)
    as positional arguments (a ufunc's outputs follow its inputs; a function with an
    ``out`` parameter that may be given by position), one less for a call of it as an
    ndarray method (``x.sum(0, None, None)``: the array is its first argument); empty
    when none is known."""
    shift = 1 if method else 0
    ufunc = getattr(target, "__self__", None)
    if type(getattr(ufunc, "nin", None)) is int and not method:   # np.add.reduce...
        return _UFUNC_METHOD_OUT.get(getattr(target, "__name__", None), ())
    nin, nout = getattr(target, "nin", None), getattr(target, "nout", None)
    if type(nin) is int and type(nout) is int:   # (a ufunc, numpy's or scipy's)
        return tuple(p - shift for p in range(nin, nin + nout) if p >= shift)
    sig = registry.signature_of(target) if callable(target) else None
    if sig is None:
        return ()
    for position, param in enumerate(sig.parameters.values()):
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            return ()
        if param.name == "out":
            return (position - shift,) if position >= shift else ()
    return ()


def without_out_none(target, args, keywords, method=False):
    """``(args, keywords)`` of a call of the library function ``target`` without the
    ``out=None`` it spells out (by keyword, or by position: the arguments after it then
    given by keyword, as its signature names them): ``None`` is the default, the call
    writes nothing.  Any other ``out`` is left (and refused by the fence)."""
    keywords = [kw for kw in keywords if not (kw.arg == "out" and is_none(kw.value))]
    args = list(args)
    for position in sorted(out_positions(target, method), reverse=True):
        if position >= len(args) or not is_none(args[position]) \
                or any(isinstance(a, gast.Starred) for a in args):
            continue
        later = args[position + 1:]
        if later:
            sig = registry.signature_of(target)
            names = list(sig.parameters)[position + 1 + (1 if method else 0):] \
                if sig is not None and type(getattr(target, "nin", None)) is not int else []
            if len(names) < len(later) or any(
                    sig.parameters[n].kind is not sig.parameters[n].POSITIONAL_OR_KEYWORD
                    for n in names[:len(later)]):
                continue   # (left as written: refused where its rule binds it)
            keywords = keywords + [gast.keyword(arg=n, value=v)
                                   for n, v in zip(names, later)]
        args = args[:position]
    return args, keywords


def is_none(node):
    """Whether the expression ``node`` is the literal ``None``."""
    return isinstance(node, gast.Constant) and node.value is None


def writes_in_place(call):
    """(message, hint) when the discarded call ``call`` writes into an array (an
    ``out=`` argument, an in-place ndarray method, np.copyto...), else None."""
    if not isinstance(call, gast.Call):
        return None
    func = call.func
    parts, node = [], func
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, gast.Name) else "...")
    spelled = ".".join(reversed(parts))
    name = parts[0]
    out = [kw.value for kw in call.keywords if kw.arg == "out"]
    if out:
        target = out[0].id if isinstance(out[0], gast.Name) else "a"
        rest = gast.Call(func=func, args=call.args,
                         keywords=[kw for kw in call.keywords if kw.arg != "out"])
        if name in _DRAWS_INTO and len(call.args) <= _DRAWS_INTO[name] \
                and not any(kw.arg == "size" for kw in call.keywords):
            # (a generator's draw into out= draws out's shape: without it, one number)
            rest.keywords.append(gast.keyword(arg="size", value=gast.Attribute(
                value=out[0], attr="shape", ctx=gast.Load())))
        try:
            written = ast.unparse(gast.gast_to_ast(rest))
        except Exception:   # pragma: no cover - a hint only
            written = f"{spelled}(...)"
        return (f"'{spelled}(..., out=...)' writes its result into an array in place; s2sad "
                f"differentiates values, not writes through out=",
                f"assign the result instead: {target}[...] = {written} (it writes into the "
                f"same array)")
    owner = func.value if isinstance(func, gast.Attribute) else None
    on_numpy = isinstance(owner, gast.Name) and owner.id in ("np", "numpy")
    if owner is not None and on_numpy and name in IN_PLACE_FUNCTIONS:
        hint = _put_along_axis_hint(call) if name == "put_along_axis" \
            else IN_PLACE_FUNCTIONS[name]
        return (f"'{spelled}(a, ...)' writes into its first argument in place; s2sad "
                f"differentiates values, not such writes",
                f"compute the new array and assign it: {hint}")
    if name == "at" and isinstance(owner, gast.Attribute) and isinstance(owner.value, gast.Name) \
            and owner.value.id in ("np", "numpy"):
        # (np.add.at and np.subtract.at are differentiated: see .scatter)
        return (f"'{spelled}(a, indices, values)' writes into its first argument in place (at "
                f"repeated indices too); s2sad differentiates only np.add.at and "
                f"np.subtract.at among such writes",
                f"write one item at a time: for k in range(len(indices)): a[indices[k]] = "
                f"np.{owner.attr}(a[indices[k]], values[k])")
    if owner is not None and not on_numpy and name in IN_PLACE_METHODS:
        return (f"'.{name}()' changes the array it is called on in place, which s2sad "
                f"cannot differentiate",
                f"compute the new array and assign it: {IN_PLACE_METHODS[name]}")
    return None


def is_view_index(index):
    """Whether ``x[index]`` is a view of ``x`` whatever the values: a slice, ``None``
    or ``...`` among the indices."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (
        p.value is None or p.value is Ellipsis) for p in parts)


def may_alias(value):
    """Whether assigning ``value`` may bind a name to an existing array rather than a
    new one: a name, an item or attribute of one, a view, or a tuple or choice of them."""
    if isinstance(value, (gast.Name, gast.Subscript, gast.Attribute, gast.Starred)):
        return True
    if isinstance(value, (gast.Tuple, gast.List)):
        return any(may_alias(e) for e in value.elts)
    if isinstance(value, gast.IfExp):
        return may_alias(value.body) or may_alias(value.orelse)
    if isinstance(value, gast.BoolOp):
        return any(may_alias(v) for v in value.values)
    if isinstance(value, gast.Call):
        func = value.func
        called = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
        return called in registry.view_names()
    return False


def held_names(expr):
    """The names whose array a list may hold after taking ``expr``: the value itself,
    or a view of it (``v[::2]``, ``v.T``, ``np.reshape(v, ...)``, either arm of
    ``a if c else b``); arithmetic makes a new array.  A call of anything else but a
    numpy function may hand back any of its arguments.  An item ``v[0]``, ``v[i, j]``
    is no name's array for certain: a number where the indices reach ``v``'s rank (a
    copy), a view where they do not, a copy again for an array of indices; which one,
    only the values tell, and the write into ``v`` checks them when the code runs
    (``check_not_shared`` of every name read later, the list among them)."""
    if isinstance(expr, gast.Name):
        return {expr.id}
    if isinstance(expr, gast.Subscript) and not is_view_index(expr.slice):
        return set()
    if isinstance(expr, (gast.Subscript, gast.Attribute, gast.Starred)):
        return held_names(expr.value)
    if isinstance(expr, gast.IfExp):
        return held_names(expr.body) | held_names(expr.orelse)
    if isinstance(expr, gast.BoolOp):
        return set().union(*(held_names(v) for v in expr.values))
    if isinstance(expr, (gast.Tuple, gast.List)):
        return set().union(set(), *(held_names(e) for e in expr.elts))
    if isinstance(expr, gast.Call):
        func = expr.func
        if isinstance(func, gast.Attribute) and func.attr in registry.view_names():
            if isinstance(func.value, gast.Name) and func.value.id in ("np", "numpy"):
                viewed = (expr.args[1:] if len(expr.args) == 2 else []) \
                    if func.attr in registry.any_view_names() else expr.args[:1]
                return set().union(set(), *(held_names(a) for a in viewed))
            return held_names(func.value)   # v.reshape(...), v.ravel()
        if isinstance(func, gast.Attribute):
            return set()   # np.sin(v), np.concatenate(...): a new array
        return set().union(set(), *(held_names(a) for a in expr.args))
    return set()



def slice_bound(walked, user, written):
    """``s[2:]`` (the source text) where ``written`` is bound once in the function, to a
    slice of ``user`` (``p = s[2:]``): a write through ``p`` is one into that slice of
    ``s``, which the function may write instead; else None."""
    bound = [a.value for a in nodes.of_class(walked, gast.Assign)
             if any(isinstance(t, gast.Name) and t.id == written for t in a.targets)]
    if len(bound) != 1 or not isinstance(bound[0], gast.Subscript) \
            or not isinstance(bound[0].value, gast.Name) or bound[0].value.id != user \
            or not is_view_index(bound[0].slice):
        return None
    return ast.unparse(gast.gast_to_ast(bound[0]))


def is_whole_index(index):
    """Whether ``x[index]`` is all of ``x``: ``x[...]``, ``x[:]``."""
    return isinstance(index, gast.Constant) and index.value is Ellipsis \
        or isinstance(index, gast.Slice) and index.lower is None and index.upper is None \
        and index.step is None
