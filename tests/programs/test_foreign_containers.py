"""stranger13's wrong values and crashes (regression tests), every transform against
central differences of the function itself:

1. a list's or dict's method spelling on an object of another class (``deque(maxlen=2)
   .append``, a user's ``Ring.append``, ``Box.pop``, ``Counter.update``) ran as the
   list's method, silently wrong: refused, located, naming the class;
2. a loop over ``itertools.combinations/product/...`` called ``len()`` on the iterator;
3. a local ``defaultdict(float)`` / ``Counter()`` accumulator raised ``KeyError`` in
   forward mode (Counter in every mode);
4. ``sum(groups, [])`` raised an internal ValueError in reverse mode;
5. a 2-D array written at a block and at a row (``u[0, :] = u[1, :]``): the numba module
   failed at its first call (one tape list for a 2-D and a 1-D value)."""

import inspect
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import foreign_containers as fc
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

FIXTURE = Path(fc.__file__)
# the command line runs the s2sad under test (this checkout's), whatever is installed
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [str(Path(s2sad.__file__).resolve().parents[1])]
    + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
X3 = np.array([0.3, -0.9, 1.1])
X4 = np.array([0.3, -0.9, 1.1, 0.5])
POS = np.array([[0.0, 0.0, 0.0], [1.1, 0.0, 0.0], [0.0, 1.2, 0.1]])
U0 = np.ones((4, 4)) + np.eye(4) + 0.1 * np.arange(16.0).reshape(4, 4)


def _line(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _fd_hessian(f, x, h=1e-4):
    """The Hessian of the scalar ``f`` at ``x`` by central differences of ``f`` itself."""
    x = np.asarray(x, dtype=float)
    n = x.size
    H = np.zeros((n, n))
    eye = np.eye(n).reshape((n,) + x.shape)
    for i in range(n):
        for j in range(n):
            H[i, j] = (f(x + h * eye[i] + h * eye[j]) - f(x + h * eye[i] - h * eye[j])
                       - f(x - h * eye[i] + h * eye[j]) + f(x - h * eye[i] - h * eye[j])
                       ) / (4 * h * h)
    return H


def _every_transform(f, x):
    """(name, call) of every transform the README offers on a scalar f of one array."""
    v = np.linspace(0.5, 1.5, x.size).reshape(x.shape)
    return [("grad", lambda: s2sad.grad(f)(x)),
            ("value_and_grad", lambda: s2sad.value_and_grad(f)(x)),
            ("vjp", lambda: s2sad.vjp(f)(x)[1](1.0)),
            ("jvp", lambda: s2sad.jvp(f)(x, v)),
            ("hvp", lambda: s2sad.hvp(f)(x, v)),
            ("hessian", lambda: s2sad.hessian(f)(x)),
            ("jacobian", lambda: s2sad.jacobian(f)(x)),
            ("jacobian forward", lambda: s2sad.jacobian(f, mode="forward")(x))]


def _check_all(f, x, rtol=1e-5, atol=1e-6, hessian_tol=1e-4):
    """Every transform of ``f`` at ``x`` against central differences of ``f``."""
    check_grads(f, (x,), modes=("reverse", "forward"))
    fd = finite_difference_gradient(f, (x,))
    v = np.linspace(0.5, 1.5, x.size).reshape(x.shape)
    np.testing.assert_allclose(s2sad.grad(f)(x), fd, rtol=rtol, atol=atol)
    value, tangent = s2sad.jvp(f)(x, v)
    assert value == pytest.approx(f(x))
    assert tangent == pytest.approx(np.sum(fd * v), rel=rtol, abs=atol)
    np.testing.assert_allclose(s2sad.jacobian(f, mode="forward")(x), fd, rtol=rtol, atol=atol)
    np.testing.assert_allclose(s2sad.jacobian(f)(x), fd, rtol=rtol, atol=atol)
    H = _fd_hessian(f, x)
    np.testing.assert_allclose(np.reshape(s2sad.hessian(f)(x), H.shape), H,
                               rtol=hessian_tol, atol=hessian_tol)
    np.testing.assert_allclose(np.ravel(s2sad.hvp(f)(x, v)), H @ v.ravel(),
                               rtol=hessian_tol, atol=hessian_tol)


# ------------------------------------------------------------- 1. foreign methods
FOREIGN = [(fc.deque_window, "w.append(v)", "collections.deque", X3),
           (fc.deque_extend, "w.extend(", "collections.deque", X3),
           (fc.deque_factory, "w.append(v)", "collections.deque", X3),
           (fc.ring, "r.append(v)", "Ring", X3),
           (fc.box_pop, "b.pop()", "Box", X3),
           (fc.counter_update, "c.update(", "collections.Counter", X3)]


@pytest.mark.parametrize("f, text, cls, x", FOREIGN, ids=[f[0].__name__ for f in FOREIGN])
def test_a_list_method_spelling_on_another_class_is_refused_in_every_transform(f, text,
                                                                                cls, x):
    for name, call in _every_transform(f, x):
        with pytest.raises(UnsupportedSyntaxError) as info:
            call()
        message = str(info.value)
        assert f"{FIXTURE.name}:{_line(f, text)}:" in message, (name, message)
        assert cls in message and "hint:" in message, (name, message)


def test_the_deque_hint_is_a_spelling_that_works():
    with pytest.raises(UnsupportedSyntaxError, match=r"w = w\[-2:\]"):
        s2sad.grad(fc.deque_window)(X3)
    # the hint's spelling gives Python's numbers (value 0.49 at X3)
    assert fc.list_window(X3) == pytest.approx(fc.deque_window(X3))
    assert s2sad.value_and_grad(fc.list_window)(X3)[0] == pytest.approx(0.49)
    _check_all(fc.list_window, X3)


def test_the_cli_refuses_a_foreign_method(tmp_path):
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    proc = s2sad_command(["grad",
                           f"{FIXTURE.name}:deque_window", "-o", "out.py"], cwd=tmp_path,
                          capture_output=True, text=True, env=ENV)
    assert proc.returncode == 2, proc.stderr
    assert "collections.deque" in proc.stderr
    assert not (tmp_path / "out.py").exists()


# ------------------------------------------------------------- 2. itertools loops
def test_the_lennard_jones_pair_loop_over_combinations():
    _check_all(fc.pair_energy, POS)


def test_product_permutations_and_combinations_with_replacement():
    _check_all(fc.index_products, X3)


def test_combinations_of_differentiated_items_is_differentiated():
    # t = x0 x1 + x0 x2 + x1 x2 (the pairs itertools gives): by hand
    x = np.asarray(X3, dtype=float)
    expected = np.array([x[1] + x[2], x[0] + x[2], x[0] + x[1]])
    np.testing.assert_allclose(s2sad.grad(fc.active_pairs)(x.copy()), expected)
    check_grads(fc.active_pairs, (x.copy(),), modes=("reverse", "forward"))


def test_an_endless_iterator_is_refused_located():
    for name, call in _every_transform(fc.endless, X3):
        with pytest.raises(UnsupportedSyntaxError, match="never ends") as info:
            call()
        assert f":{_line(fc.endless, 'itertools.count')}:" in str(info.value), name


@pytest.mark.parametrize("mode, flavor", [("reverse", "value_and_grad"),
                                          ("forward", "jvp")])
def test_the_cli_module_of_the_pair_loop_runs(tmp_path, mode, flavor):
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    proc = s2sad_command(["grad",
                           f"{FIXTURE.name}:pair_energy", "--mode", mode, "-o", "out.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile((tmp_path / "out.py").read_text(), "out.py", "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
    fd = finite_difference_gradient(fc.pair_energy, (POS,))
    if mode == "reverse":
        value, g = namespace[f"pair_energy_{flavor}"](POS)
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7)
    else:
        t = np.linspace(-1.0, 1.0, POS.size).reshape(POS.shape)
        value, tangent = namespace[f"pair_energy_{flavor}"](POS, t)
        assert tangent == pytest.approx(np.sum(fd * t), rel=1e-5, abs=1e-7)
    assert value == pytest.approx(fc.pair_energy(POS))


def test_the_numba_target_refuses_the_pair_loop_at_generation(tmp_path):
    pytest.importorskip("numba")
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    proc = s2sad_command(["grad",
                           f"{FIXTURE.name}:pair_energy", "--target", "numba", "-o",
                           "out.py"], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert proc.returncode == 2, proc.stderr
    assert "itertools.combinations" in proc.stderr
    assert f"{FIXTURE.name}:{_line(fc.pair_energy, 'itertools.combinations')}:" \
        in proc.stderr
    with pytest.warns(s2sad.NumbaFallbackWarning):
        g = s2sad.grad(fc.pair_energy, backend="numba")(POS)
    np.testing.assert_allclose(g, finite_difference_gradient(fc.pair_energy, (POS,)),
                               rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------- 3. defaultdict, Counter
@pytest.mark.parametrize("f", [fc.defaultdict_sum, fc.defaultdict_keys,
                               fc.defaultdict_lambda, fc.counter_sum])
def test_defaultdict_and_counter_accumulators_in_every_transform(f):
    _check_all(f, X3)


def test_what_a_dict_would_do_differently_is_refused():
    import collections

    def with_list(x):
        d = collections.defaultdict(list)
        d["a"].append(x[0])
        return d["a"][0]

    def maybe_read(x):
        d = collections.defaultdict(float)
        d["s"] += x[0]
        t = x[1] > 0 and d["q"] > 0
        return d["s"] + t

    for f, text in [(with_list, "defaultdict(list)"), (maybe_read, 'd["q"]')]:
        with pytest.raises(UnsupportedSyntaxError) as info:
            s2sad.grad(f)(X3)
        assert f":{_line(f, text)}:" in str(info.value)


# ------------------------------------------------------------- 4. sum(groups, [])
@pytest.mark.parametrize("f", [fc.sum_of_lists, fc.sum_of_pairs, fc.sum_of_rows,
                               fc.sum_from_a_named_start])
def test_sum_with_a_list_or_tuple_start_concatenates(f):
    _check_all(f, X4)


# ------------------------------------------------------------- 5. numba row writes
def test_a_block_and_a_row_written_compile_in_numba(tmp_path):
    pytest.importorskip("numba")
    f = fc.heat2d
    fd = finite_difference_gradient(f, (U0, 0.1))
    v = np.linspace(0.5, 1.5, U0.size).reshape(U0.shape)
    H = _fd_hessian(lambda u: f(u, 0.1), U0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.grad(f, backend="numba")(U0, 0.1)
        hv = s2sad.hvp(f, backend="numba")(U0, 0.1, v)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.ravel(hv), H @ v.ravel(), rtol=1e-4, atol=1e-4)


@pytest.mark.long   # (two fresh processes compiling the written modules: about a minute)
def test_a_block_and_a_row_written_compile_in_numba_in_written_modules(tmp_path):
    pytest.importorskip("numba")
    f = fc.heat2d
    fd = finite_difference_gradient(f, (U0, 0.1))
    v = np.linspace(0.5, 1.5, U0.size).reshape(U0.shape)
    H = _fd_hessian(lambda u: f(u, 0.1), U0)
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    for flavor in ("value_and_grad", "hvp"):
        mode = "reverse" if flavor == "value_and_grad" else "forward"
        proc = s2sad_command(["grad",
                               f"{FIXTURE.name}:heat2d", "--wrt", "u0", "--mode", mode,
                               "--flavor", flavor, "--target", "numba", "-o",
                               f"heat_{flavor}.py"], cwd=tmp_path, capture_output=True,
                              text=True, env=ENV)
        assert proc.returncode == 0, proc.stderr
        run = subprocess.run([sys.executable, "-c",
                              f"import numpy as np, heat_{flavor} as m\n"
                              f"u0 = np.array({U0.tolist()})\n"
                              f"v = np.array({v.tolist()})\n"
                              f"out = m.heat2d_value_and_grad(u0, 0.1)[1] "
                              f"if '{flavor}' == 'value_and_grad' else "
                              f"m.heat2d_hvp(u0, 0.1, v)[1]\n"
                              f"print(repr(np.ravel(out).tolist()))"],
                             cwd=tmp_path, capture_output=True, text=True, env=ENV)
        assert run.returncode == 0, run.stderr
        out = np.array(eval(run.stdout.strip()))
        expected = fd.ravel() if flavor == "value_and_grad" else H @ v.ravel()
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
