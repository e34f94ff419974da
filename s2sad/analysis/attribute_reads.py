"""Attributes of a differentiated value, found so that they are refused where written.

The normalizer reads an attribute of an object the function holds as it is
(``self_W = self.W``, see ``syntax.normalize.object_attributes``): a constant of the
call when the object is not differentiated (``self`` or ``cfg`` outside ``wrt``).  No
derivative flows through such a read, so where the object is differentiated (its
parameter in ``wrt``, or a value computed from one) and the attribute's value reaches
the output, the derivative would be dropped: that read is refused, at the user's
attribute, with the spelling that is differentiated (the array as a parameter).
"""

import ast

import gast

from ..errors import FieldReadError, UnsupportedSyntaxError
from ..syntax import anno, nodes
from ..rules import registry
from ..syntax.source import is_user_function, record_path
from .kind_lattice import LEAF, UNKNOWN, ObjectKind, argument_kind, specializes
from .lookup import rule_for
from .ops import flatten


def _reads(primal):
    return [s for s in flatten(primal) if s.__class__ is gast.Assign
            and s.value.__class__ is gast.Attribute
            and anno.get(s.value, anno.OBJECT_ATTRIBUTE, None) is not None
            and s.value.value.__class__ is gast.Name
            and s.targets[0].__class__ is gast.Name]


def refuse_differentiated_attributes(primal, varied, useful, parsed, kinds=None,
                                     need="adjoint"):
    """Raise the refusal of the first attribute read of ``primal`` whose owner is varied
    (``varied(name)``; or an attribute read of a varied owner: ``self.layer.W``) and
    whose value is useful (``useful(name)``: reaches an output).  Without the arguments'
    ``kinds`` (code made before any call), a ``FieldReadError``: the API makes the code
    for the call's arguments, where a namedtuple's field is its item.  Where the owner is
    the result of a library's call without a rule (``sol = solve_ivp(...)``; ``need``: the
    mode's rule, "adjoint" or "tangent"), that call's refusal: the cause."""
    reads = _reads(primal)
    if not reads:
        return
    owners = set()   # (the reads' targets that hold a part of a varied object)
    changed = True
    while changed:
        changed = False
        for stmt in reads:
            owner, target = stmt.value.value.id, stmt.targets[0].id
            if target not in owners and (owner in owners or varied(owner)):
                owners.add(target)
                changed = True
    found = [s for s in reads if (s.value.value.id in owners or varied(s.value.value.id))
             and useful(s.targets[0].id)]
    if found:   # (the attribute whose value is used, self.layer.W, before self.layer)
        inner = {s.value.value.id for s in reads}
        stmt = next((s for s in found if s.targets[0].id not in inner), found[0])
        _refuse_made_by_call(primal, reads, stmt, parsed, need)
        raise _refusal(anno.get(stmt.value, anno.OBJECT_ATTRIBUTE), parsed,
                       UnsupportedSyntaxError if kinds else FieldReadError)


def _refuse_made_by_call(primal, reads, stmt, parsed, need):
    """Raise the refusal of the call that made the object whose attribute ``stmt`` reads
    (through the attribute reads ``reads``: ``sol.y``, ``res.x.T``) when that call is of
    a library's function without a rule (:func:`.lookup.rule_for`'s refusal)."""
    made = {s.targets[0].id: s.value.value.id for s in reads}
    owner = stmt.value.value.id
    while owner in made:
        owner = made[owner]
    for s in flatten(primal):
        if s.__class__ is gast.Assign and s.targets[0].__class__ is gast.Name \
                and s.targets[0].id == owner and s.value.__class__ is gast.Call:
            target = registry.operation_target(s.value)
            if registry.lookup(target) is None and not is_user_function(target) \
                    and not isinstance(target, type) and callable(target):
                rule_for(s.value, parsed, need)
            return


def _refusal(node, parsed, kind):
    parts = nodes.dotted_parts(node)
    spelled = ".".join([parts[0], *parts[1]]) if parts is not None else \
        ast.unparse(gast.gast_to_ast(node))   # (an item's attribute: ps[0].S)
    root = parts[0] if parts is not None else spelled.rpartition(".")[0]
    return kind(
        f"'{spelled}' reads the attribute '.{node.attr}' of a value that is differentiated "
        f"({root!r} is, or depends on, a parameter in wrt): s2sad reads attributes of "
        f"objects as constants, with no derivative", parsed.location(node),
        hint=f"differentiate with respect to the array itself: take the array as a parameter "
             f"(def loss(W, x): ..., called with {spelled}), and leave {root!r} out of wrt; a "
             f"namedtuple's fields are differentiated through the Python API, which makes the "
             f"code for the argument's class (or unpack it: W, b = {root}); a dataclass is not "
             f"taken apart: declare its class a typing.NamedTuple with the same fields")



def callee_kinds(arguments, kinds, parsed):
    """``((parameter, kind), ...)``: what a callee is made for (``kind_lattice.specializes``)
    among the arguments of a call (``{parameter: atom}``; ``kinds``: ``{name: kind}`` of
    the names the function binds and of its parameters): the
    containers' structure, and the class of an object, a parameter's (its kind) or a
    module-level one the function reads (``Model.step(MODEL, x)``: its ``self.act(z)``
    runs ``type(MODEL).act``; the caller's code is made again when ``MODEL`` is rebound
    to an object of another class, a global's type being part of what its cache checks)."""
    found = []
    params = {a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs}
    for param, atom in arguments.items():
        if not isinstance(atom, (gast.Name, gast.Constant)):
            continue
        kind = kinds.get(atom.id, UNKNOWN) if atom.__class__ is gast.Name else LEAF
        if atom.__class__ is gast.Name and atom.id not in kinds and atom.id not in params:
            value = parsed.resolve(atom.id, None) if atom.id in parsed.globals else None
            kind = argument_kind(value) if value is not None else kind
            if kind.__class__ is ObjectKind:
                for name in sorted(kind.cls.__dict__):   # (setting one on it: made again)
                    if callable(kind.cls.__dict__[name]) and not name.startswith("__"):
                        record_path(atom.id, parsed.func, [name], getattr(value, name, None))
        if specializes(kind):
            found.append((param, kind))
    return tuple(sorted(found))
