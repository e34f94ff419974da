"""A ``vjp`` pullback after a value ``f`` reads from its module changed (the checker's
``changed_since.py``): changed in place or rebound, the pullback must raise
``ChangedSinceError``; with nothing changed, interleaved ``vjp`` calls and their pullbacks
must give Python's values and the finite differences' products."""

import random
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import errors, fuzz
from s2sad.fuzz import changed_since, checker


def _load(tmp_path, source, name):
    (tmp_path / "programs").mkdir(exist_ok=True)
    loader = fuzz._Loader(str(tmp_path / "programs"))
    return loader, loader.load(textwrap.dedent(source).lstrip(), name)


def _program(source, params, wrt, output="scalar"):
    return fuzz.Program(5, textwrap.dedent(source).lstrip(), params, wrt, output,
                        frozenset({"straight", "mul", "add", "np.sin", "np.sum"}))


MODULE = '''
import sys
import types
import numpy as np
C3 = np.array([0.3, -0.7, 1.1])
C2 = np.array([0.5, -1.2])
C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])
GL = [np.array([0.5, -0.3]), np.array([0.1, 0.4])]
cfg = types.ModuleType(__name__ + '_cfg')
sys.modules[cfg.__name__] = cfg
cfg.SCALE = 0.75
cfg.VEC = np.array([0.3, -0.2, 0.5])


def unused(a):
    return a * C23


def h1(a):
    return np.sin(a * C3) * cfg.SCALE


def f(x, d1=C2):
    v1 = h1(x) + np.sum(GL[1] * d1)
    return np.sum(v1 * x) + np.sum(np.tanh(cfg.VEC * x))
'''


def _module_program():
    return _program(MODULE, [fuzz.Param("x", "float", (3,), np.array([0.5, -0.3, 0.2]))],
                    (0,))


def _reference(prog, f):
    value = f(*prog.args())
    return value, checker._fd_jacobian(f, prog.params, prog.wrt, checker.EPS_REF)


def test_the_values_f_reads_from_its_module_are_found():
    """``f``'s reads and those of the helpers it calls (never of a function it does not
    call); a module array read only as a default keeps its first object when rebound."""
    prog = _module_program()
    namespace = {}
    exec(compile(prog.source, "m", "exec"), namespace)
    found = changed_since.targets(prog, namespace["f"])
    assert set(found) == {("C3", "in place", True), ("C3", "rebound", True),
                          ("C2", "in place", True), ("C2", "rebound", False),
                          ("GL", "in place", True), ("GL", "rebound", True),
                          ("cfg.SCALE", "rebound", True), ("cfg.VEC", "in place", True),
                          ("cfg.VEC", "rebound", True)}


@pytest.mark.parametrize("change", ["C3 in place", "C2 in place", "C2 rebound",
                                    "GL in place", "cfg.SCALE rebound",
                                    "cfg.VEC in place", "cfg.VEC rebound"])
def test_s2sad_refuses_a_pullback_after_a_change(tmp_path, change):
    """s2sad's pullback after each change (the module put back after): the check passes,
    and leaves the module as it was."""
    prog = _module_program()
    loader, module = _load(tmp_path, prog.source, "cs1")
    try:
        label, kind = change.split(" ", 1)
        target = next(t for t in changed_since.targets(prog, module.f) if t[:2] == (label, kind))
        before = (module.C3.copy(), module.C2, module.GL[0].copy(), module.cfg.SCALE,
                  module.cfg.VEC)
        problem = changed_since.check_changed(s2sad, prog, module.f, prog.args(),
                                              _reference(prog, module.f), [target])
        assert problem is None, problem
        assert np.array_equal(module.C3, before[0]) and module.C2 is before[1]
        assert np.array_equal(module.GL[0], before[2])
        assert (module.cfg.SCALE, module.cfg.VEC) == before[3:]
    finally:
        loader.close()


@pytest.mark.parametrize("name", ["C3", "GL"])
def test_a_module_array_rebound_leaves_the_pullback_its_first_numbers(tmp_path, name):
    """``C3`` (or the list ``GL``) rebound between ``vjp`` and its pullback: the pullback
    kept the first object, so it gives the gradient at the call (README, ``s2sad.vjp``),
    its first numbers, and the check passes."""
    prog = _module_program()
    loader, module = _load(tmp_path, prog.source, "cs2")
    try:
        problem = changed_since.check_changed(s2sad, prog, module.f, prog.args(),
                                              _reference(prog, module.f),
                                              [(name, "rebound", True)])
        assert problem is None, problem
    finally:
        loader.close()


class _Api:
    """s2sad with a ``vjp`` whose pullback misbehaves as told."""

    def __init__(self, how):
        self.how = how

    def vjp(self, f, wrt):
        real = s2sad.vjp(f, wrt=wrt)
        how = self.how

        def call(*args):
            value, pullback = real(*args)
            first = []

            def fake(ct):
                if not first:
                    first.append(pullback(ct))
                    return first[0]
                if how == "stale":
                    return first[0]
                if how == "raise":
                    raise errors.ChangedSinceError("changed")
                return tuple(g * 2.0 for g in first[0])
            return value, fake
        return call


@pytest.mark.parametrize("how, change, kind", [
    ("wrong", ("C3", "in place", True), "wrong-gradient"),
    ("raise", ("C2", "rebound", False), "false-changed-since")])
def test_a_pullback_that_misses_the_change_fails(tmp_path, how, change, kind):
    prog = _module_program()
    loader, module = _load(tmp_path, prog.source, "cs3")
    try:
        problem = changed_since.check_changed(_Api(how), prog, module.f, prog.args(),
                                              _reference(prog, module.f), [change])
        assert problem is not None and problem[0] == kind, problem
    finally:
        loader.close()


def test_a_change_f_does_not_see_needs_no_error(tmp_path):
    """A module array read only by dead code: its change leaves f's value, and its
    derivative, as they were; the pullback's first numbers are right, no error needed."""
    source = MODULE.replace("    v1 = h1(x)", "    v0 = C23 * 2.0\n    v1 = h1(x)")
    prog = _program(source, [fuzz.Param("x", "float", (3,), np.array([0.5, -0.3, 0.2]))], (0,))
    loader, module = _load(tmp_path, prog.source, "cs4")
    try:
        assert ("C23", "in place", True) in changed_since.targets(prog, module.f)
        problem = changed_since.check_changed(_Api("stale"), prog, module.f, prog.args(),
                                              _reference(prog, module.f),
                                              [("C23", "in place", True)])
        assert problem is None, problem
    finally:
        loader.close()


DECORATED = '''
import functools
import numpy as np
C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


def deco(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return fn(x) * 1.5
    return wrapper


@deco
def f(x, d1=C23):
    return np.sum(np.sin(x * d1[1]))
'''


def test_a_decorated_functions_default_changed_in_place_is_caught(tmp_path):
    """A decorated ``f`` reading a module array as its parameter's default (its wrapped
    function's, a helper of the generated module's); the array changed in place between
    ``vjp`` and its pullback raises ``ChangedSinceError`` (once an open finding: nothing
    raised, and the pullback mixed the old values and the new)."""
    prog = _program(DECORATED, [fuzz.Param("x", "float", (), 0.7)], (0,))
    loader, module = _load(tmp_path, prog.source, "cs6")
    try:
        problem = changed_since.check_changed(s2sad, prog, module.f, prog.args(),
                                              _reference(prog, module.f),
                                              [("C23", "in place", True)])
        assert problem is None, problem
    finally:
        loader.close()


def test_a_change_of_the_value_alone_needs_no_error(tmp_path):
    """``C2`` read as a term of the value only: the derivative is the same after its change,
    so the pullback's first numbers are right, with or without the error."""
    source = MODULE.replace("np.sum(GL[1] * d1)", "0.0").replace(
        "return np.sum(v1 * x)", "return np.sum(C2) + np.sum(v1 * x)")
    prog = _program(source, [fuzz.Param("x", "float", (3,), np.array([0.5, -0.3, 0.2]))], (0,))
    loader, module = _load(tmp_path, prog.source, "cs7")
    try:
        problem = changed_since.check_changed(_Api("stale"), prog, module.f, prog.args(),
                                              _reference(prog, module.f),
                                              [("C2", "in place", True)])
        assert problem is None, problem
    finally:
        loader.close()


def test_interleaved_pullbacks_give_pythons_values(tmp_path):
    """Nothing changed: three ``vjp`` calls (at the arguments, moved ones, the arguments
    again), their pullbacks in another order, against the finite differences."""
    prog = _module_program()
    loader, module = _load(tmp_path, prog.source, "cs5")
    try:
        def at(args):
            value = module.f(*args)
            return value, np.concatenate(
                [s2sad.testing._fd_jacobian(module.f, args, i, 1e-6)[1] for i in prog.wrt],
                axis=1)
        problem = changed_since.check_interleaved(s2sad, prog, module.f, prog.args(),
                                                  _reference(prog, module.f), at)
        assert problem is None, problem
        problem = changed_since.check_interleaved(_Api("stale"), prog, module.f,
                                                  prog.args(),
                                                  (prog.args()[0] * 0.0 + 1.0,
                                                   _reference(prog, module.f)[1] * 2.0), at)
        assert problem is not None and problem[0] in ("wrong-value", "wrong-gradient")
    finally:
        loader.close()


def test_campaign_programs_reading_module_values_are_checked(tmp_path):
    """Generated programs reading ``C3``, ``cfg`` or ``GL``: the check runs in reverse mode
    and none fails; the share drawn for the open finding is small."""
    (tmp_path / "programs").mkdir()
    loader = fuzz._Loader(str(tmp_path / "programs"))
    seen, outcomes = 0, []
    try:
        for seed in range(20):
            prog = fuzz.generate(seed, max_statements=6)
            module = loader.load(prog.source, f"g{seed}")
            if not changed_since.targets(prog, module.f):
                continue
            seen += 1
            outcome = fuzz.check_program(prog, ("reverse",), {"reverse": prog.features}, loader)
            outcomes.append(outcome)
            assert outcome.status != "fail", (seed, outcome.message)
    finally:
        loader.close()
    assert seen >= 5


def test_a_checked_program_does_not_draw_from_the_shared_stream():
    """The choice of the change comes from the program's own stream."""
    prog = _module_program()
    namespace = {}
    exec(compile(prog.source, "m", "exec"), namespace)
    found = changed_since.targets(prog, namespace["f"])
    state = np.random.get_state()[1].copy()
    before = random.getstate()
    assert changed_since.choose(prog, found) == changed_since.choose(prog, found)
    assert random.getstate() == before
    assert np.array_equal(np.random.get_state()[1], state)


def test_first_numbers_after_a_change_in_place_are_the_gradient_at_the_call(tmp_path):
    """A pullback that gives its first numbers after ``cfg.VEC`` changed in place gives
    the gradient at the call (it kept what it needs): right, no error needed."""
    prog = _module_program()
    loader, module = _load(tmp_path, prog.source, "cs8")
    try:
        problem = changed_since.check_changed(_Api("stale"), prog, module.f, prog.args(),
                                              _reference(prog, module.f),
                                              [("cfg.VEC", "in place", True)])
        assert problem is None, problem
    finally:
        loader.close()
