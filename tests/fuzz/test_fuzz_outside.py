"""What ``f`` reads from outside itself, and poles at a Python float (the generator's
``module_reads.py``, the checker's ``outside.py``): a module global passed as the argument
it was made from (``global_arg``), a module's attributes rebound and changed in place
between calls (``module_attr``), a number parameter at a pole (``float_pole``)."""

import re
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import fuzz

NEW = ("global_arg", "module_attr", "float_pole")
BASE = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh", "np.sum",
                  "for_range", "for_index", "if", "inplace", "array_output", "tuple_output",
                  "param_array_write", "helper_call", "return_in_if", "param_list",
                  "param_write", "list_mutate", "list_literal"})


def _check(prog, modes, tmp_path, features=None):
    (tmp_path / "programs").mkdir(exist_ok=True)
    loader = fuzz._Loader(str(tmp_path / "programs"))
    features = features or prog.features
    try:
        return fuzz.check_program(prog, modes, {m: features for m in modes}, loader)
    finally:
        loader.close()


def _program(source, params, wrt, features, output="scalar"):
    return fuzz.Program(11, textwrap.dedent(source).lstrip(), params, wrt, output,
                        frozenset(features) | {"straight"})


# ------------------------------------------------------------------ the generator

@pytest.mark.parametrize("feature", NEW)
def test_a_program_without_the_construct_is_the_same_program(feature):
    """Each construct draws from a stream of its own and binds names out of scope: a
    program of a seed that does not use it is the program of that seed without it."""
    features = fuzz.ALL_FEATURES
    same = 0
    for seed in range(120):
        prog = fuzz.generate(seed, features, max_statements=8)
        if feature not in prog.features:
            other = fuzz.generate(seed, features - {feature}, max_statements=8)
            assert prog.source == other.source, seed
            same += 1
    assert same >= 60


def test_a_global_is_passed_also_to_programs_writing_into_it():
    """``GL`` made from an array parameter and from a list ``xs``; among them programs
    that write into that parameter, or append to the list, then read ``GL``."""
    forms = set()
    for seed in range(1500):
        prog = fuzz.generate(seed, max_statements=8)
        if "global_arg" not in prog.features:
            continue
        param = next(p for p in prog.params if p.global_name)
        assert re.search(rf"\nGL = .*\n", prog.source) and param.global_name == "GL"
        assert prog.args_source().count("GL") == 1
        writes = re.search(rf"\n\s+{param.name}(\[.*\])? [-+*]?= |\n\s+{param.name}\."
                           rf"(append|extend|insert|pop)\(", prog.source)
        forms.add((param.kind, bool(writes)))
    assert forms == {("float", False), ("float", True), ("tree", False), ("tree", True)}


def test_a_pole_parameter_is_zero_and_differentiated():
    found = 0
    for seed in range(300):
        prog = fuzz.generate(seed, max_statements=8)
        if "float_pole" in prog.features:
            at = [i for i, p in enumerate(prog.params) if p.pole]
            assert len(at) == 1 and prog.params[at[0]].value == 0.0
            assert isinstance(prog.args()[at[0]], float) and at[0] in prog.wrt
            found += 1
    assert found >= 10


# ------------------------------------------------------------------ globals passed

GLOBAL_READ = '''
import numpy as np
GL = np.array([0.5, -0.3, 0.2])


def f(x, w):
    gl1 = np.sum(np.sin(GL)) * 0.5
    v1 = np.sin(x) * w
    return np.sum(v1 * x) + gl1 + np.tanh(np.sum(GL * GL)) * 0.25
'''

GLOBAL_WRITE = '''
import numpy as np
GL = [np.array([0.5, -0.3]), np.array([0.1, 0.4])]


def f(xs, w):
    xs.append(xs[0] * w)
    return np.sum(xs[-1] * w) + np.sum(np.tanh(GL[-1])) * 0.5
'''


def _global_read():
    x = fuzz.Param("x", "float", (3,), np.array([0.5, -0.3, 0.2]), global_name="GL")
    return _program(GLOBAL_READ, [x, fuzz.Param("w", "float", (), 0.7)], (0, 1),
                    {"global_arg", "np.sin", "np.sum", "np.tanh", "mul", "add"})


def _global_write():
    value = [np.array([0.5, -0.3]), np.array([0.1, 0.4])]
    xs = fuzz.Param("xs", "tree", ("list", (("leaf", (2,)),) * 2), value, global_name="GL")
    return _program(GLOBAL_WRITE, [xs, fuzz.Param("w", "float", (), 0.7)], (0, 1),
                    {"global_arg", "param_list", "param_write", "list_mutate", "np.sum",
                     "np.tanh", "mul", "add"})


def test_a_global_read_and_passed_is_checked_in_every_mode(tmp_path):
    outcome = _check(_global_read(), ("reverse", "forward", "second"), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "forward",
                                                                "second")), outcome


def test_the_global_itself_is_passed_and_left_as_it_was(tmp_path, monkeypatch):
    seen = []
    real = s2sad.value_and_grad

    def spying(f, wrt=0, **kwargs):
        g = real(f, wrt=wrt, **kwargs)

        def call(*args):
            seen.append(args[0] is f.__globals__["GL"])
            return g(*args)
        return call
    monkeypatch.setattr(s2sad, "value_and_grad", spying)
    prog = _global_read()
    assert _check(prog, ("reverse",), tmp_path).status == "pass"
    assert seen and all(seen)


def test_a_write_through_a_global_argument_is_refused_with_its_location(tmp_path):
    """Python: ``xs`` is ``GL``, so the append shows in ``GL[-1]``; s2sad refuses it."""
    outcome = _check(_global_write(), ("reverse", "forward"), tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "refused:global_arg"), outcome


def test_a_derivative_that_does_not_see_the_write_through_the_global_fails(tmp_path,
                                                                           monkeypatch):
    """Planted: the arguments copied before s2sad sees them (the bug f4635de fixed: a
    rebuilt list hid the global), so no refusal and Python's value on copies, 3.5 for
    5.0 in its day: a wrong value against Python's f on the same objects."""
    import copy
    for name in ("value_and_grad", "grad"):
        _planted(monkeypatch, name, lambda g: lambda *args: g(*copy.deepcopy(args)))
    outcome = _check(_global_write(), ("reverse",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "wrong-value"), outcome


# ------------------------------------------------------------------ module attributes

MODULE_READ = '''
import numpy as np
import sys
import types
cfg = types.ModuleType(__name__ + '_cfg')
sys.modules[cfg.__name__] = cfg
cfg.SCALE = 0.75
cfg.VEC = np.array([0.3, -0.2, 0.5])


def f(x, y):
    cm1 = 0.0
    for i1 in range(3):
        cm1 = cm1 + cfg.VEC[i1] * np.tanh(np.sum(x)) * cfg.SCALE
    s = 0.0
    for i2 in range(3):
        s = s + np.sin(x[i2]) * y
    return (s * s) + cm1
'''


def _module_read(output="scalar"):
    params = [fuzz.Param("x", "float", (3,), np.array([0.5, 0.1, -0.3])),
              fuzz.Param("y", "float", (), 0.7)]
    source = MODULE_READ
    if output == "array":
        source = source.replace("return (s * s) + cm1", "return (x * s) + cm1")
    return _program(source, params, (0, 1), {"module_attr", "for_range", "for_index",
                                             "np.sin", "np.tanh", "np.sum", "mul", "add"},
                    output)


@pytest.mark.parametrize("output", ["scalar", "array"])
def test_module_attributes_changed_between_calls_are_followed(tmp_path, output):
    outcome = _check(_module_read(output), ("reverse", "forward"), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "forward")), \
        outcome


def test_module_attributes_changed_between_calls_are_followed_on_numba(tmp_path,
                                                                       monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    outcome = _check(_module_read(), ("numba",), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("numba",)), outcome


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_derivative_that_keeps_the_first_attributes_fails(tmp_path, monkeypatch, mode):
    """Planted: a derivative function that answers every call with its first result (as
    numba's frozen globals would): wrong once ``cfg`` is rebound."""
    name = "value_and_grad" if mode == "reverse" else "jvp"
    real = getattr(s2sad, name)

    def frozen(f, wrt=0, **kwargs):
        g, first = real(f, wrt=wrt, **kwargs), []

        def call(*args):
            if not first:
                first.append(g(*args))
            return first[0]
        return call
    monkeypatch.setattr(s2sad, name, frozen)
    prog = _module_read()
    loader = fuzz._Loader(str(tmp_path))
    try:
        module = loader.load(prog.source, "frozen")
        problem = fuzz.checker._check_module_reads(s2sad, prog, module.f, mode)
    finally:
        loader.close()
    assert problem is not None and problem[0] == "wrong-value", problem
    assert "rebound" in problem[1]


# ------------------------------------------------------------------ poles

POLE = '''
import numpy as np


def f(x, y):
    pl1 = {form}
    v1 = np.sin(y) * y
    return (v1 * np.tanh(x + 0.5)) + 0.5 * pl1
'''


def _pole(form):
    params = [fuzz.Param("x", "float", (), 0.0, pole=True), fuzz.Param("y", "float", (), 0.7)]
    return _program(POLE.format(form=form), params, (0, 1),
                    {"float_pole", "np.sin", "np.tanh", "mul", "add"})


@pytest.mark.parametrize("form", ["np.sqrt(x)", "x ** 0.5", "np.log(x)", "np.log(x * x)",
                                  "1.0 / x"])
def test_a_pole_at_a_python_float_gives_what_the_readme_promises(tmp_path, form):
    """inf or nan, or SingularPointError on the pole's line (np.log(x) at 0.0 in reverse
    mode), or Python's own ZeroDivisionError where f divides (1.0 / x)."""
    outcome = _check(_pole(form), ("reverse", "forward"), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "forward")), \
        outcome


def test_a_pole_program_running_too_long_is_a_timeout_skip(tmp_path, monkeypatch):
    """A program at a pole that runs past the primal time limit (a derivative built
    inside it under a heavy load: seed 20011) is a "timeout" skip, as elsewhere, never a
    Timeout escaping the campaign."""
    monkeypatch.setattr(fuzz.checker, "PRIMAL_TIMEOUT", 0.2)
    prog = _pole("np.log(x)")
    prog.source = prog.source.replace("import numpy as np\n", "import time\n\nimport numpy "
                                      "as np\n").replace("    pl1 = ", "    time.sleep(0.6)\n"
                                                          "    pl1 = ")
    outcome = _check(prog, ("reverse",), tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "timeout"), outcome


@pytest.mark.parametrize("form", ["np.sqrt(x)", "x ** 0.5", "1.0 / x"])
def test_second_derivatives_at_a_pole(tmp_path, form):
    outcome = _check(_pole(form), ("second",), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("second",)), outcome


def test_a_pole_on_numba(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    for form in ("np.sqrt(x)", "np.log(x)"):
        outcome = _check(_pole(form), ("numba",), tmp_path)
        assert (outcome.status, outcome.modes_checked) == ("pass", ("numba",)), outcome


def _planted(monkeypatch, name, wrap):
    real = getattr(s2sad, name)
    monkeypatch.setattr(s2sad, name, lambda f, wrt=0, **kw: wrap(real(f, wrt=wrt, **kw)))


def test_a_finite_derivative_at_a_pole_fails(tmp_path, monkeypatch):
    def finite(g):
        def call(*args):
            value, grads = g(*args)
            return value, tuple(np.nan_to_num(np.asarray(v), posinf=1.0) for v in grads)
        return call
    _planted(monkeypatch, "value_and_grad", finite)
    outcome = _check(_pole("np.sqrt(x)"), ("reverse",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "pole-finite"), outcome


def test_an_unlocated_or_misplaced_error_at_a_pole_fails(tmp_path, monkeypatch):
    def bare(g):
        def call(*args):
            raise ZeroDivisionError("float division by zero")
        return call
    _planted(monkeypatch, "jvp", bare)
    outcome = _check(_pole("np.sqrt(x)"), ("forward",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "pole-unlocated"), outcome
    # where f itself divides by zero, s2sad's error is Python's own, never SingularPointError

    def singular(g):
        def call(*args):
            raise s2sad.errors.SingularPointError("planted")
        return call
    monkeypatch.undo()
    _planted(monkeypatch, "jvp", singular)
    outcome = _check(_pole("1.0 / x"), ("forward",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "pole-singular"), outcome


GLOBAL_RETURNED = '''
import numpy as np
C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])
GL = np.array([0.0, -1.175, 1.033])


def f(x, prm, xs):
    prm['W'] = xs[0]
    return (GL * xs[1], C23)
'''


def test_a_pullback_may_refuse_a_global_changed_since_it_was_used_as_given(tmp_path):
    """Seed 406 (global_arg), shrunk: f writes into an argument, so vjp uses the global
    passed as ``x`` as given, and the checker's optimizer step (the arguments changed in
    place before the pullback's second call) raises ChangedSinceError, as the README
    says; the second call is then made at the arguments as they were."""
    x = fuzz.Param("x", "float", (3,), np.array([0.0, -1.175, 1.033]), global_name="GL")
    prm = fuzz.Param("prm", "tree", ("dict", (("W", ("leaf", (2, 3))), ("b", ("leaf", (2,))))),
                     {"W": np.array([[0.73, -0.942, 1.458], [0.754, 0.567, -0.971]]),
                      "b": np.array([1.32, 0.478])})
    xs = fuzz.Param("xs", "tree", ("list", (("leaf", (3,)), ("leaf", ()))),
                    [np.array([0.616, 1.091, 0.031]), 1.066])
    prog = _program(GLOBAL_RETURNED, [x, prm, xs], (2,),
                    {"global_arg", "param_dict", "param_list", "param_write", "dict_write",
                     "mul", "tuple_output"}, "tuple")
    outcome = _check(prog, ("reverse", "forward"), tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "forward")), \
        outcome


STD_OF_CONSTANTS = '''
import numpy as np


def f(y):
    acc7 = [y ** 0]
    return np.nanstd(acc7) + np.sum(np.sin(y))
'''


def test_a_point_the_readme_lists_as_having_no_derivative_is_a_skip(tmp_path):
    """Seed 9930823, shrunk: np.nanstd of equal values (``y ** 0``), refused on its line
    while the derivative runs (README: std of equal values has no derivative), where the
    differences see a function smooth in ``y``: a skip, not a failure."""
    prog = _program(STD_OF_CONSTANTS, [fuzz.Param("y", "float", (3,),
                                                  np.array([-0.137, 0.104, 1.277]))],
                    (0,), {"zero_pow", "list_literal", "np.nanstd", "np.sin", "np.sum", "add"})
    outcome = _check(prog, ("reverse", "forward"), tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "no-derivative-here"), outcome
    assert "np.nanstd has no derivative here" in outcome.message


def test_second_derivatives_at_a_log_pole_pass(tmp_path):
    # (seeds 535, 3040: an unlocated ZeroDivisionError once, an open finding; located now)
    outcome = _check(_pole("np.log(x)"), ("second",), tmp_path)
    assert outcome.status == "pass", outcome


ALIASED_AT_A_POLE = '''
import numpy as np
C3 = np.array([0.3, -0.7, 1.1])


def f(x, y):
    pl1 = np.sqrt(x)
    g2 = y
    for i3 in range(2):
        g2 += C3
    return (x + np.sum(g2)) + 0.5 * pl1
'''


def test_an_aliasing_refusal_at_a_pole_is_counted_as_elsewhere(tmp_path):
    """Seed 9960351: a loop-carried ``g2 += ...`` that held ``y`` is refused by s2sad's
    may-alias check (a deliberate skip everywhere), which the pole's check counted as a
    failure."""
    params = [fuzz.Param("x", "float", (), 0.0, pole=True), fuzz.Param("y", "float", (), 0.43)]
    prog = _program(ALIASED_AT_A_POLE, params, (0,), {"float_pole", "np.sqrt", "np.sum",
                                                      "for_range", "aug_assign", "add"})
    outcome = _check(prog, ("reverse",), tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "refused-aliasing"), outcome


HELPER_NAME_BESIDE_A_COMPOSED_DERIVATIVE = '''
import numpy as np
import s2sad
from numpy import zeros_like
import functools
C3 = np.array([0.3, -0.7, 1.1])
C2 = np.array([0.5, -1.2])


def deco(fn):

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def h1(a, c=0.0):
    return C2


def h2(a):
    v3 = h1(C3, c=a)
    return v3


@deco
def f(x, y, *, kw1=0.0, kw2=0.0):
    ls5 = [kw1, x, s2sad.jvp(h2)(y, y)]
    p_one = 0.0
    zl15 = zeros_like(y)
    return p_one
'''


def test_a_helper_name_refused_in_second_order_as_the_readme_says_is_a_skip(tmp_path,
                                                                            monkeypatch):
    """Seed 9980144: ``from numpy import zeros_like`` beside a composed derivative whose
    generated code reads s2sad's own ``zeros_like``: second derivatives refuse it on its
    line, as "Derivatives of derivatives" says (a name bound to another object in another
    module): a skip, where the checker counted a failure."""
    params = [fuzz.Param("x", "float", (), -0.657),
              fuzz.Param("y", "float", (2,), np.array([1.184, 0.174]))]
    prog = _program(HELPER_NAME_BESIDE_A_COMPOSED_DERIVATIVE, params, (1,),
                    {"helper_names", "helper_call", "helper_kwargs", "derivative_call",
                     "list_literal", "decorator", "kwonly"})
    # (its first call generates the helper's jvp: slow on a loaded machine)
    monkeypatch.setattr(fuzz.checker, "PRIMAL_TIMEOUT", 60.0)
    monkeypatch.setattr(fuzz.checker, "FD_TIMEOUT", 120.0)
    outcome = _check(prog, ("second",), tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "refused:helper_names"), outcome
