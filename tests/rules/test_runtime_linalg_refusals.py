"""The derivatives of the norm helpers that s2sad does not compute are refused at run
time, in both modes, with an s2sad error (issue 15): the norm's fourth derivative, the
third of norms other than the 2-norm, Frobenius and piecewise linear ones.  Where they
are zero (a zero direction, a piecewise linear norm) they are not refused."""

import numpy as np
import pytest

import s2sad
from s2sad.runtime.scans import NotDifferentiableError

SOURCE = """
    import numpy as np
    from s2sad.runtime import norm_hvp, norm_third

    def third(x, v, u):
        return np.sum(norm_third(x, v, u, None, None, False, "norm"))

    def third_p(v, u):
        return np.sum(norm_third(np.arange(1.0, 5.0), v, u, 3, None, False, "norm"))

    def third_inf(x, v, u):
        return np.sum(norm_third(x, v, u, np.inf, None, False, "norm"))

    def hvp_3(x, v):
        return np.sum(norm_hvp(x, v, 3, None, False, "norm"))
    """

X, V, U = np.array([0.5, -1.0, 2.0, 0.3]), np.array([1.0, 0.2, -0.4, 0.7]), np.ones(4)


def test_the_fourth_derivative_of_the_norm_is_refused_in_both_modes(load):
    module = load("norm_fourth", SOURCE)
    with pytest.raises(NotDifferentiableError, match="beyond the third"):
        s2sad.grad(module.third)(X, V, U)
    with pytest.raises(NotDifferentiableError, match="beyond the third"):
        s2sad.jvp(module.third, wrt=0)(X, V, U, V)
    # (no refusal where x is not differentiated)
    grads = s2sad.grad(module.third, wrt=(1, 2))(X, V, U)
    assert np.all(np.isfinite(grads[0])) and np.all(np.isfinite(grads[1]))


def test_the_third_derivative_of_a_p_norm_is_refused(load):
    module = load("norm_third_p", SOURCE)
    with pytest.raises(NotDifferentiableError, match=r"third derivative of the vector norm ord=3"):
        module.third_p(V, U)
    with pytest.raises(NotDifferentiableError, match=r"third derivative of the vector norm ord=3"):
        s2sad.grad(module.hvp_3)(X, V)


def test_the_derivatives_of_a_piecewise_linear_norm_beyond_the_first_are_zero(load):
    module = load("norm_third_inf", SOURCE)
    grads = s2sad.grad(module.third_inf, wrt=(0, 1, 2))(X, V, U)
    for grad in grads:
        np.testing.assert_array_equal(grad, np.zeros(4))


def test_the_scipy_special_helpers_import_after_the_rules_are_loaded():
    """Importing s2sad.scipy_special_runtime (as a user or a fixture does) once the rules
    are loaded and scipy.special imported: declaring its helpers' facts loaded the
    scipy.special rule module, which imports it half-initialized (an ImportError)."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    code = ("import scipy.special\n"
            "from s2sad.rules.loading import load_builtin_rules\n"
            "load_builtin_rules()\n"
            "import s2sad.scipy_special_runtime\n"
            "import s2sad\n"
            "from s2sad.rules import registry\n"
            "assert registry.lookup(s2sad.scipy_special_runtime.lse_keep).adjoint\n")
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=root))
    assert done.returncode == 0, done.stderr


MULTI_DOT = """
    import numpy as np
    from s2sad.runtime import multi_dot_bar, multi_dot_dot

    def bar(g, a, b, c):
        return multi_dot_bar(g, [a, b, c])

    def dot(a, b, c, u, v, w):
        return multi_dot_dot([a, b, c], [u, v, w])

    def bar_total(g, a, b, c):
        return np.sum(multi_dot_bar(g, [a, b, c])[1])
    """


def test_the_multi_dot_helpers_in_the_chain_match_finite_differences(load):
    """Their derivatives in the matrices of the chain (multi_dot's second derivative);
    the op table's rows hold the chain (second order there would be the third)."""
    from s2sad.testing import check_grads
    module = load("multi_dot_chain", MULTI_DOT)
    rng = np.random.default_rng(3)
    mats = [rng.standard_normal(s) for s in ((3, 4), (4, 4), (4, 2))]
    check_grads(module.bar, (rng.standard_normal((3, 2)), *mats), modes=("reverse", "forward"))
    check_grads(module.dot, (*mats, *[rng.standard_normal(m.shape) for m in mats]),
                modes=("reverse", "forward"))


def test_the_third_derivative_of_multi_dot_is_refused(load):
    module = load("multi_dot_third", MULTI_DOT)
    rng = np.random.default_rng(4)
    args = [rng.standard_normal((2, 2)) for _ in range(4)]
    with pytest.raises(NotDifferentiableError, match="beyond the second"):
        s2sad.hvp(module.bar_total, wrt=1)(*args, np.ones((2, 2)))


def test_svd_reduce_and_svd_expand_are_transposes_for_every_option():
    """<reduce(t), z> == <t, expand(z)> (the op table checks compute_uv=True through s2sad;
    compute_uv=False, where S's cotangent stands alone, is checked here by hand)."""
    from s2sad.runtime import svd_expand, svd_reduce
    rng = np.random.default_rng(5)
    for shape in ((4, 3), (3, 4), (3, 3)):
        a = np.zeros(shape)
        m, n = shape
        k = min(shape)
        for full in (True, False):
            cols, rows = (m, n) if full else (k, k)
            t = (rng.standard_normal((m, cols)), rng.standard_normal(k),
                 rng.standard_normal((rows, n)))
            z = (rng.standard_normal((m, k)), rng.standard_normal(k),
                 rng.standard_normal((k, n)))
            left = sum(np.sum(x * y) for x, y in zip(svd_reduce(t, a, full, True), z))
            right = sum(np.sum(x * y) for x, y in zip(t, svd_expand(z, a, full, True)))
            assert np.isclose(left, right)
            s = rng.standard_normal(k)
            left = sum(np.sum(x * y) for x, y in zip(svd_reduce(s, a, full, False), z))
            assert np.isclose(left, np.sum(s * svd_expand(z, a, full, False)))


def test_reverse_over_reverse_of_singular_values_alone_is_refused(load):
    """np.linalg.svd(a, compute_uv=False) recomputes the factors in its adjoint: their
    derivative there (svd's second derivative in reverse mode) is refused."""
    first = load("svd_values_first", """
        import numpy as np

        def values(a):
            return np.sum(np.linalg.svd(a, compute_uv=False) ** 3)
        """)
    lines = [line for line in s2sad.grad(first.values).source.splitlines()
             if not line.strip().startswith("ensure_scalar_output(")]
    text = "\n".join(lines).replace("def values_value_and_grad(", "def gradient(")
    second = load("svd_values_second", text + "\n\n\ndef outer(a):\n"
                  "    return np.sum(gradient(a)[1] ** 2)\n")
    a = np.random.default_rng(6).standard_normal((4, 3))
    with pytest.raises(NotDifferentiableError, match="compute_uv=False"):
        s2sad.grad(second.outer)(a)
    # (forward over reverse is differentiated: the hvp of the values)
    assert np.all(np.isfinite(s2sad.hvp(first.values)(a, np.ones((4, 3)))))
