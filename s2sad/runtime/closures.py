"""The values of a user's modules that a module ``s2sad grad`` wrote reads or was made from,
each named by a path from one of the module's globals.  A function the user's module binds
(``model = make(A, k)``) holds values in its closure cells, and the written module binds
each, when imported, to the object the cell holds (``guards.closure_value``);
``check_globals`` checks at each call the cell still holds it.  A path names a value:
``("model", "A")`` is the value ``A`` of the closure of the module's function ``model``;
``("f", "fn", "w")`` the value ``w`` of the closure of the function ``fn`` of the closure
of ``f`` (a decorator's wrapper and the function it wraps).  A step ``".name"`` reads an
attribute (```("Model", ".pure")``: the class's function, a
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


class TakenCode:
    """The function a written module inlined or differentiated, as its row of
    ``check_globals`` names it (``guards.taken_code``): its qualified name and first line.
    A function fits when it has both (the same function, or one made again from the same
    lines: a closure's values are rows of their own); another one, a numpy function, a
    function given other code (``__code__`` set anew) does not."""

    __slots__ = ("qualname", "line")

    def __init__(self, qualname, line):
        self.qualname, self.line = qualname, line

    def fits(self, function):
        code = getattr(function, "__code__", None)
        return code is not None and getattr(function, "__qualname__", None) == self.qualname \
            and getattr(code, "co_firstlineno", None) == self.line

    def __repr__(self):
        return f"taken_code({self.qualname!r}, {self.line})"
