"""What a normalized statement reads, writes, and whether derivatives flow through it."""

import gast

from ..rules import registry
from ..syntax import anno, nodes


def flatten(body):
    """Every simple statement in ``body``, nested blocks included, in source order."""
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            yield from flatten(stmt.body)
            yield from flatten(stmt.orelse)
        else:
            yield stmt


def with_loops(body):
    """Every simple statement and every loop header (the ``For``/``While`` itself,
    before its body) in ``body``, nested blocks included, in source order."""
    for stmt in body:
        if isinstance(stmt, gast.If):
            yield from with_loops(stmt.body)
            yield from with_loops(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            yield stmt
            yield from with_loops(stmt.body)
        else:
            yield stmt


def assigned_in(stmts):
    """Names stored anywhere in ``stmts``."""
    return {n.id for n in nodes.names(stmts) if isinstance(n.ctx, gast.Store)}


def targets(stmt):
    """Names a normalized statement assigns (a write ``x[i] = v`` changes ``x``)."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            return {target.id}
        if isinstance(target, gast.Tuple):
            return {e.id for e in target.elts}
        if is_store(stmt):
            return {target.value.id}
    return set()


def flows(stmt):
    """``[(targets, reads a derivative flows from, reads their use makes useful)]`` of
    a simple statement that carries a derivative.  The unpacking of a call writing
    into its arguments (``y, r_1 = out``, see ``normalize.functionalize``): each new
    value is varied by the arguments its ``anno.WRITES`` names, not by all of ``out``."""
    written = anno.get(stmt, anno.WRITES) if isinstance(stmt, gast.Assign) else None
    if written is not None and isinstance(stmt.targets[0], gast.Tuple):
        source = names_in(stmt.value)
        result, *new = stmt.targets[0].elts
        return [({result.id}, source, source)] + [
            ({elt.id}, set(written[1].get(elt.id, ())), source) for elt in new]
    reads = differentiable_reads(stmt)
    return [(targets(stmt), reads, reads)]


def is_store(stmt):
    """``x[index] = value``: a write into an array."""
    # (gast's classes have no subclasses: the class itself tells)
    return stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Subscript


def names_in(node):
    """Names ``node`` (an expression or statement) loads."""
    return {n.id for n in nodes.names(node) if isinstance(n.ctx, gast.Load)}


def differentiable_reads(stmt):
    """Names whose derivative can flow into the statement's targets."""
    value = stmt.value
    if is_store(stmt):   # the new value, and the old contents kept elsewhere
        return names_in(value) | {stmt.targets[0].value.id}
    if isinstance(value, gast.Subscript):
        return names_in(value.value)      # never the index
    if isinstance(value, gast.Call):
        rule = registry.lookup(anno.get(value, anno.CALLEE))
        if rule is not None and rule.params:
            # (a parameter without a derivative in s2sad still reads one: the
            # transform refuses the call where it does, rather than drop it)
            nondiff = set(rule.params) - set(rule.diff_params) - set(rule.no_derivative)
            reads = set()
            for kw in value.keywords:
                if kw.arg not in nondiff:
                    reads |= names_in(kw.value)
            positional = list(value.args)
            for index, arg in enumerate(positional):
                param = rule.params[index] if index < len(rule.params) else None
                if param not in nondiff:
                    reads |= names_in(arg)
            return reads
        return names_in(value)
    return names_in(value)


def carries_derivative(stmt):
    """False for statements whose result is constant whatever their inputs."""
    if stmt.__class__ is not gast.Assign:
        return False
    value = stmt.value
    kind = value.__class__
    if kind is gast.Compare or kind is gast.Attribute:
        return False  # .shape, .ndim and friends
    if kind is gast.BinOp or kind is gast.UnaryOp or kind is gast.Call:
        rule = registry.lookup(registry.operation_target(value))
        return not (rule is not None and rule.nondifferentiable)
    return True
