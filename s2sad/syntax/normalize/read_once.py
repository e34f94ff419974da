"""Where an iterator a call makes is read once, whole: the places s2sad may take its items
as a list.

Input: a function's tree (the user's source, before the walk) and its ``parsed``
function (to resolve callees).
Output: :func:`reads_whole_once` answers, for a call node of that tree, whether every
iterator it makes is read at most once and whole, so that the list of its items
computes what Python computes.  Python's iterator gives its items to the first read
and none after; a list gives them to every read.  The places that read an iterator
once, whole, where it is made:

* the iterable of a ``for`` loop or of a comprehension's clause;
* the first argument of a builtin that reads its iterable whole (``list``, ``tuple``,
  ``sum``, ``sorted``, ``min``, ``max``, ``any``, ``all``), an argument of ``zip``,
  ``enumerate`` or ``map`` (after the function) that is itself read so;
* the value of an unpacking assignment (``a, b = ...``);
* a name bound to it by its one assignment, read once, so (the read after the
  assignment in the same block, outside any loop or comprehension the assignment is
  not in: each iterator made is read once at most); reads in the two branches of an
  ``if`` (or of a conditional expression) count as one, since one of them runs.

Anything else (passed to a function of the user's, stored in a container, read twice,
read in a loop it was made before) is not.
"""

import builtins

import gast

from .. import nodes
from .maps import READ_WHOLE

#: the builtins whose iterator reads its arguments' items along with its own
_ALONG = (builtins.zip, builtins.enumerate, builtins.map)

_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


class ReadOnce:
    """Answers :func:`reads_whole_once` for the calls of one function's tree."""

    def __init__(self, tree, parsed):
        self.parsed = parsed
        self.parent = {}
        self.blocks = {}   # id(statement) -> (its block, its position in it)
        self.stores, self.loads = {}, {}
        for node in nodes.walk(tree):
            for child in gast.iter_child_nodes(node):
                self.parent[id(child)] = node
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    for k, stmt in enumerate(block):
                        self.blocks[id(stmt)] = (id(block), k)
            if node.__class__ is gast.Name:
                kind = self.loads if node.ctx.__class__ is gast.Load else self.stores
                kind.setdefault(node.id, []).append(node)

    def reads_whole_once(self, node):
        """Whether the value of ``node`` (an expression of the tree) is read once, whole,
        where it is made (see the module docstring)."""
        up = self.parent.get(id(node))
        cls = up.__class__
        if cls is gast.For and up.iter is node or cls is gast.comprehension and up.iter is node:
            return True
        if cls is gast.Call and node is not up.func:
            callee = self.parsed.resolve_callee(up.func)
            if any(callee is b for b in READ_WHOLE):
                return bool(up.args) and up.args[0] is node
            if any(callee is b for b in _ALONG) and any(a is node for a in up.args) \
                    and not (callee is builtins.map and up.args[0] is node) \
                    and not (callee is builtins.enumerate and up.args[0] is not node):
                return self.reads_whole_once(up)
            return False
        if cls is gast.Assign and up.value is node and len(up.targets) == 1:
            target = up.targets[0]
            if target.__class__ in (gast.Tuple, gast.List):
                return True
            if target.__class__ is gast.Name:
                return self._name_read_once(target.id, up)
        return False

    def _name_read_once(self, name, assign):
        """Whether ``name``, bound by the statement ``assign`` only, is read once, whole,
        after it in its block, in no loop or comprehension ``assign`` is not in (reads in
        branches of which one runs count as one)."""
        loads = self.loads.get(name, [])   # (a parameter's name is a store too: gast's Param)
        if len(self.stores.get(name, [])) != 1 or not loads:
            return False
        if any(not self._exclusive(a, b) for k, a in enumerate(loads) for b in loads[k + 1:]):
            return False
        return all(self._read_after_once(load, assign) for load in loads)

    def _read_after_once(self, load, assign):
        """Whether the read ``load`` is after ``assign`` in its block, in no loop or
        comprehension ``assign`` is not in, and reads the iterator whole."""
        block, position = self.blocks.get(id(assign), (None, None))
        statement = load
        while statement is not None and self.blocks.get(id(statement), (None,))[0] != block:
            if self._repeats(statement):
                return False
            statement = self.parent.get(id(statement))
        if statement is None or self.blocks[id(statement)][1] <= position:
            return False
        return self.reads_whole_once(load)

    def _exclusive(self, first, second):
        """Whether at most one of the nodes ``first`` and ``second`` runs: they lie in the
        two branches of one ``if`` or conditional expression."""
        above = {}
        node, child = first, None
        while node is not None:
            above[id(node)] = child
            node, child = self.parent.get(id(node)), node
        node, child = second, None
        while id(node) not in above:
            node, child = self.parent.get(id(node)), node
        if node.__class__ not in (gast.If, gast.IfExp):
            return False
        sides = (above[id(node)], child)
        in_body = [_within(node.body, side) for side in sides]
        in_orelse = [_within(node.orelse, side) for side in sides]
        return in_body[0] and in_orelse[1] or in_orelse[0] and in_body[1]

    def _repeats(self, node):
        """Whether ``node`` runs more than once each time its parent does: a loop's body
        or test, a part of a comprehension but its first clause's iterable, the body of
        a nested function."""
        up = self.parent.get(id(node))
        if up.__class__ is gast.For:
            return node is not up.iter
        if up.__class__ is gast.While or up.__class__ in (gast.FunctionDef, gast.Lambda):
            return True
        if up.__class__ in _COMPREHENSIONS:
            return node is not up.generators[0]
        if up.__class__ is gast.comprehension:
            outer = self.parent.get(id(up))
            return node is not up.iter or outer.generators[0] is not up
        return False


def _within(branch, child):
    """Whether ``child`` (a child of an ``if`` or conditional expression) is its branch
    ``branch`` (a list of statements, or an expression)."""
    if isinstance(branch, list):
        return any(statement is child for statement in branch)
    return branch is child
