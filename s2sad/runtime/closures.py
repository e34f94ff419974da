"""The values of a user's closures that a module ``s2sad grad`` wrote reads: a function
the user's module binds (``model = make(A, k)``) holds them in its closure cells, and the
written module binds each, when imported, to the object the cell holds
(``closure_value``); ``check_globals`` checks at each call that the cell still holds it.
A path names a value: ``("model", "A")`` is the value ``A`` of the closure of the
module's function ``model``; ``("f", "fn", "w")`` the value ``w`` of the closure of the
function ``fn`` of the closure of ``f`` (a decorator's wrapper and the function it wraps).
"""

import importlib
import sys


def held_value(module, path, absent):
    """The value ``path`` names in ``module`` (see the module doc), else ``absent``."""
    obj = module.__dict__.get(path[0], absent)
    for name in path[1:]:
        code, cells = getattr(obj, "__code__", None), getattr(obj, "__closure__", None)
        if code is None or not cells or name not in code.co_freevars:
            return absent
        try:
            obj = cells[code.co_freevars.index(name)].cell_contents
        except ValueError:   # (an empty cell: a name the enclosing function has not bound)
            return absent
    return obj


def closure_value(module_name, path):
    """In a module ``s2sad grad`` wrote: the value of a closure of the user's module
    ``module_name`` that ``path`` names (imported if it is not yet); a located s2sad error
    where that module no longer holds it."""
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    absent = object()
    value = held_value(module, path, absent)
    if value is absent:
        from ..errors import ReboundNameError
        from .guards import _binding_place
        location, command, _ = _binding_place(path[-1], sys._getframe(1).f_code.co_filename)
        raise ReboundNameError(f"{shown_path(module_name, path)} is not there: the module "
                               f"was changed since this one was written", location,
                               hint=f"regenerate this module ({command})")
    return value


def shown_path(module_name, path):
    """``fac.model's closure value A``: how messages name a closure's value."""
    return f"{module_name}.{path[0]}" + "".join(f"'s closure value {p}" for p in path[1:])
