"""The forward sweep's environment: the tangent of every primal name at this point.

A :class:`TangentEnv` holds what changes as the sweep walks the statements in
order, and only that: the tangent of each name (symbolic, aliased, narrow or
canonical), the canonical variable of each name (``<name>_dot``) and which of
them are assigned already, the identifiers holding tangents, which names hold
a Python constant now, and the s2sad names the generated code reads.  Facts
known before the sweep come from :mod:`s2sad.analysis.forward_facts`.

Control flow moves the environment explicitly: :meth:`TangentEnv.state` takes
a copy of the flow-dependent part, :meth:`TangentEnv.restore` puts one back.
"""

import copy
import dataclasses

import gast

from ..optimize import fold
from ..syntax import anno, nodes
from .common import numpy_module, runtime_helper
from .forward_values import (Tangent, fold_zeros, is_zero, mentions, renamed, zero)


class TangentTable(dict):
    """primal name -> :class:`Tangent`, remembering which names a variable's tangent
    may be: ``holders(var)`` are the names whose tangent was ever set to the bare
    ``Name`` ``var`` (a superset: callers check the current tangent), so finding the
    aliases of a variable does not scan every name."""

    def __init__(self):
        super().__init__()
        self._holders = {}   # variable -> names whose tangent was set to it

    def __setitem__(self, name, tangent):
        super().__setitem__(name, tangent)
        if isinstance(tangent.expr, gast.Name):
            self._holders.setdefault(tangent.expr.id, {})[name] = None

    def update(self, other=(), **more):
        for name, tangent in dict(other, **more).items():
            self[name] = tangent

    def holders(self, var):
        """Names whose tangent may be the bare variable ``var``, in a fixed order."""
        return list(self._holders.get(var, ()))


class TangentEnv:
    """Tangents of the primal names while the sweep runs (see module doc).

    ``namer``: the function's :class:`~s2sad.syntax.names.Namer`;
    ``sensitive``: names whose tangent must have its primal's full shape;
    ``bindings``: s2sad's own names the code reads already (grown as helpers are used).
    """

    def __init__(self, namer, sensitive, bindings):
        self.namer = namer
        self.sensitive = sensitive
        self.bindings = bindings
        self.tangents = TangentTable()   # primal name -> Tangent
        self.tangent_names = set()  # every identifier that holds a tangent
        self.vars = {}              # primal name -> its canonical tangent variable
        self.bound = set()          # canonical variables assigned somewhere already
        self.constants = {}         # name -> the Python number (or None) it holds now
        #: {id(statement): (it, its value, the names it reads)} for the tangent statements
        #: whose reads the sweep found (see ``Generated.reads``)
        self.reads = {}

    # ------------------------------------------------------------ flow state
    def state(self):
        """A copy of the flow-dependent part: (tangents, constants)."""
        return dict(self.tangents), dict(self.constants)

    def restore(self, tangents, constants=None):
        """Make ``tangents`` (and ``constants``, when given) the current state."""
        self.tangents.clear()
        self.tangents.update(tangents)
        if constants is not None:
            self.constants.clear()
            self.constants.update(constants)

    def track_constant(self, stmt):
        """After the simple statement ``stmt``: which name holds a Python constant."""
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name, value = stmt.targets[0].id, stmt.value
            if isinstance(value, gast.Constant) and (value.value is None or type(
                    value.value) in (bool, int, float)):
                self.constants[name] = value.value
            else:
                self.constants.pop(name, None)

    def forget_constants(self, names):
        """The names ``names`` are assigned again: their constant is unknown."""
        for name in names:
            self.constants.pop(name, None)

    # ------------------------------------------------------------ names read
    def helper(self, name):
        """A name for the runtime helper ``name``, bound for the generated code."""
        self.bindings[name] = runtime_helper(name)
        return anno.set(nodes.name(name), anno.HELPER_NAME, True)

    def numpy(self, dotted):
        """``np.<dotted>``, with ``np`` bound for the generated code."""
        self.bindings["np"] = numpy_module()
        return nodes.dotted(dotted)

    # ------------------------------------------------------------ expressions
    def tangent_of(self, atom, shared=False):
        """The tangent expression of an atom (a zero marker when it has none): a copy,
        or with ``shared`` the environment's own tree, to be read (or copied, as
        ``rules.template.splice`` copies what it binds) but never changed."""
        if isinstance(atom, gast.Name):
            t = self.tangents.get(atom.id)
            if t is None or is_zero(t.expr):
                return zero(atom)
            return t.expr if shared else nodes.clone(t.expr)
        if isinstance(atom, (gast.List, gast.Tuple)):
            return type(atom)(elts=[self.tangent_of(e, shared) for e in atom.elts],
                              ctx=gast.Load())
        return zero(atom)

    def zero_value(self, of):
        """A real zero shaped like the atom ``of``: ``0.0`` for a Python number."""
        if isinstance(of, gast.Name) and of.id not in self.constants:
            return nodes.call(self.helper("zeros_like"), [copy.deepcopy(of)])
        return nodes.const(0.0)

    def materialize(self, node):
        """Replace zero markers left in ``node`` by real zeros."""
        if is_zero(node):
            return self.zero_value(anno.get(node, anno.ZERO_OF))
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                setattr(node, field, [self.materialize(v) if isinstance(v, gast.AST) else v
                                      for v in value])
            elif isinstance(value, gast.AST):
                setattr(node, field, self.materialize(value))
        return node

    def carries_tangent(self, node):
        """Does ``node`` read a tangent (or a zero marker)?"""
        return any(n.id in self.tangent_names or n.id == anno.ZERO_ID
                   for n in nodes.names(node))

    def simplify(self, node):
        """Drop zero terms (symbolic zeros), then fold identities."""
        if any(n.id == anno.ZERO_ID for n in nodes.names(node)):   # (else none to drop)
            node = fold_zeros(node, self.carries_tangent)
            if is_zero(node):
                return node
            node = self.materialize(node)
        return fold(node)

    def full_shape(self, expr, like):
        """``broadcast_like(expr, like)``: a narrow tangent given its primal's shape."""
        return nodes.call(self.helper("broadcast_like"), [expr, copy.deepcopy(like)])

    # ------------------------------------------------------------ variables
    def tangent_var(self, name):
        """The canonical variable holding the tangent of ``name`` (``name_dot``)."""
        var = self.vars.get(name)
        if var is None:
            var = self.vars[name] = self.namer.tangent(name)
            self.tangent_names.add(var)
        return var

    def name_tangent(self, name, var):
        """Give ``name`` the canonical variable ``var`` (a callee's tangent parameter)."""
        self.vars[name] = var
        self.tangent_names.add(var)

    def fresh_tangent(self, base):
        """A new identifier, based on ``base``, that holds a tangent."""
        var = self.namer.fresh(base)
        self.tangent_names.add(var)
        return var

    def assigned(self, var, name, tangent=None):
        """The statements appended assign the canonical variable ``var`` of ``name``:
        its tangent is now ``tangent`` (default: ``var`` itself, exact)."""
        self.bound.add(var)
        if name is not None:
            self.tangents[name] = tangent if tangent is not None else Tangent(nodes.name(var))

    def bind(self, var, owner, value, out):
        """Emit ``var = value`` (``var`` is ``owner``'s canonical tangent variable)."""
        self.release(var, owner, out)
        out.append(nodes.assign(var, value))
        self.bound.add(var)

    def release(self, var, owner, out):
        """Before ``var`` is assigned again: tangents of other names that alias it keep
        its old value in a saved copy."""
        if var not in self.bound:
            return
        holders = [n for n, t in self.tangents.items() if n != owner and mentions(t, var)]
        if not holders:
            return
        saved = self.fresh_tangent(f"{var}_old")
        out.append(nodes.assign(saved, nodes.name(var)))
        for n in holders:
            self.tangents[n] = renamed(self.tangents[n], var, saved)

    def set_zero(self, name):
        """``name`` has no tangent (here)."""
        self.tangents[name] = Tangent(zero(nodes.name(name)))

    def alias(self, name, tangent):
        """``name``'s tangent is (a copy of) ``tangent``, whose array it does not own."""
        self.tangents[name] = dataclasses.replace(tangent, owned=False)

    def define(self, name, expr, out, exact=True, items=None, reads=None):
        """Record ``expr`` as the tangent of ``name``; emit ``name_dot = expr`` if needed.
        ``reads``, where given: the names ``expr`` reads (``optimize.reads_into``), noted
        for the statement that assigns it (:attr:`reads`)."""
        given = expr
        if is_zero(expr):
            self.set_zero(name)
            return
        if not exact and name in self.sensitive:
            expr, exact = self.full_shape(expr, nodes.name(name)), True
        if isinstance(expr, gast.Name):
            # an alias: the array it names is no longer any one tangent's to write into
            for other in self.tangents.holders(expr.id):
                t = self.tangents.get(other)
                if t is not None and t.owned and isinstance(t.expr, gast.Name) \
                        and t.expr.id == expr.id:
                    self.tangents[other] = dataclasses.replace(t, owned=False)
            self.tangents[name] = Tangent(expr, exact, items)
            return
        var = self.tangent_var(name)
        self.bind(var, name, expr, out)
        if reads is not None and expr is given:   # (its statement: the last one made)
            self.reads[id(out[-1])] = (out[-1], expr, reads)
        # numpy arithmetic always returns a new array: it may be written in place later
        owned = isinstance(expr, (gast.BinOp, gast.UnaryOp))
        self.tangents[name] = Tangent(nodes.name(var), exact, items, owned)

    def canonicalize(self, names, need_owned=frozenset()):
        """Put the tangent of each name in its canonical variable, exact (full shape).

        Names in ``need_owned`` get a tangent array no other tangent shares (they
        are written in place).  Returns the statements; updates the state.
        """
        out = []
        for name in names:
            t = self.tangents.get(name)
            var = self.tangent_var(name)
            want = name in need_owned
            if t is not None and not is_zero(t.expr) and isinstance(t.expr, gast.Name) \
                    and t.expr.id == var and t.exact and (t.owned or not want):
                self.tangents[name] = Tangent(nodes.name(var), True, None, t.owned and want)
                continue
            if t is None or is_zero(t.expr):
                value, owned = self.zero_value(nodes.name(name)), True
            else:
                value = copy.deepcopy(t.expr)
                owned = t.owned and isinstance(value, gast.Name) and value.id == var
                if not t.exact:
                    value = self.full_shape(value, nodes.name(name))
                if want and not owned:
                    value, owned = nodes.call(self.helper("writable_copy"), [value]), True
            self.bind(var, name, value, out)
            self.tangents[name] = Tangent(nodes.name(var), True, None, owned and want)
        return out

    def owned_tangent(self, base, out):
        """The name of an array holding ``base``'s tangent that may be written in place."""
        t = self.tangents.get(base)
        if t is not None and not is_zero(t.expr) and t.owned:
            return t.expr.id
        tname = self.tangent_var(base)
        if t is None or is_zero(t.expr):
            value = nodes.call(self.helper("zeros_like"), [nodes.name(base)])
        else:
            value = copy.deepcopy(t.expr)
            if not t.exact:
                value = self.full_shape(value, nodes.name(base))
            value = nodes.call(self.helper("writable_copy"), [value])
        self.bind(tname, base, value, out)
        self.tangents[base] = Tangent(nodes.name(tname), owned=True)
        return tname
