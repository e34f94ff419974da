"""The function's tree as Python compiles it: two rewrites made right after reading.

* Under ``python -O`` (``sys.flags.optimize``), Python leaves out every ``assert``
  statement of the function it compiles; so does s2sad, which differentiates that
  function: the derivative raises no ``AssertionError`` the function does not raise.
* A ``for``/``while`` loop with an ``else`` and no ``break`` of its own runs the ``else``
  body whenever the loop ends (a ``return`` or an exception in the loop ends the
  function, the ``else`` body too): its statements are those after the loop.  A loop
  with a ``break`` keeps its ``else``, which the fence refuses (see ``fence``).
* ``del t[k]`` (one item of a name's list or dict, not a slice) is ``t.pop(k)`` as a
  statement: the same item removed, the same ``IndexError`` or ``KeyError`` where it
  is missing (``del t[a], u[b]``: one after the other, as Python deletes them); an
  array has no items to delete, which the generated code raises too (see
  ``runtime.lists.list_delete``).  Any other ``del`` stays, for the fence to refuse.

:func:`as_compiled` rewrites a freshly read tree in place (no one holds it yet).
"""

import sys

import gast

_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_LOOPS = (gast.For, gast.While)
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda)


def as_compiled(node, optimize=None, text=None):
    """Rewrite the ``def`` tree ``node`` in place as described in the module docstring;
    ``optimize``: the level to follow (None: this interpreter's, ``sys.flags.optimize``);
    ``text``: its source, when the caller has it (no ``else`` nor ``del`` in it: no walk)."""
    level = sys.flags.optimize if optimize is None else optimize
    if not level and text is not None and "else" not in text and "del" not in text:
        return node
    if level or any(n.__class__ in _LOOPS and n.orelse or n.__class__ is gast.Delete
                    for n in gast.walk(node)):
        _rewrite(node, level)
    return node


def has_own_break(loop):
    """Whether the loop ``loop`` holds a ``break`` that ends it (not one of an inner loop
    or of a function defined in it); its ``else`` body is not searched."""
    todo = list(loop.body)
    while todo:
        node = todo.pop()
        if node.__class__ is gast.Break:
            return True
        if isinstance(node, _SCOPES):
            continue
        if node.__class__ in _LOOPS:
            todo.extend(node.orelse)   # (a break in an inner loop's else ends this one)
            continue
        todo.extend(gast.iter_child_nodes(node))
    return False


def _rewrite(node, level):
    for field in _BLOCKS:
        block = getattr(node, field, None)
        if isinstance(block, list) and block and isinstance(block[0], gast.AST):
            for child in block:
                _rewrite(child, level)
            if isinstance(block[0], gast.stmt):
                setattr(node, field, _block(block, level, field))


def _block(stmts, level, field):
    out = []
    for stmt in stmts:
        if level and stmt.__class__ is gast.Assert:
            continue
        if stmt.__class__ is gast.Delete and all(_item(t) for t in stmt.targets):
            out.extend(_popped(t, stmt) for t in stmt.targets)
            continue
        out.append(stmt)
        if stmt.__class__ in _LOOPS and stmt.orelse and not has_own_break(stmt):
            out.extend(stmt.orelse)   # (the else body, already rewritten)
            stmt.orelse = []
    if not out and field != "orelse":
        out.append(gast.copy_location(gast.Pass(), stmts[0]))   # (a body of asserts only)
    return out


def _item(target):
    """Whether the ``del`` target ``target`` is one item of a name's value (``xs[i]``)."""
    return target.__class__ is gast.Subscript and target.value.__class__ is gast.Name \
        and target.slice.__class__ is not gast.Slice


def _popped(target, stmt):
    """``t.pop(k)`` as a statement, for ``del t[k]``, at ``stmt``'s place."""
    call = gast.Call(func=gast.Attribute(value=target.value, attr="pop", ctx=gast.Load()),
                     args=[target.slice], keywords=[])
    target.value.ctx = gast.Load()
    for node in (call, call.func):
        gast.copy_location(node, target)
    return gast.copy_location(gast.Expr(value=call), stmt)
