"""The builtins the code s2sad writes may call on its own (``for index in range(n)``,
``n = len(items)``, ``reversed(...)``, ``tuple(...)`` of a starred display...).

A user's module, parameter, local or closure cell may bind one of these names to
something else (``def len(v): ...`` in the module).  The generated code must not call
the user's object where it meant the builtin, and must call it where the user's code
does:

- the names are reserved like the runtime helpers' (``registry.HELPER_NAMES``): the
  namer never hands one out, a user's local of such a name is renamed
  (``normalize.clashes``) and the user's reads of a parameter or free name so spelled
  are marked ``anno.USER_NAME``;
- the passes mark their own reads ``anno.HELPER_NAME`` (:func:`nodes.call` given the
  name as a string does it; names built otherwise are marked where they are built);
- emitting (``emit_shadowed``) reads s2sad's own reads of a shadowed name as the true
  builtin, imported under another name (``from builtins import range as s2sad_range``).

A fixed list, the same under every Python version (the text of a derivative must not
depend on which builtins the running Python has).
"""

NAMES = frozenset({
    "abs", "all", "any", "bool", "callable", "complex", "dict", "divmod", "enumerate",
    "filter", "float", "frozenset", "getattr", "hasattr", "int", "isinstance", "iter",
    "len", "list", "map", "max", "min", "next", "pow", "print", "range", "repr",
    "reversed", "round", "set", "slice", "sorted", "str", "sum", "tuple", "type", "zip",
})
