"""What to write instead of ``x.astype``'s ``copy=``, ``order=``, ``casting=`` or
``x.copy(order)``: spelled with the user's own arguments, so that the spelling the hint
gives computes Python's value when it is followed literally.  (The reductions' where= and
initial=, whose hints were spelled here once, are differentiated since issue 16.)

Used only to word a refusal (:func:`s2sad.rules.template._unsupported_hint`).
"""

import ast

import gast

#: names a module is often imported as (np.mean(x): a function, not x.mean())
_MODULES = {"np", "numpy", "jnp", "scipy", "math", "da", "dask"}


def spelled_hint(site, short, target, name):
    """The hint text for the call ``site`` (the user's call node) of the op ``short``
    (``target`` its numpy function) passing ``name``, or None where none is spelled out
    here."""
    if not isinstance(site, gast.Call):
        return None
    if short == "array" and _method(site) == "astype":
        return _astype_hint(site, name)
    if _method(site) == "copy" and name == "order":
        return (f"write {_source(site.func.value)}.copy() (or np.copy("
                f"{_source(site.func.value)})): the values do not depend on the memory order")
    return None


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






def _source(node):
    return ast.unparse(gast.gast_to_ast(node))


def user_label(site, label):
    """The name the user's call ``site`` gives the op: ``x.astype`` for a method call of
    another name than the rule's function (``np.array``'s rule), else ``label``."""
    method = _method(site) if isinstance(site, gast.Call) else None
    if method is not None and method != label.rsplit(".", 1)[-1]:
        return f"{_source(site.func.value)}.{method}"
    return label
