"""Type tests of a normalized function (``isinstance(t, list)``): the names they test,
and the statements that run, where the kind of a tested name is known (a helper
specialized on a list argument never runs the base case of its recursion).

A recursive helper over nested containers tests its argument's type and treats the
argument as a number only where the test found no container.  Two consequences:

* ``t ** 2`` in the base case does not make ``t`` a number everywhere
  (:func:`type_tested`, read by ``kinds``);
* in a copy of the helper made for a list argument, the base case never runs: what it
  would do with a list (``np.sin(t) * t``) is no reason to refuse the helper
  (:func:`live_statements`, read by ``sequence_products``).

Plain data in, plain data out (no numpy).
"""

import builtins

import gast

from ..syntax import anno

#: the container types a test is decided for, by the name it is spelled with
_TYPES = {"list": "list", "tuple": "tuple", "dict": "dict"}


#: the builtins that look at what kind of object their first argument is
TYPE_TESTS = (builtins.isinstance, builtins.type, builtins.hasattr, builtins.callable)
#: their names, as the user's source spells them (``normalize.dicts``)
TYPE_TEST_NAMES = frozenset(f.__name__ for f in TYPE_TESTS)


def type_tested(value):
    """The names whose type the expression ``value`` tests: the first argument of
    ``isinstance(...)``, ``type(...)``, ``hasattr(...)`` or ``callable(...)``."""
    if not isinstance(value, gast.Call) or not value.args \
            or not isinstance(value.args[0], gast.Name):
        return set()
    callee = anno.get(value, anno.CALLEE)
    if any(callee is test for test in TYPE_TESTS):
        return {value.args[0].id}
    return set()


def copies_closure(names, copies):
    """``names`` with every name copied from one of them or into one of them
    (``copies``: ``{name: the names assigned to it}``), transitively."""
    linked = {}
    for name, sources in copies.items():
        for source in sources:
            linked.setdefault(name, set()).add(source)
            linked.setdefault(source, set()).add(name)
    found, work = set(names), list(names)
    while work:
        for other in linked.get(work.pop(), ()):
            if other not in found:
                found.add(other)
                work.append(other)
    return found


def live_statements(body, kinds):
    """The ids of the simple statements of ``body`` that may run, given the kinds
    ``kinds`` (``{name: kind}``, of ``analysis.kinds``): a branch whose condition is a
    type test of a name of known container kind decided against it (and the flags
    that carry such a decision: ``returned = True``, ``negation = not returned``) is
    left out.  Only what is certain is decided; anything else may run."""
    assigned = set()
    for node in gast.walk(gast.Module(body=list(body), type_ignores=[])):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            assigned.add(node.id)
    live = set()
    _walk(body, {}, kinds, assigned, live)
    return live


def _walk(body, known, kinds, assigned, live):
    """Add to ``live`` the statements of ``body`` that may run; ``known``: ``{name:
    bool}`` of the flags decided so far, updated as ``body`` assigns."""
    for stmt in body:
        if isinstance(stmt, gast.If):
            test = _decided(stmt.test, known, kinds, assigned)
            if test is None:
                after = [dict(known), dict(known)]
                _walk(stmt.body, after[0], kinds, assigned, live)
                _walk(stmt.orelse, after[1], kinds, assigned, live)
                known.clear()
                known.update({k: v for k, v in after[0].items() if after[1].get(k) is v})
            else:
                _walk(stmt.body if test else stmt.orelse, known, kinds, assigned, live)
        elif isinstance(stmt, (gast.For, gast.While)):
            looped = {n.id for n in gast.walk(stmt) if isinstance(n, gast.Name)
                      and isinstance(n.ctx, gast.Store)}
            for name in looped:
                known.pop(name, None)
            _walk(stmt.body, dict(known), kinds, assigned, live)
            _walk(stmt.orelse, dict(known), kinds, assigned, live)
        else:
            live.add(id(stmt))
            _assign(stmt, known, kinds, assigned)


def _assign(stmt, known, kinds, assigned):
    """Record in ``known`` the flag a simple statement sets (or forget what it sets)."""
    if not isinstance(stmt, gast.Assign):
        return
    target = stmt.targets[0]
    if not isinstance(target, gast.Name):
        for node in gast.walk(target):
            if isinstance(node, gast.Name):
                known.pop(node.id, None)
        return
    value = _decided(stmt.value, known, kinds, assigned)
    if value is None:
        known.pop(target.id, None)
    else:
        known[target.id] = value


def _decided(value, known, kinds, assigned):
    """``True``/``False`` where the expression ``value`` surely has that truth value,
    else None."""
    if isinstance(value, gast.Constant) and isinstance(value.value, bool):
        return value.value
    if isinstance(value, gast.Name):
        return known.get(value.id)
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.Not):
        inner = _decided(value.operand, known, kinds, assigned)
        return None if inner is None else not inner
    if isinstance(value, gast.Call) and anno.get(value, anno.CALLEE) is builtins.isinstance \
            and len(value.args) == 2 and not value.keywords \
            and isinstance(value.args[0], gast.Name) and value.args[0].id not in assigned:
        # (a parameter: its kind is the one the function is specialized on)
        return _instance_of(kinds.get(value.args[0].id), value.args[1], assigned)
    return None


def _instance_of(kind, types, assigned):
    """Whether a value of kind ``kind`` (a list, tuple or dict kind: exactly that
    class) is an instance of ``types`` (``list``, ``tuple``, ``dict`` or a tuple of
    them, names the function never assigns), or None where that is not certain."""
    if not (isinstance(kind, tuple) and kind and kind[0] in _TYPES.values()):
        return None
    spelled = types.elts if isinstance(types, gast.Tuple) else [types]
    if not all(isinstance(t, gast.Name) and t.id in _TYPES and t.id not in assigned
               for t in spelled):
        return None
    return any(_TYPES[t.id] == kind[0] for t in spelled)
