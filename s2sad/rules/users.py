"""The rules a user registered (outside s2sad): plain data about them for messages."""

from . import registry


def unbroadcast_adjoints():
    """``[(the rule function's name, the target's label)]`` of the adjoint rules written
    outside s2sad without ``broadcast=True``: the ones whose adjoints s2sad takes at the
    shape they come in (named where a derivative comes out of another shape)."""
    found = []
    for rule in list(registry._RULES.values()):
        fn = getattr(rule.adjoint, "fn", None)
        module = getattr(fn, "__module__", None) or ""
        if fn is not None and not module.startswith("s2sad.") and not rule.broadcast:
            found.append((fn.__name__, rule.label))
    return sorted(set(found))
