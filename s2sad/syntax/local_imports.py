"""Imports inside a function: the names they bind, read as the function's free names.

``import numpy as np``, ``import scipy.special``, ``from scipy.special import
log_softmax as lsm`` or ``import math`` in the body of a function being differentiated
(or of a helper it calls) binds a name to a module or to a module's attribute; the code
after it reads that name as it reads a global.  Each such statement of the body's own
top level (not in a branch, a loop or a ``with``) is done once, where the function is
read, as Python does at the call (a module is imported once per process: ``import``
then finds it in ``sys.modules``), and it goes from the tree: the name is a free name of
the function bound to the object imported (``ParsedFunction.closure``), kept in
``ParsedFunction.made_names`` so the code generated binds it to that object (it is
no name of the user's module, see ``normalize.globals``).

Only where that is the same program: the name is bound by no other statement of the
function (no assignment, parameter, loop target, ``del``, nested ``def``) and read by
no statement before the import.  An import failing, ``from m import *`` or one in a
branch or a loop is left in place and refused by the fence, located, as before.

Input and output: a :class:`ParsedFunction` whose tree is rewritten in place.
"""

import importlib

import gast

from . import nodes


def lift_local_imports(parsed):
    """Rewrite ``parsed`` as the module docstring says; returns nothing."""
    fn = parsed.node
    if not any(stmt.__class__ in (gast.Import, gast.ImportFrom) for stmt in fn.body):
        return
    everything = list(nodes.walk(fn))
    bound = _bound_elsewhere(fn, everything)
    package = parsed.globals.get("__package__")
    kept, imported = [], {}
    for index, stmt in enumerate(fn.body):
        found = _imported(stmt, package) if stmt.__class__ in (
            gast.Import, gast.ImportFrom) else None
        if found is None or any(
                name in bound or name in imported or _read_before(fn.body[:index], name)
                for name in found):
            kept.append(stmt)
            continue
        imported.update(found)
    if not imported:
        return
    fn.body = kept or [gast.Pass()]
    parsed.closure.update(imported)
    parsed.made_names = parsed.made_names | frozenset(imported)


def _imported(stmt, package):
    """``{name: object}`` the import ``stmt`` binds, done now; None where it cannot be
    done (a star, a module that does not import, a missing attribute)."""
    found = {}
    try:
        if stmt.__class__ is gast.Import:
            for alias in stmt.names:
                module = importlib.import_module(alias.name)
                if alias.asname:   # import a.b as c: c is the module a.b
                    found[alias.asname] = module
                else:              # import a.b: a is the top package, a.b loaded
                    top = alias.name.split(".")[0]
                    found[top] = importlib.import_module(top)
            return found
        if any(alias.name == "*" for alias in stmt.names):
            return None
        source = "." * (stmt.level or 0) + (stmt.module or "")
        module = importlib.import_module(source, package if stmt.level else None)
        for alias in stmt.names:
            if hasattr(module, alias.name):
                obj = getattr(module, alias.name)
            else:   # from package import submodule
                obj = importlib.import_module(f"{module.__name__}.{alias.name}")
            found[alias.asname or alias.name] = obj
    except (ImportError, TypeError, ValueError):
        return None
    return found


def _bound_elsewhere(fn, everything):
    """The names the function binds other than by an import of its top level."""
    a = fn.args
    bound = {p.id for p in a.posonlyargs + a.args + a.kwonlyargs if p.__class__ is gast.Name}
    bound.update(p.id for p in (a.vararg, a.kwarg) if p is not None)
    top = {id(stmt) for stmt in fn.body}
    for node in everything:
        if node.__class__ is gast.Name and node.ctx.__class__ in (gast.Store, gast.Del):
            bound.add(node.id)
        elif node.__class__ in (gast.FunctionDef, gast.ClassDef):
            if node is not fn:
                bound.add(node.name)
        elif node.__class__ in (gast.Import, gast.ImportFrom) and id(node) not in top:
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif node.__class__ in (gast.Global, gast.Nonlocal):
            bound.update(node.names)
    return bound


def _read_before(stmts, name):
    """Whether a statement of ``stmts`` mentions ``name`` (Python raises
    ``UnboundLocalError`` where one reads it before the import binds it)."""
    return any(n.__class__ is gast.Name and n.id == name
               for stmt in stmts for n in nodes.walk(stmt))
