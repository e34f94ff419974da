"""Local names the function binds to a logger: ``lg = logging.getLogger(__name__)``,
``lg = log`` of a module's logger, ``lg2 = lg``.

Input: the statements of a function (the user's, or generated code read again for a
Hessian's later columns) and ``lookup(name)``, a free name's object (None for a local).
Output: ``{name: logger}`` for each local name every binding of which is one plain
assignment of such a value, so that ``lg.info(...)`` is a call run for its effect
(``effects.Effects.call``) as ``log.info(...)`` of the module's logger is.  The logger
of ``logging.getLogger(...)`` is decided when the code runs; the one returned here
stands for it (``getLogger`` returns a ``logging.Logger``, whose logging methods only
log): only its class and the method's name are read.
"""

import logging

import gast

#: the value standing for a logger ``logging.getLogger(...)`` returns when the code runs
_SOME_LOGGER = logging.getLogger()


def local_loggers(statements, lookup):
    """``{name: logger}`` of the names ``statements`` bind to a logger (module docstring):
    each bound once, by an assignment to it alone."""
    assigned, stores = {}, {}
    for stmt in statements:
        for node in gast.walk(stmt):
            if node.__class__ is gast.Assign and len(node.targets) == 1 \
                    and node.targets[0].__class__ is gast.Name:
                assigned[node.targets[0].id] = node.value
            elif node.__class__ is gast.Name and not isinstance(node.ctx, gast.Load):
                stores[node.id] = stores.get(node.id, 0) + 1
    candidates = {n: v for n, v in assigned.items() if stores.get(n) == 1}
    found = {}
    changed = True
    while changed:   # (lg2 = lg: an alias of an alias, in any order)
        changed = False
        for name, value in candidates.items():
            if name not in found:
                logger = _logger_of(value, lookup, found)
                if logger is not None:
                    found[name] = logger
                    changed = True
    return found


def _logger_of(value, lookup, found):
    """The logger ``value`` (an assignment's right side) gives, or None."""
    if value.__class__ is gast.Name:
        if value.id in found:
            return found[value.id]
        obj = lookup(value.id)
        return obj if isinstance(obj, (logging.Logger, logging.LoggerAdapter)) else None
    if value.__class__ is gast.Call and _names_get_logger(value.func, lookup):
        return _SOME_LOGGER
    return None


def _names_get_logger(func, lookup):
    """Whether ``func`` is ``logging.getLogger`` (spelled through a module or a name)."""
    if func.__class__ is gast.Name:
        return lookup(func.id) is logging.getLogger
    if func.__class__ is gast.Attribute and func.value.__class__ is gast.Name:
        return func.attr == "getLogger" and lookup(func.value.id) is logging
    return False
