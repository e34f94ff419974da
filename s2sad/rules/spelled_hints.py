"""What to write instead of a reduction's ``where=`` or ``initial=``, or of ``x.astype``'s
``copy=``, ``order=``, ``casting=``: spelled with the user's own arguments (the array,
the mask, the axis, keepdims, ddof as the call writes them), so that the spelling the
hint gives computes Python's value when it is followed literally.

Used only to word a refusal (:func:`s2sad.rules.template._unsupported_hint`).
"""

import ast
import inspect

import gast

#: the reductions whose where= / initial= a hint spells out, and how
_SUM_LIKE = {"sum", "nansum"}
_PROD = {"prod"}
_MAX = {"max", "amax"}
_MIN = {"min", "amin"}
_MEAN = {"mean"}
_SPREAD = {"std", "var"}
#: names a module is often imported as (np.mean(x): a function, not x.mean())
_MODULES = {"np", "numpy", "jnp", "scipy", "math", "da", "dask"}


def spelled_hint(site, short, target, name):
    """The hint text for the call ``site`` (the user's call node) of the reduction
    ``short`` (``target`` its numpy function) passing ``name``, or None where none is
    spelled out here."""
    if not isinstance(site, gast.Call):
        return None
    if short == "array" and _method(site) == "astype":
        return _astype_hint(site, name)
    if _method(site) == "copy" and name == "order":
        return (f"write {_source(site.func.value)}.copy() (or np.copy("
                f"{_source(site.func.value)})): the values do not depend on the memory order")
    if name not in ("where", "initial"):
        return None
    if short not in _SUM_LIKE | _PROD | _MAX | _MIN | _MEAN | _SPREAD:
        return None
    args = _arguments(site, target)
    if args is None or "a" not in args:
        return None
    x = args["a"]
    tail = _tail(args)
    mask, initial = args.get("where"), args.get("initial")
    if short in _SUM_LIKE:
        body = f"np.sum(np.where({mask}, {x}, 0.0){tail})" if mask else f"np.sum({x}{tail})"
        return _write(f"{body} + {initial}" if initial else body)
    if short in _PROD:
        body = f"np.prod(np.where({mask}, {x}, 1.0){tail})" if mask else f"np.prod({x}{tail})"
        return _write(f"{body} * {initial}" if initial else body)
    if short in _MAX | _MIN:
        op, pair = ("max", "maximum") if short in _MAX else ("min", "minimum")
        if mask and not initial:
            return None   # (numpy itself refuses where= without initial=)
        inner = f"np.where({mask}, {x}, {initial})" if mask else x
        return _write(f"np.{pair}(np.{op}({inner}{tail}), {initial})")
    if short in _MEAN:
        if not mask:
            return None
        return _write(f"np.sum(np.where({mask}, {x}, 0.0){tail}) / np.sum({mask}{tail})",
                      shape_note=mask)
    if not mask:
        return None
    ddof = args.get("ddof") or args.get("correction")
    axis = f", {args['axis']}" if "axis" in args else ""
    count = f"np.sum({mask}{tail})"
    mean = f"np.sum(np.where({mask}, {x}, 0.0){axis}, keepdims=True) / " \
           f"np.sum({mask}{axis}, keepdims=True)"
    spread = f"np.sum(np.where({mask}, ({x} - m) ** 2, 0.0){tail}) / " + (
        f"({count} - {ddof})" if ddof else count)
    body = f"np.sqrt({spread})" if short == "std" else spread
    return _write(f"m = {mean}; then {body}", shape_note=mask)


def _write(spelling, shape_note=None):
    text = f"write {spelling}, which computes the same and s2sad differentiates"
    if shape_note:
        text += (f"; {shape_note} must have the array's shape "
                 f"(np.broadcast_to it otherwise)")
    return text


def _astype_hint(site, name):
    x = _source(site.func.value)
    dtype = _source(site.args[0]) if site.args else next(
        (_source(k.value) for k in site.keywords if k.arg == "dtype"), None)
    if dtype is None:
        return None
    plain = f"{x}.astype({dtype})"
    why = {"copy": "copy= changes only whether the result may be the array itself, "
                   "never its values",
           "order": "the values do not depend on the memory order",
           "casting": "'unsafe' is astype's default and a float dtype converts from "
                      "any real one",
           "subok": "s2sad differentiates ndarrays"}.get(name)
    if why is None:
        return None
    return f"write {plain} (without {name}=): {why}"


def _method(site):
    func = site.func
    if isinstance(func, gast.Attribute) and not _is_module(func.value):
        return func.attr
    return None


def _is_module(node):
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and node.id in _MODULES


def _arguments(site, target):
    """``{parameter: source text}`` of the call ``site`` bound to ``target``'s signature
    (the receiver of ``x.op(...)`` as its first parameter), or None."""
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    args = [_source(a) for a in site.args]
    if _method(site) is not None:
        args = [_source(site.func.value)] + args
    keywords = {k.arg: _source(k.value) for k in site.keywords if k.arg}
    try:
        return dict(sig.bind(*args, **keywords).arguments)
    except TypeError:
        return None


def _tail(args):
    """``, axis, keepdims=...`` as the call gives them."""
    text = f", {args['axis']}" if "axis" in args else ""
    if "keepdims" in args:
        text += f", keepdims={args['keepdims']}"
    return text


def _source(node):
    return ast.unparse(gast.gast_to_ast(node))


def user_label(site, label):
    """The name the user's call ``site`` gives the op: ``x.astype`` for a method call of
    another name than the rule's function (``np.array``'s rule), else ``label``."""
    method = _method(site) if isinstance(site, gast.Call) else None
    if method is not None and method != label.rsplit(".", 1)[-1]:
        return f"{_source(site.func.value)}.{method}"
    return label
