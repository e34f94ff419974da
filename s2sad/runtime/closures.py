"""The values of a user's modules that a module ``s2sad grad`` wrote reads or was made from,
each named by a path from one of the module's globals.  A function the user's module binds
(``model = make(A, k)``) holds values in its closure cells, and the written module binds
each, when imported, to the object the cell holds (``guards.closure_value``);
``check_globals`` checks at each call the cell still holds it.  A path names a value:
``("model", "A")`` is the value ``A`` of the closure of the module's function ``model``;
``("f", "fn", "w")`` the value ``w`` of the closure of the function ``fn`` of the closure
of ``f`` (a decorator's wrapper and the function it wraps).  A step ``".name"`` reads an
attribute (``("Model", ".pure", ".__code__")``: the code of the class's function, a
step ``"[0]"`` or ``"[a]"`` an item (``("f", ".__defaults__", "[0]")``: ``f``'s first
default as Python's ``f`` reads it; ``("P", ".keywords", "[a]")``: a partial's keyword).
"""


def held_value(module, path, absent):
    """The value ``path`` names in ``module`` (see the module doc), else ``absent``."""
    obj = module.__dict__.get(path[0], absent)
    for name in path[1:]:
        if obj is absent:
            return absent
        if name[:1] == ".":
            obj = getattr(obj, name[1:], absent)
            continue
        if name[:1] == "[":
            key = name[1:-1]
            try:
                obj = obj[int(key) if key.isdigit() else key]
            except (LookupError, TypeError):
                return absent
            continue
        code, cells = getattr(obj, "__code__", None), getattr(obj, "__closure__", None)
        if code is None or not cells or name not in code.co_freevars:
            return absent
        try:
            obj = cells[code.co_freevars.index(name)].cell_contents
        except ValueError:   # (an empty cell: a name the enclosing function has not bound)
            return absent
    return obj


def shown_path(module_name, path):
    """``fac.model's closure value A``, ``hm.Model.pure``, ``dm.f.__defaults__[0]``: how
    messages name a value."""
    return f"{module_name}.{path[0]}" + "".join(
        p if p[:1] in ".[" else f"'s closure value {p}" for p in path[1:])


def made_from(path):
    """Whether ``path`` names the code of a function the written module was made from
    (``(..., ".__code__")``: see ``guards.taken_code``)."""
    return path[-1] == ".__code__"
