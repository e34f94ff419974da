"""``ensure_plain_item``: the check generated code makes before ``y = obj[key]`` where
the key carries a derivative and what ``obj`` holds is known only when the code runs (a
parameter's attribute, a loop's item, an item of a local container; see
``analysis.object_items``, which refuses the reads whose object it knows).

s2sad reads an item through its container, never through the key.  That is right for
an integer key (a number computed from a parameter and made an integer is constant
between its steps) and for a float key of a dict (a lookup: constant too); an array, a
list or a tuple refuses a float key themselves.  An object of a class of the user's
whose ``__getitem__`` computes the item from a float key (``np.interp(key, ...)``) would
give an item whose derivative through the key is dropped: refused here, located.
"""

import inspect

from .numpy_view import np
from .checks import source_location
from ..analysis.kind_lattice import users_class
from ..errors import UnsupportedSyntaxError
from ..rules.item_calls import item_call

_ndarray = np.ndarray
_PLAIN = (_ndarray, list, tuple, dict, str, int, float)
_EXACT = (int, bool, str, bytes, type(None), type(Ellipsis), np.integer, np.bool_)


def ensure_plain_item(obj, key, filename, line, column):
    """``True`` when s2sad's reading of ``obj[key]`` as a constant of ``key`` is Python's
    (see the module docstring); else raise the refusal, at ``filename:line:column``."""
    cls = obj.__class__
    if cls in _PLAIN or _exact(key):
        return True
    method, spelled = getattr(cls, "__getitem__", None), "__getitem__"
    if users_class(cls) and not inspect.isfunction(method) \
            and getattr(cls, "__missing__", None) is not None:
        method, spelled = cls.__missing__, "__missing__"   # (a dict's missing items)
    if item_call(obj) is None and not (inspect.isfunction(method) and users_class(cls)):
        return True
    owner = cls.__name__
    raise UnsupportedSyntaxError(
        f"this item is read from an object of class {owner}, whose {spelled} computes "
        f"the item from the key, and the key ({_shown(key)}) carries a derivative: s2sad "
        f"reads an item as a constant of its key, so the derivative through the key would "
        f"be dropped", source_location(filename, line, column),
        hint=f"call the class's method, which s2sad differentiates as your helper: "
             f"{owner}.{spelled}(obj, key) in place of obj[key] ({owner} a name of the "
             f"class in your module); if the item is constant between integer keys, make "
             f"the key an integer (int(key))" if item_call(obj) is None else
             "join the pieces yourself: np.concatenate([...]) for np.r_[...], "
             "np.column_stack([...]) for np.c_[...]")


def _exact(key):
    """Whether ``key`` holds no inexact number (integers, slices of them, strings...):
    an item read with it is constant where the key is."""
    if isinstance(key, _EXACT):
        return True
    if key.__class__ is _ndarray:
        return key.dtype.kind in "biuSU"
    if key.__class__ is slice:
        return _exact(key.start) and _exact(key.stop) and _exact(key.step)
    if key.__class__ in (tuple, list):
        return all(_exact(k) for k in key)
    return False


def _shown(key):
    """The key as the message shows it: its type, and its value where it is short."""
    text = repr(key)
    return f"{text}, a {type(key).__name__}" if len(text) <= 40 else f"a {type(key).__name__}"
