"""How a written module spells a value it takes from the user's modules (``emit.import_lines``).

A number, string, bool or None is copied in as a literal that Python reads back as an
equal value of the same type: ``inf`` and ``nan``, which ``repr`` writes as names no
module binds, are spelled ``float('inf')``, ``-float('inf')`` and ``float('nan')``.
A numpy scalar (``np.float64(1e-3)``, ``np.log(2 * np.pi)``, ``np.int32(3)``) or a tuple
is imported from the module holding it (the same object, so the written module's check of
its globals compares identities); where no module holds it, it is copied, a numpy scalar
through the name the module binds numpy to.  No numpy here: the emitter never imports it.
"""

import math
import types

#: the kinds copied in as literals (exact types: an ``IntEnum`` member is imported)
COPIED_KINDS = (type(None), bool, int, float, complex, str)


def is_copied(obj):
    """Whether ``obj`` is copied into a written module (else imported where held)."""
    return obj.__class__ in COPIED_KINDS


def is_numpy_scalar(obj):
    """A numpy scalar (``np.float64``, ``np.int32``, ``np.bool_``...), told without numpy."""
    return any(c.__name__ == "generic" and c.__module__ == "numpy"
               for c in obj.__class__.__mro__)


def _float(value):
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    return repr(value)


def value_literal(obj, bindings=None):
    """Python source evaluating to a value equal to ``obj``, of its type, in the written
    module (whose names are ``bindings``); None when there is none."""
    cls = obj.__class__
    if cls is float:
        return _float(obj)
    if cls is complex:
        if math.isfinite(obj.real) and math.isfinite(obj.imag):
            return repr(obj)
        return f"complex({_float(obj.real)}, {_float(obj.imag)})"
    if cls in COPIED_KINDS:
        return repr(obj)
    if cls is tuple:
        items = [value_literal(item, bindings) for item in obj]
        if any(item is None for item in items):
            return None
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if is_numpy_scalar(obj):
        return _numpy_literal(obj, bindings or {})
    return None


def _numpy_literal(obj, bindings):
    """``np.float32(0.5)``: through the name the module binds numpy to, else None."""
    numpy = next((name for name, value in sorted(bindings.items())
                  if isinstance(value, types.ModuleType) and value.__name__ == "numpy"), None)
    if numpy is None:
        return None
    module = bindings[numpy]
    kind = obj.__class__
    name = next((n for n in (kind.__name__, getattr(obj.dtype, "name", None))
                 if n and getattr(module, n, None) is kind), None)
    item = obj.item()
    if name is None or item.__class__ not in (bool, int, float, complex):
        return None
    return f"{numpy}.{name}({value_literal(item)})"


def unnamed_value(name, obj, literal, source, origins, out):
    """The line binding ``name`` to ``obj``, which no module holds under that name:
    its ``literal`` (a numpy scalar or a tuple: copied), else the import of the value
    the source module holds under another name (what a partial holds by position, ``W``;
    the object a method given to a helper is bound to, ``from model import MODEL as
    self``: its row in ``origins``), else a comment (the caller supplies it).
    ``source``: (the source module's name, its globals); ``out``: (user lines,
    constant lines), appended to."""
    user, constants = out
    module, module_globals = source
    held = next((n for n in sorted(module_globals or {}) if module_globals[n] is obj
                 and n.isidentifier()), None) if module else None
    if literal is not None:
        constants.append(f"{name} = {literal}")
    elif held is not None:
        user.append(f"from {module} import {held} as {name}")
        origins.append((module, held, name))
    else:
        user.append(f"# {name}: {type(obj).__name__} object supplied by the caller")
