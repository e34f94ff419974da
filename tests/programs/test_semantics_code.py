"""Issue 11, class 3: s2sad differentiates the code that runs now.

Decorators made with ``functools.wraps``, modules reloaded, code objects swapped,
defaults changed, rules registered after a function was used, source files edited
on disk, numpy names monkeypatched, fresh closures over new data, and bound
methods and callable objects.  Every expected derivative is derived by hand or by
central finite differences, never by s2sad.
"""

import functools
import gc
import importlib
import importlib.util
import os
import sys
import weakref

import numpy as np
import pytest

import s2sad
from s2sad import pipeline
from s2sad.rules import registry
from s2sad.testing import finite_difference_gradient

from conftest import write
from in_process import s2sad_command


# ----------------------------------------------------------------- functools.wraps

WRAPPED = """\
    import functools
    import numpy as np


    def twice(fn):
        @functools.wraps(fn)
        def wrapper(x):
            return fn(x) * 2.0
        return wrapper


    def shifted(fn):
        @functools.wraps(fn)
        def wrapper(x, y):
            return fn(x + 1.0, y) + np.sum(x * y)
        return wrapper


    def passthrough(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs) * 2.0
        return wrapper


    @twice
    def square(x):
        return x * x


    @shifted
    def loss(x, y):
        return np.sum(np.sin(x) * y)


    @passthrough
    def square_too(x):
        return x * x
    """


def test_a_wraps_wrapper_is_differentiated_with_its_own_arithmetic(load):
    m = load("wrapped_mod", WRAPPED)
    # square(x) = 2 x^2: derivative 4x, second derivative 4 (the inner x*x alone: 2x, 2)
    assert s2sad.grad(m.square)(3.0) == pytest.approx(12.0)
    assert s2sad.value_and_grad(m.square)(3.0) == (pytest.approx(18.0), pytest.approx(12.0))
    value, pullback = s2sad.vjp(m.square)(3.0)
    assert value == pytest.approx(18.0) and pullback(1.0) == pytest.approx(12.0)
    assert s2sad.jvp(m.square)(3.0, 1.0) == (pytest.approx(18.0), pytest.approx(12.0))
    assert s2sad.hessian(m.square)(3.0) == pytest.approx(4.0)
    assert s2sad.hvp(m.square)(3.0, 2.0) == pytest.approx(8.0)
    assert s2sad.grad(s2sad.grad(m.square))(3.0) == pytest.approx(4.0)
    assert s2sad.grad(m.square, wrt="x")(x=3.0) == pytest.approx(12.0)
    jac = s2sad.jacobian(m.square)(np.array([1.0, 3.0]))
    np.testing.assert_allclose(jac, np.diag([4.0, 12.0]))
    assert "fn(x) * 2.0" in s2sad.source(m.square)   # the wrapper's line is differentiated


def test_a_wraps_wrapper_with_two_parameters_against_finite_differences(load):
    m = load("wrapped_mod2", WRAPPED)
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.5, -2.0])
    for wrt in (0, 1):
        expected = finite_difference_gradient(m.loss, (x, y), argnum=wrt)
        np.testing.assert_allclose(s2sad.grad(m.loss, wrt=wrt)(x, y), expected, rtol=1e-6)
    # by hand: d/dx = cos(x + 1) y + y, d/dy = sin(x + 1) + x
    gx, gy = s2sad.grad(m.loss, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(x + 1.0) * y + y)
    np.testing.assert_allclose(gy, np.sin(x + 1.0) + x)
    v = np.array([1.0, -2.0, 0.5])
    hx = s2sad.hvp(m.loss, wrt=0)(x, y, v)
    np.testing.assert_allclose(hx, -np.sin(x + 1.0) * y * v)
    value, tangent = s2sad.jvp(m.loss, wrt=1)(x, y, v)
    assert tangent == pytest.approx(np.sum((np.sin(x + 1.0) + x) * v))


def test_a_wraps_wrapper_through_the_cli(load):
    load("wrapped_cli", WRAPPED)
    proc = s2sad_command(["grad", "wrapped_cli.py:square"],
                          cwd=load.path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(proc.stdout, "square_grad.py", "exec"), namespace)
    value, grad = namespace["square_value_and_grad"](3.0)
    assert (value, grad) == (pytest.approx(18.0), pytest.approx(12.0))


def test_a_wraps_wrapper_taking_star_args_is_differentiated_itself(load):
    # square_too(x) = 2 x^2 through def wrapper(*args, **kwargs): derivative 4x, second 4
    # (more in test_semantics_decorators.py)
    m = load("wrapped_star", WRAPPED)
    assert s2sad.grad(m.square_too)(3.0) == pytest.approx(12.0)
    assert s2sad.jvp(m.square_too)(3.0, 1.0) == (pytest.approx(18.0), pytest.approx(12.0))
    assert s2sad.hessian(m.square_too)(3.0) == pytest.approx(4.0)


# ------------------------------------------------------------ reloads and code swaps

def test_reloading_a_helper_module_regenerates(load):
    helper = load("reload_helper", """\
        def act(x):
            return x * x
        """)
    m = load("reload_user", """\
        import reload_helper


        def f(x):
            return reload_helper.act(x) * 1.0
        """)
    g = s2sad.grad(m.f)
    h = s2sad.hessian(m.f)
    j = s2sad.jvp(m.f)
    assert g(3.0) == pytest.approx(6.0) and h(3.0) == pytest.approx(2.0)
    write(load.path / "reload_helper.py", """\
        def act(x):
            return x * x * x
        """)
    importlib.reload(helper)
    # f is now x^3: 3x^2 = 27, 6x = 18, for the gradients held and asked anew
    assert g(3.0) == pytest.approx(27.0)
    assert s2sad.grad(m.f)(3.0) == pytest.approx(27.0)
    assert h(3.0) == pytest.approx(18.0)
    assert j(3.0, 1.0) == (pytest.approx(27.0), pytest.approx(27.0))


def test_swapping_a_code_object_regenerates(load):
    m = load("swap_mod", """\
        import numpy as np


        def f(x):
            return np.sum(x * x)


        def g(x):
            return np.sum(np.sin(x))


        def helper(x):
            return x * x


        def cube(x):
            return x * x * x


        def uses_helper(x):
            return helper(x) + 0.0
        """)
    x = np.array([0.5, -1.0, 2.0])
    grad_f, jvp_f, hess_f = s2sad.grad(m.f), s2sad.jvp(m.f), s2sad.hessian(m.f)
    np.testing.assert_allclose(grad_f(x), 2 * x)
    np.testing.assert_allclose(hess_f(x), 2 * np.eye(3))
    m.f.__code__ = m.g.__code__          # what IPython's autoreload does
    np.testing.assert_allclose(grad_f(x), np.cos(x))
    np.testing.assert_allclose(s2sad.grad(m.f)(x), np.cos(x))
    v = np.array([1.0, 2.0, 3.0])
    assert jvp_f(x, v)[1] == pytest.approx(np.sum(np.cos(x) * v))
    np.testing.assert_allclose(hess_f(x), np.diag(-np.sin(x)))
    # a helper's code swapped: the caller's derivative follows
    grad_u = s2sad.grad(m.uses_helper)
    assert grad_u(2.0) == pytest.approx(4.0)
    m.helper.__code__ = m.cube.__code__
    assert grad_u(2.0) == pytest.approx(12.0)
    assert s2sad.grad(m.uses_helper)(2.0) == pytest.approx(12.0)
    assert s2sad.hessian(m.uses_helper)(2.0) == pytest.approx(12.0)


def test_changed_defaults_are_used(load):
    m = load("defaults_mod", """\
        def f(x, k=2.0):
            return x * x * k
        """)
    g, vg, j, h = (s2sad.grad(m.f), s2sad.value_and_grad(m.f), s2sad.jvp(m.f),
                   s2sad.hessian(m.f))
    assert g(3.0) == pytest.approx(12.0) and h(3.0) == pytest.approx(4.0)
    m.f.__defaults__ = (5.0,)
    assert m.f(3.0) == pytest.approx(45.0)
    assert g(3.0) == pytest.approx(30.0)
    assert vg(3.0) == (pytest.approx(45.0), pytest.approx(30.0))
    assert s2sad.grad(m.f)(3.0) == pytest.approx(30.0)
    assert j(3.0, 1.0) == (pytest.approx(45.0), pytest.approx(30.0))
    assert h(3.0) == pytest.approx(10.0)
    value, pullback = s2sad.vjp(m.f)(3.0)
    assert value == pytest.approx(45.0) and pullback(1.0) == pytest.approx(30.0)
    m.f.__defaults__ = (1,)              # another type of default: regenerated, still right
    assert g(3.0) == pytest.approx(6.0)
    assert h(3.0) == pytest.approx(2.0)


def test_changed_defaults_of_a_helper_are_used(load):
    m = load("helper_defaults_mod", """\
        def helper(x, k=2.0):
            return x * x * k


        def f(x):
            return helper(x) * 1.0
        """)
    g, j, h = s2sad.grad(m.f), s2sad.jvp(m.f), s2sad.hessian(m.f)
    assert g(3.0) == pytest.approx(12.0) and h(3.0) == pytest.approx(4.0)
    assert j(3.0, 1.0) == (pytest.approx(18.0), pytest.approx(12.0))
    m.helper.__defaults__ = (5.0,)       # f(x) = 5 x^2 now
    assert m.f(3.0) == pytest.approx(45.0)
    assert g(3.0) == pytest.approx(30.0)
    assert s2sad.grad(m.f)(3.0) == pytest.approx(30.0)
    assert j(3.0, 1.0) == (pytest.approx(45.0), pytest.approx(30.0))
    assert h(3.0) == pytest.approx(10.0)
    assert s2sad.hvp(m.f)(3.0, 1.0) == pytest.approx(10.0)


# ------------------------------------------------------------------------ rules

def test_a_rule_registered_after_use_is_used(load):
    m = load("rules_mod", """\
        import numpy as np


        def clipped(x):
            return np.minimum(x, 1.0)


        def noisy(x):
            return x * 3.0


        def f(x):
            return np.sum(clipped(x) * 2.0)


        def g(x):
            return noisy(x) * x
        """)
    x = np.array([0.5, 2.0])
    grad_f, jvp_f = s2sad.grad(m.f), s2sad.jvp(m.f)
    np.testing.assert_allclose(grad_f(x), [2.0, 0.0])     # min(x, 1): slope 1 then 0

    @s2sad.adjoint(m.clipped)
    def clipped_adjoint(y, y_bar, x):    # a straight-through estimator, on purpose
        return y_bar * 1.0

    @s2sad.tangent(m.clipped)
    def clipped_tangent(y, x, x_dot):
        return x_dot * 1.0

    np.testing.assert_allclose(grad_f(x), [2.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(m.f)(x), [2.0, 2.0])
    v = np.array([1.0, 1.0])
    assert jvp_f(x, v)[1] == pytest.approx(4.0)

    grad_g = s2sad.grad(m.g)
    assert grad_g(2.0) == pytest.approx(12.0)              # 3x^2: 6x
    s2sad.nondifferentiable(m.noisy)
    assert grad_g(2.0) == pytest.approx(6.0)               # noisy(x) constant: 3x


def test_overriding_a_builtin_rule_regenerates(load):
    m = load("override_mod", """\
        import numpy as np


        def f(x):
            return np.sum(np.expm1(x))
        """)
    x = np.array([0.5, -1.0])
    g = s2sad.grad(m.f)
    np.testing.assert_allclose(g(x), np.exp(x))
    saved = registry._RULES.get(id(np.expm1))
    saved_fields = dict(vars(saved)) if saved is not None else None
    try:
        @s2sad.adjoint(np.expm1)
        def expm1_adjoint(y, y_bar, x):   # deliberately another rule: the user's wins
            return y_bar * 2.0

        np.testing.assert_allclose(g(x), [2.0, 2.0])
    finally:
        if saved is None:
            registry._RULES.pop(id(np.expm1), None)
        else:
            vars(saved).update(saved_fields)
            registry._RULES[id(np.expm1)] = saved
        registry._changed()
    np.testing.assert_allclose(g(x), np.exp(x))


# ------------------------------------------------------------- source edited on disk

def test_a_source_file_edited_without_reimport_is_refused(load):
    m = load("edited_mod", """\
        def f(x):
            return x * x


        def g(x):
            return x * 3.0
        """)
    assert s2sad.grad(m.g)(2.0) == pytest.approx(3.0)
    write(load.path / "edited_mod.py", """\
        def f(x):
            return x * x * x


        def g(x):
            return x * 3.0
        """)
    for transform in (s2sad.grad, s2sad.jvp, s2sad.hessian):
        with pytest.raises(s2sad.SourceUnavailableError, match="changed on disk") as info:
            transform(m.f)
        assert "reload the module" in str(info.value)
    # g's text compiles to the code that runs: still differentiated
    assert s2sad.jvp(m.g)(2.0, 1.0) == (pytest.approx(6.0), pytest.approx(3.0))


def test_another_def_at_the_old_line_is_refused(load):
    m = load("moved_mod", """\
        def f(x):
            return x * x


        def h(x):
            return x + 1.0
        """)
    write(load.path / "moved_mod.py", """\
        def h(x):
            return x * 5.0


        def f(x):
            return x * x
        """)
    with pytest.raises(s2sad.SourceUnavailableError, match="changed on disk"):
        s2sad.grad(m.f)
    # a helper whose file changed is refused as well, at the caller's generation
    user = load("moved_user", """\
        import moved_mod


        def k(x):
            return moved_mod.h(x) * 2.0
        """)
    with pytest.raises(s2sad.SourceUnavailableError, match="changed on disk"):
        s2sad.grad(user.k)(1.0)


# --------------------------------------------------------- monkeypatched numpy names

def test_a_monkeypatched_numpy_function_is_never_paired_with_the_old_rule(load):
    m = load("patched_mod", """\
        import numpy as np


        def f(x):
            return np.sum(np.tanh(x) * 2.0)


        def my_tanh(x):
            return x * x
        """)
    x = np.array([0.5, -1.0])
    g, j, h = s2sad.grad(m.f), s2sad.jvp(m.f), s2sad.hessian(m.f)
    np.testing.assert_allclose(g(x), 2.0 * (1.0 - np.tanh(x) ** 2))
    real = np.tanh
    try:
        np.tanh = m.my_tanh
        assert m.f(x) == pytest.approx(np.sum(x * x * 2.0))
        np.testing.assert_allclose(g(x), 4.0 * x)                 # of sum(2 x^2)
        np.testing.assert_allclose(s2sad.grad(m.f)(x), 4.0 * x)
        assert j(x, np.ones(2))[1] == pytest.approx(np.sum(4.0 * x))
        np.testing.assert_allclose(h(x), 4.0 * np.eye(2))
    finally:
        np.tanh = real
    np.testing.assert_allclose(g(x), 2.0 * (1.0 - np.tanh(x) ** 2))


def test_an_array_method_is_refused_while_its_numpy_function_is_replaced(load):
    m = load("patched_method_mod", """\
        def f(x):
            return x.sum() * 2.0


        def my_sum(x):
            return 0.0
        """)
    x = np.array([0.5, -1.0])
    g = s2sad.grad(m.f)
    np.testing.assert_allclose(g(x), [2.0, 2.0])
    real = np.sum
    try:
        np.sum = m.my_sum    # x.sum() still sums; generated code calling np.sum would not
        assert m.f(x) == pytest.approx(-1.0)
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="not numpy's own function"):
            g(x)
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="not numpy's own function"):
            s2sad.jvp(m.f)(x, x)
    finally:
        np.sum = real
    np.testing.assert_allclose(g(x), [2.0, 2.0])


def test_a_swapped_module_attribute_selects_the_rule_of_the_new_object(load):
    lib = load("swapped_lib", """\
        import numpy as np

        act = np.sin
        """)
    m = load("swapped_user", """\
        import swapped_lib


        def f(x):
            return swapped_lib.act(x) * 1.0
        """)
    g = s2sad.grad(m.f)
    assert g(0.3) == pytest.approx(np.cos(0.3))
    lib.act = np.exp
    assert g(0.3) == pytest.approx(np.exp(0.3))
    lib.act = np.sin
    assert s2sad.jvp(m.f)(0.3, 1.0)[1] == pytest.approx(np.cos(0.3))


# ------------------------------------------------------- the cache keeps nothing alive

CLOSURES = """\
    import numpy as np


    def make_loss(data):
        def loss(w):
            return np.sum((data @ w) ** 2)
        return loss
    """


@pytest.mark.parametrize("transform", [
    lambda f: s2sad.grad(f)(np.ones(3)),
    lambda f: s2sad.vjp(f)(np.ones(3))[1](1.0),
    lambda f: s2sad.jvp(f)(np.ones(3), np.ones(3)),
    lambda f: s2sad.hessian(f)(np.ones(3)),
    lambda f: s2sad.hvp(f)(np.ones(3), np.ones(3)),
], ids=["grad", "vjp", "jvp", "hessian", "hvp"])
def test_the_cache_does_not_keep_functions_or_their_data_alive(load, transform):
    m = load("closures_mod", CLOSURES)
    data = np.arange(300.0).reshape(100, 3)
    loss = m.make_loss(data)
    transform(loss)
    transform(loss)
    dead_function, dead_data = weakref.ref(loss), weakref.ref(data)
    del loss, data
    gc.collect()
    assert dead_function() is None
    assert dead_data() is None


def test_a_function_copied_or_pickled_after_grad_carries_no_generated_code(load):
    import copy
    import functools
    import pickle
    m = load("pickled_mod", CLOSURES)
    loss = m.make_loss(np.eye(3))
    g = s2sad.grad(loss)
    assert s2sad.grad(loss) is g                     # reused while the function lives
    np.testing.assert_allclose(g(np.ones(3)), 2.0 * np.ones(3))

    @functools.wraps(loss)
    def scaled(w):
        return loss(w) * 3.0
    # the wrapper got a copy of loss's __dict__: its gradient is its own
    np.testing.assert_allclose(s2sad.grad(scaled)(np.ones(3)), 6.0 * np.ones(3))
    table = vars(loss)["_s2sad_transforms"]
    assert pickle.loads(pickle.dumps(table)).table == {}
    assert copy.deepcopy(table).table == {}


def test_fresh_closures_reuse_the_generated_code_and_get_their_own_data(load, monkeypatch):
    m = load("closures_mod2", CLOSURES)
    calls = []
    generate = pipeline.generate

    def counting(*args, **kwargs):
        calls.append(args[0])
        return generate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "generate", counting)
    w = np.array([0.5, -1.0, 2.0])
    rng = np.random.default_rng(0)
    for _ in range(5):
        data = rng.normal(size=(4, 3))
        loss = m.make_loss(data)
        np.testing.assert_allclose(s2sad.grad(loss)(w), 2.0 * data.T @ (data @ w))
        np.testing.assert_allclose(s2sad.hessian(loss)(w), 2.0 * data.T @ data)
    assert len(calls) == 2   # once for the gradient, once for the second-order code
    forward_calls = []
    generate_forward = pipeline.generate_forward

    def counting_forward(*args, **kwargs):
        forward_calls.append(args[0])
        return generate_forward(*args, **kwargs)

    monkeypatch.setattr(pipeline, "generate_forward", counting_forward)
    for _ in range(3):
        data = rng.normal(size=(4, 3))
        value, tangent = s2sad.jvp(m.make_loss(data))(w, np.ones(3))
        assert tangent == pytest.approx(np.sum(2.0 * data.T @ (data @ w)))
    assert len(forward_calls) == 1


def test_fresh_closures_over_another_callable_regenerate(load):
    m = load("closures_mod3", """\
        import numpy as np


        def make(act):
            def f(x):
                return act(x) * 2.0
            return f
        """)
    assert s2sad.grad(m.make(np.sin))(0.3) == pytest.approx(2.0 * np.cos(0.3))
    assert s2sad.grad(m.make(np.exp))(0.3) == pytest.approx(2.0 * np.exp(0.3))
    assert s2sad.jvp(m.make(np.sin))(0.3, 1.0)[1] == pytest.approx(2.0 * np.cos(0.3))
    assert s2sad.jvp(m.make(np.exp))(0.3, 1.0)[1] == pytest.approx(2.0 * np.exp(0.3))


# ------------------------------------------------- bound methods and callable objects

def test_bound_methods_and_callable_objects_get_a_message_that_works(load):
    m = load("methods_mod", """\
        import numpy as np


        class Model:
            def loss(self, x):
                return np.sum(x * x) * 3.0

            def __call__(self, x):
                return np.sum(np.sin(x))
        """)
    model = m.Model()
    x = np.array([0.5, -1.0])
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(model.loss)
    assert "s2sad.grad(Model.loss, wrt=1)(obj, x)" in str(info.value)
    np.testing.assert_allclose(s2sad.grad(m.Model.loss, wrt=1)(model, x), 6.0 * x)
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.jvp(model)
    assert "s2sad.grad(Model.__call__, wrt=1)(obj, x)" in str(info.value)
    np.testing.assert_allclose(s2sad.grad(m.Model.__call__, wrt=1)(model, x), np.cos(x))


def softplus_for_rules(x):
    return np.log1p(np.exp(x))


def test_an_adjoint_rule_with_its_output_and_cotangent_swapped_is_refused():
    # (found by a stranger) the output and cotangent are bound by position: a rule
    # written (y_bar, y, x) received the output as its cotangent, a wrong gradient
    with pytest.raises(s2sad.RuleDefinitionError, match=r"it takes \(y_bar, y, x\)"):
        @s2sad.adjoint(softplus_for_rules)
        def swapped(y_bar, y, x):
            return y_bar * 100.0
    with pytest.raises(s2sad.RuleDefinitionError, match=r"it takes \(g, ans, x\)"):
        @s2sad.adjoint(softplus_for_rules)
        def autograd_style(g, ans, x):
            return g * 100.0


MODULE_LIST = []
MODULE_DICT = {}


def appends_to_a_module_list(x):
    MODULE_LIST.append(x * 2.0)
    return x * x


def writes_into_a_module_dict(x):
    MODULE_DICT["k"] = x
    return x * x


def test_changes_to_module_containers_are_refused_with_their_location():
    # (found by a stranger) the append crashed with UnboundLocalError, or was dropped
    # without a word (a timing decorator's TIMES.append): the module's list never grew
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(appends_to_a_module_list)(3.0)
    first = appends_to_a_module_list.__code__.co_firstlineno
    assert f"test_semantics_code.py:{first + 1}:5:" in str(info.value)
    assert "appending to 'MODULE_LIST', which is not a local name" in str(info.value)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"local = dict\(MODULE_DICT\)"):
        s2sad.grad(writes_into_a_module_dict)(3.0)
    assert MODULE_LIST == [] and MODULE_DICT == {}


class ModelReadingSelf:
    def __init__(self, W):
        self.W = W

    def loss(self, x):
        return np.sum(np.tanh(self.W @ x) ** 2)

    @classmethod
    def class_loss(cls, x):
        return np.sum(x * x)


def test_method_hints_lead_to_code_that_works():
    # (found by a stranger) the hint s2sad.grad(Model.loss, wrt=1)(obj, x) failed for
    # any method reading self.W, and a classmethod's spelling was still a bound method
    model = ModelReadingSelf(np.eye(2))
    x = np.array([0.3, 0.4])
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(model.loss)(x)
    assert "ModelReadingSelf.loss, wrt=1)(obj, x)" in info.value.hint
    # the spelling the hint gives: self.W read as a constant (objattr23)
    t = np.tanh(model.W @ x)
    np.testing.assert_allclose(s2sad.grad(ModelReadingSelf.loss, wrt=1)(model, x),
                               model.W.T @ (2 * t * (1 - t ** 2)))
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(ModelReadingSelf.class_loss)(x)
    assert "ModelReadingSelf.class_loss.__func__, wrt=1" in str(info.value)
    np.testing.assert_allclose(
        s2sad.grad(ModelReadingSelf.class_loss.__func__, wrt=1)(ModelReadingSelf, x), 2 * x)


def _decorate_doubling(fn):
    @functools.wraps(fn)
    def doubled(w):
        return 2.0 * fn(w)
    return doubled


def _make_decorated_loss(n):
    data = np.ones(n)

    @_decorate_doubling
    def loss(w):
        return np.sum(data * w)
    return loss, weakref.ref(data)


def test_a_decorated_function_and_its_data_are_freed():
    # (found by a stranger) the wrapped function and its closure data stayed in the
    # cache (as a guard, a callee, and the scope of its free names)
    for name, run in (("grad", lambda f: s2sad.grad(f)(np.ones(5))),
                      ("jvp", lambda f: s2sad.jvp(f)(np.ones(5), np.ones(5))[1])):
        loss, data = _make_decorated_loss(5)
        np.testing.assert_allclose(run(loss), 2.0 * np.ones(5) if name == "grad" else 10.0)
        del loss
        gc.collect()
        assert data() is None, name


def test_a_helper_imported_by_name_before_its_module_was_reloaded(load):
    """``from helpmod import act`` keeps the old ``act`` after ``helpmod`` is edited and
    reloaded: the refusal names the module holding it (mainmod) as the one to reload,
    not helpmod, which the user just reloaded."""
    helpmod = load("reloaded_helpmod", """\
        import numpy as np

        def act(z):
            return np.tanh(z)
        """)
    mainmod = load("reloading_mainmod", """\
        import numpy as np
        import reloaded_helpmod
        from reloaded_helpmod import act

        def loss(w):
            return np.sum(act(w) ** 2) + np.sum(reloaded_helpmod.act(w))
        """)
    w = np.array([0.3, -0.5])
    t = np.tanh(w)
    np.testing.assert_allclose(s2sad.grad(mainmod.loss)(w),
                               2.0 * t * (1.0 - t ** 2) + (1.0 - t ** 2))   # by hand
    write(load.path / "reloaded_helpmod.py", """\
        import numpy as np

        def act(z):
            return np.sin(z) * 2.0
        """)
    importlib.reload(helpmod)
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(mainmod.loss)(w)
    message = str(info.value)
    assert "reloading_mainmod still holds it" in message
    assert "from reloaded_helpmod import act" in message
    assert "hint: reload reloading_mainmod too (importlib.reload(reloading_mainmod)" in message
    importlib.reload(mainmod)   # what the hint says: now the new act is differentiated
    np.testing.assert_allclose(s2sad.grad(mainmod.loss)(w),   # by hand: 4 sin^2 w + 2 sin w
                               8.0 * np.sin(w) * np.cos(w) + 2.0 * np.cos(w))
