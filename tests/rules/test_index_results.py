"""Integer- and bool-valued functions (positions, index tuples, masks, counts, a rank) and
piecewise constant ones on differentiated arrays: constants in every mode.  Reverse mode
never needed them (an index carries no adjoint), but forward mode, hvp and hessian refused
np.diag_indices_from, np.argpartition, np.lexsort, np.nanargmax... for want of a tangent
rule.  Each is checked against central finite differences in both modes and to second
order; the table itself is checked for the class: every rule of s2sad's has both modes,
and every public numpy function returning integers or bools of a float array is declared."""

import math
import warnings

import numpy as np
import pytest

import s2sad
from s2sad.rules import registry
from s2sad.rules.loading import load_builtin_rules
from s2sad.testing import check_grads

import index_results as F

M = np.array([[1.3, -2.1, 0.5], [0.3, -0.7, 2.2], [-1.1, 0.9, 0.45]])


def _fd_grad(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        rows.append(((_fd_grad(f, up) - _fd_grad(f, down)) / (2 * h)).ravel())
    return np.array(rows)


@pytest.mark.parametrize("func", F.FUNCS, ids=lambda f: f.__name__)
def test_index_results_are_constants_in_every_mode(func):
    check_grads(func, (M.copy(),), modes=("reverse", "forward"))
    hess = np.asarray(s2sad.hessian(func)(M.copy())).reshape(9, 9)
    np.testing.assert_allclose(hess, _fd_hessian(func, M), atol=2e-4)
    direction = np.cos(np.arange(9.0)).reshape(3, 3)
    hvp = s2sad.hvp(func)(M.copy(), direction)
    np.testing.assert_allclose(np.ravel(hvp), hess @ direction.ravel(), atol=1e-8)


def test_the_diagonal_shift_by_hand():
    """The brief's program: d/dM sum((M M^T + I)^2) = 4 (M M^T + I) M."""
    S = M @ M.T + np.eye(3)
    np.testing.assert_allclose(s2sad.grad(F.diagonal_shifted)(M.copy()), 4.0 * S @ M)
    _, dot = s2sad.jvp(F.diagonal_shifted)(M.copy(), np.ones_like(M))
    np.testing.assert_allclose(dot, np.sum(4.0 * S @ M))


def _own_rules():
    load_builtin_rules()
    registry.lookup(object())   # (the rules of the optional libraries imported)
    for rule in list(registry._RULES.values()):
        template = rule.adjoint or rule.tangent
        if template is not None and template.fn.__module__.startswith("s2sad."):
            yield rule


def test_every_rule_has_both_modes():
    """A rule replaces the function's source in both modes: one with an adjoint and no
    tangent (or the other way round) refuses the other mode (forward mode, hvp, hessian;
    or grad), which no rule of s2sad's may do."""
    pytest.importorskip("scipy")   # (scipy's rules load with it: checked with them)
    one_mode = sorted(rule.label for rule in _own_rules()
                      if (rule.adjoint is None) != (rule.tangent is None))
    assert one_mode == []


#: what the probe below does not call (files, the terminal, settings, the test runner)
_NOT_CALLED = frozenset((
    "test", "show_config", "show_runtime", "info", "save", "savez", "savez_compressed",
    "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "fromregex", "setbufsize",
    "seterr", "seterrcall", "set_printoptions", "printoptions", "get_include", "copyto",
    "place", "put", "putmask", "put_along_axis", "fill_diagonal", "nested_iters"))


def _integer_valued(f):
    """Does ``f`` of a float matrix (or of a vector, or of two matrices, or of a matrix and
    an integer: the first call numpy accepts) return integers or bools only?"""
    x = M.copy()
    for args in ((x,), (x, 1), (x[0],), (x, x), (x[0], x[0])):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = f(*args)
        except Exception:
            continue
        parts = result if isinstance(result, tuple) else (result,)
        try:
            kinds = [np.asarray(p).dtype.kind for p in parts]
        except Exception:
            return False
        return bool(parts) and all(k in "biu" for k in kinds)
    return False


def _modules():
    yield np
    yield np.linalg
    yield math
    try:
        import scipy.linalg
    except ImportError:
        return
    yield scipy.linalg


@pytest.mark.parametrize("module", list(_modules()), ids=lambda m: m.__name__)
def test_integer_valued_functions_are_declared(module):
    """Every public function of ``module`` returning only integers or bools of float
    arguments is declared without a derivative (or has a rule): not declared, forward
    mode refuses it wherever its argument carries a tangent."""
    load_builtin_rules()
    missing = []
    for name in sorted(dir(module)):
        f = getattr(module, name)
        if name.startswith("_") or name in _NOT_CALLED or not callable(f) \
                or isinstance(f, type):
            continue
        rule = registry.lookup(f)
        if rule is not None and (rule.nondifferentiable or rule.adjoint or rule.tangent):
            continue
        if _integer_valued(f):
            missing.append(name)
    assert missing == []
