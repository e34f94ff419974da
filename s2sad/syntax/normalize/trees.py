"""Plain facts read off the user's tree and off atoms, shared by the pieces of
normalize (loop lowering, merges, flattening, inlining).

Input: gast trees (never changed here) and atoms.  Output: sets of names and
booleans; nothing here keeps state.
"""

import gast

from .. import nodes
from .lists import list_mutation
from .views import held_names


def atom_key(atom):
    """A hashable stand-in for a Name atom (None for anything else)."""
    return atom.id if isinstance(atom, gast.Name) else None


def same_atom(a, b):
    """Whether the atoms ``a`` and ``b`` (or None) denote one value: one name, or equal
    constants of one type."""
    if a is None or b is None:
        return a is b
    if isinstance(a, gast.Name) and isinstance(b, gast.Name):
        return a.id == b.id
    if isinstance(a, gast.Constant) and isinstance(b, gast.Constant):
        return type(a.value) is type(b.value) and a.value == b.value
    return False


def user_names(fn_node):
    """Every identifier the function mentions (parameters, locals, globals)."""
    return {node.id for node in nodes.names(fn_node)}


def containers_and_loops(fn, walked=None):
    """(name -> the lines where a list or tuple takes it, the (first, last) lines of
    each loop) in the function ``fn``: what in-place updates are checked against.
    ``walked``: ``nodes.walk(fn)`` when the caller has it."""
    held = {}
    everything = walked if walked is not None else nodes.walk(fn)
    loops = []
    for node in everything:   # (one look at each node's class: gast's have no subclasses)
        cls = node.__class__
        if cls is gast.Call:
            items = node.args[-1:] if list_mutation(node) and node.func.attr != "pop" else ()
        elif cls is gast.Assign:
            items = node.value.elts if len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, (gast.List, gast.Tuple)) else ()
        else:
            if cls is gast.For or cls is gast.While:
                loops.append((node.lineno, getattr(node, "end_lineno", node.lineno)))
            continue
        for item in items:
            for name in held_names(item):
                held.setdefault(name, []).append(node.lineno)
    return held, loops


def is_atomic(node):
    """A name, a constant, or a signed numeric constant (``-1.0``)."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
            and isinstance(node.operand, gast.Constant):
        return True
    return False


def placed_at(node):
    """A function ``located(new)`` that puts every node of the new tree ``new`` at
    ``node``'s place (its start and its end) and returns ``new``: the tree a form is
    rewritten into reports its errors where the user wrote the form."""
    def located(new):
        for sub in gast.walk(new):
            gast.copy_location(sub, node)
            sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
        return new
    return located


def comprehension_for(generator, body, located):
    """The ``for`` loop a comprehension's ``generator`` becomes, running ``body`` under
    the generator's ``if`` tests; ``located`` places it at the comprehension."""
    if generator.ifs:
        test = generator.ifs[0] if len(generator.ifs) == 1 else gast.BoolOp(
            op=gast.And(), values=generator.ifs)
        body = [gast.If(test=test, body=body, orelse=[])]
    return located(gast.For(target=generator.target, iter=generator.iter, body=body,
                            orelse=[], type_comment=None))
