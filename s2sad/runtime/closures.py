"""The values of a user's closures that a module ``s2sad grad`` wrote reads: a function
the user's module binds (``model = make(A, k)``) holds them in its closure cells, and the
written module binds each, when imported, to the object the cell holds
(``guards.closure_value``); ``check_globals`` checks at each call the cell still holds it.
A path names a value: ``("model", "A")`` is the value ``A`` of the closure of the
module's function ``model``; ``("f", "fn", "w")`` the value ``w`` of the closure of the
function ``fn`` of the closure of ``f`` (a decorator's wrapper and the function it wraps).
"""


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


def shown_path(module_name, path):
    """``fac.model's closure value A``: how messages name a closure's value."""
    return f"{module_name}.{path[0]}" + "".join(f"'s closure value {p}" for p in path[1:])
