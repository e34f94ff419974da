"""``s2sad grad FILE.py:NAME`` where NAME is a module-level ``functools.partial``: the
written module calls the partial's function with the values the partial holds, read
from the partial (a global of the user's module) when the module runs.  It used to
exit 2 saying s2sad "cannot call" such a partial, without a line.  References: central
finite differences of the partial itself, and derivatives by hand."""

import functools
import importlib
import inspect
import os
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools
    import numpy as np

    W = np.array([[2.0, 0.5], [0.5, 1.0]])


    def quad(x, A, b):
        return 0.5 * x @ A @ x - b @ x


    def scaled(x, s=1.0):
        return s * np.sum(x ** 2)


    def model(c, x, w, s=1.5, k=W):
        return c * s * np.sum(np.sin(k @ x) * w)


    def with_defaults(x, m=np.array([1.0, 3.0]), *, n=np.array([2.0, 0.5])):
        return np.sum(np.sin(x) * m * n)


    def made():
        def inner(x, a):
            return a * np.sum(x ** 3)
        return functools.partial(inner, a=2.0)


    def takes_rest(x, *rest):
        return np.sum(x) * len(rest)


    obj = functools.partial(quad, A=np.eye(2), b=np.ones(2))
    obj2 = functools.partial(scaled, s=3.0)
    pos = functools.partial(model, 2.0)
    posw = functools.partial(model, 2.0, np.array([0.3, -0.4]))
    kw = functools.partial(model, s=0.5)
    defaults = functools.partial(with_defaults)
    nested = made()
    of_lambda = functools.partial(lambda x, a: a * np.sum(np.cos(x)), a=3.0)
    rest = functools.partial(takes_rest, 2.0)
    """

X = np.array([0.7, -1.3])
WV = np.array([0.2, 0.9])
#: (partial, wrt, mode, flavor, the arguments of the written function)
CASES = [
    ("obj", "x", "reverse", "value_and_grad", (X,)),
    ("obj2", "x", "reverse", "value_and_grad", (X,)),
    ("obj2", "x", "reverse", "vjp", (X,)),
    ("obj", "x", "forward", "jvp", (X,)),
    ("obj2", "x", "forward", "hvp", (X,)),
    ("pos", "x,w", "reverse", "value_and_grad", (X, WV)),
    ("pos", "s", "forward", "jvp", (X, WV, 1.5, np.array([[2.0, 0.5], [0.5, 1.0]]))),
    ("posw", "0", "reverse", "vjp", (X,)),
    ("kw", "x", "reverse", "value_and_grad", (0.5, X, WV)),
    ("kw", "c,w", "reverse", "vjp", (0.5, X, WV)),
    ("kw", "x", "forward", "hvp", (0.5, X, WV, np.array([[2.0, 0.5], [0.5, 1.0]]))),
    ("defaults", "x,m,n", "reverse", "value_and_grad", (X,)),
    ("nested", "x", "reverse", "value_and_grad", (X,)),
    ("of_lambda", "x", "forward", "jvp", (X,)),
]


def _name(case):
    return f"partial_{case[0]}_{case[1].replace(',', '_')}_{case[3]}"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_partials")
    (root / "partials_src.py").write_text(textwrap.dedent(SOURCE))
    for case in CASES:
        name, wrt, mode, flavor, _ = case
        proc = s2sad_command(["grad",
                               f"partials_src.py:{name}", "--wrt", wrt, "--mode", mode,
                               "--flavor", flavor, "-o", f"{_name(case)}.py"],
                              cwd=root, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(root))
    try:
        yield root, importlib.import_module("partials_src")
    finally:
        sys.path.remove(str(root))
        for key in [k for k in sys.modules if k.startswith("partial")]:
            del sys.modules[key]


def _wrt_positions(func, wrt):
    names = list(inspect.signature(func).parameters)
    return [int(w) if w.isdigit() else names.index(w) for w in wrt.split(",")]


def _full_arguments(source, name, args):
    """The written function's arguments, with the defaults the partial leaves filled in
    (``defaults``: ``m`` and ``n`` as the function has them)."""
    if name == "defaults":
        return (*args, np.array([1.0, 3.0]), np.array([2.0, 0.5]))
    return args


def _callable(source, name):
    """The partial, taking the written function's parameters by position."""
    partial = getattr(source, name)
    if name == "defaults":
        return lambda x, m, n: partial(x, m, n=n)
    if name == "kw":
        return lambda c, x, w, k=None: partial(c, x, w) if k is None else partial(c, x, w, k=k)
    return partial


def _reference(source, name, args, positions):
    """Central finite differences of the partial called as the written module is."""
    call = _callable(source, name)
    full = _full_arguments(source, name, args)
    return [finite_difference_gradient(call, full, argnum=p) for p in positions]


def _forward_call(fn, full, tangents):
    """The written jvp or hvp ``fn`` called as the function is: its keyword-only
    parameters by name, the tangents (``*_dot``, keyword-only after a default) by name."""
    params = list(inspect.signature(fn).parameters.values())
    dots = [p.name for p in params if p.name.endswith("_dot")]
    kwargs = dict(zip(dots, tangents))
    given = [p for p in params if p.name not in kwargs]
    positional = [v for p, v in zip(given, full) if p.kind != p.KEYWORD_ONLY]
    kwargs.update({p.name: v for p, v in zip(given, full) if p.kind == p.KEYWORD_ONLY})
    return fn(*positional, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_a_partial_s_written_module_gives_the_finite_differences(written, case):
    root, source = written
    name, wrt, mode, flavor, args = case
    module = importlib.import_module(_name(case))
    positions = _wrt_positions(getattr(module, f"{name}_{flavor}"), wrt)
    full = _full_arguments(source, name, args)
    expected = _reference(source, name, args, positions)
    value = _callable(source, name)(*full)
    fn = getattr(module, f"{name}_{flavor}")
    if flavor == "value_and_grad":   # (the defaults the partial leaves: the function's)
        got_value, grads = fn(*args)
        grads = grads if len(positions) > 1 else (grads,)
    elif flavor == "vjp":
        got_value, pullback = fn(*args)
        grads = pullback(1.0)
        grads = grads if len(positions) > 1 else (grads,)
    elif flavor == "jvp":
        directions = [np.ones_like(np.asarray(full[p], dtype=float)) for p in positions]
        got_value, tangent = _forward_call(fn, full,
                                           [d if np.ndim(d) else 1.0 for d in directions])
        assert tangent == pytest.approx(sum(np.sum(e * d) for e, d in zip(expected, directions)))
        grads = None
    else:   # hvp: the gradient, and the Hessian times a direction against FD of the gradient
        direction = np.array([1.0, -2.0])
        (got_value, grad), product = _forward_call(fn, full, [direction])
        np.testing.assert_allclose(grad, expected[0], rtol=1e-6, atol=1e-8)
        p = positions[0]

        def gradient_along(t):
            moved = list(full)
            moved[p] = full[p] + t * direction
            return finite_difference_gradient(_callable(source, name), tuple(moved), argnum=p)
        by_hand = (gradient_along(1e-4) - gradient_along(-1e-4)) / 2e-4
        np.testing.assert_allclose(product, by_hand, rtol=1e-4, atol=1e-6)
        grads = None
    assert got_value == pytest.approx(value)
    for got, want in zip(grads or (), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_the_module_reads_the_values_the_partial_holds_when_it_runs(written):
    """A frozen array changed in place, a frozen keyword set anew: the module follows."""
    root, source = written
    module = importlib.import_module(_name(CASES[0]))   # obj: 0.5 x A x - b x
    saved = dict(source.obj.keywords)
    try:
        source.obj.keywords["A"][:] = [[3.0, 1.0], [1.0, 2.0]]
        source.obj.keywords["b"] = np.array([0.5, -2.0])
        _, grad = module.obj_value_and_grad(X)
        A, b = source.obj.keywords["A"], source.obj.keywords["b"]
        np.testing.assert_allclose(grad, 0.5 * (A + A.T) @ X - b)   # by hand
    finally:
        source.obj.keywords.clear()
        source.obj.keywords.update(saved)
        saved["A"][:] = np.eye(2)


def test_check_keeps_a_partial_s_modules_up_to_date(written):
    root, _ = written
    proc = s2sad_command(["check", "."], cwd=root,
                          capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(CASES)} up to date" in proc.stdout + proc.stderr


def test_a_frozen_value_named_by_wrt_is_refused_with_what_to_do(written):
    root, _ = written
    proc = s2sad_command(["grad", "partials_src.py:kw",
                           "--wrt", "s"], cwd=root, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 2
    line = SOURCE.splitlines().index("    kw = functools.partial(model, s=0.5)") + 1
    assert f"partials_src.py:{line}:1" in proc.stderr
    assert "s is a value the partial kw holds" in proc.stderr
    assert "kw = functools.partial(model, s=0.5)" in proc.stderr


def test_a_partial_of_a_function_taking_star_args_is_refused_at_its_line(written):
    root, _ = written
    proc = s2sad_command(["grad", "partials_src.py:rest"],
                          cwd=root, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 2
    line = SOURCE.splitlines().index("    rest = functools.partial(takes_rest, 2.0)") + 1
    assert f"partials_src.py:{line}:1: error: rest is a functools.partial of takes_rest, " \
           f"which takes *rest" in proc.stderr
    assert "cannot call so" not in proc.stderr


def test_the_issue_s_example_as_written(tmp_path):
    (tmp_path / "part.py").write_text(
        "import functools, numpy as np\n"
        "def quad(x, A, b): return 0.5 * x @ A @ x - b @ x\n"
        "def scaled(x, s=1.0): return s * np.sum(x ** 2)\n"
        "obj  = functools.partial(quad, A=np.eye(2), b=np.ones(2))\n"
        "obj2 = functools.partial(scaled, s=3.0)\n")
    for name in ("obj", "obj2"):
        proc = s2sad_command(["grad", f"part.py:{name}",
                               "-o", f"part_{name}.py"], cwd=tmp_path, capture_output=True,
                              text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        written_obj = importlib.import_module("part_obj")
        written_obj2 = importlib.import_module("part_obj2")
        np.testing.assert_allclose(written_obj.obj_value_and_grad(X)[1], X - 1.0)
        np.testing.assert_allclose(written_obj2.obj2_value_and_grad(X)[1], 6.0 * X)
    finally:
        sys.path.remove(str(tmp_path))
        for key in ("part", "part_obj", "part_obj2"):
            sys.modules.pop(key, None)
