"""Derivatives of derivatives for every rule of the op table (issue 15): each one-line
row function, summed with fixed weights into ``f``, is differentiated through its own
derivative in the four combinations of modes,

* ``rr``: reverse over reverse, ``grad`` of ``np.sum(U * grad(f)(x))``;
* ``rf``: reverse over forward, ``grad`` of ``jvp(f)(x, V)[1]``;
* ``ff``: forward over forward, ``jvp`` of the same;

(forward over reverse is ``test_second_order``'s hvp of every row)
and compared with central differences of the composed function's values.  This
exercises the adjoint and tangent rules of every runtime helper the rules' generated
code calls (reverse over reverse needs the adjoints of the reverse helpers, reverse
over forward those of the forward helpers).
"""

import importlib.util
import zlib

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient

import test_ops as T
from test_second_order import ROWS, _float_positions, _one_line

COMBINATIONS = ("rr", "rf", "ff")
#: the rows of the runtime helpers (``rt.*``) are derivatives already: their derivative's
#: derivative is a third or fourth one, some refused by design; test_second_order checks them
CASES = [pytest.param(r, r.cases[min(1, len(r.cases) - 1)], id=r.op) for r in ROWS
         if not r.op.startswith("rt.")]


def _composed(tmp_path, row_, case, args, i):
    expr, params = _one_line(row_.fn)
    out = row_.fn(*args)
    rng = np.random.default_rng(zlib.crc32(row_.op.encode()))
    weights = np.round(rng.uniform(0.5, 1.5, np.shape(out)), 3)
    name = f"composed_{zlib.crc32(f'{row_.op}-{case.label}-{i}'.encode())}"
    listed = ", ".join(params)
    source = (f"import numpy as np\nimport s2sad\nfrom {row_.fn.__module__} import *\n\n"
              f"WEIGHTS = np.array({weights.tolist()!r})\n\n\n"
              f"def f({listed}):\n    return np.sum(WEIGHTS * ({expr}))\n\n\n"
              f"f_grad = s2sad.grad(f, wrt={i})\nf_jvp = s2sad.jvp(f, wrt={i})\n\n\n"
              f"def through_reverse({listed}, weights_u):\n"
              f"    return np.sum(weights_u * f_grad({listed}))\n\n\n"
              f"def through_forward({listed}, weights_u):\n"
              f"    return f_jvp({listed}, weights_u)[1]\n")
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(func, args, i, mode, what):
    direction = np.random.default_rng(i + 11).standard_normal(np.shape(args[i]))
    direction = direction if np.ndim(args[i]) else float(direction)
    expected = finite_difference_gradient(func, args, i)
    if mode == "r":
        np.testing.assert_allclose(s2sad.grad(func, wrt=i)(*args), expected,
                                   rtol=2e-4, atol=2e-6, err_msg=what)
    else:
        _, slope = s2sad.jvp(func, wrt=i)(*args, direction)
        np.testing.assert_allclose(slope, np.sum(np.asarray(expected) * direction),
                                   rtol=2e-4, atol=2e-6, err_msg=what)


#: compositions refused with an s2sad error (checked to be refused, not left out), each
#: with the reason: the adjoint of svd's tangent (svd_tangent) is not computed, and the
#: reverse-mode second derivative of its singular values alone is not (forward over
#: forward is: svd_tangent's tangent rule, svd_tangent_dot)
_SVD_FORWARD = "the adjoint of svd's tangent helper (svd_tangent) is not computed"
REFUSED = {
    "linalg.svd-values": {"rr": "the singular values' second derivative in reverse mode",
                          "rf": _SVD_FORWARD},
    **{op: {"rf": _SVD_FORWARD}
       for op in ("linalg.svd-values-full", "linalg.svd-U", "linalg.svd-Vh",
                  "linalg.svd-square-full")},
}


@pytest.mark.parametrize("row_, case", CASES)
def test_every_rule_through_its_own_derivative(tmp_path, row_, case):
    args = T.sample(row_, case)
    for i in _float_positions(args):
        module = _composed(tmp_path, row_, case, args, i)
        u = np.random.default_rng(i + 5).standard_normal(np.shape(args[i]))
        u = u if np.ndim(args[i]) else float(u)
        extended = tuple(args) + (u,)
        for outer, inner in COMBINATIONS:
            func = module.through_reverse if inner == "r" else module.through_forward
            what = f"{row_.op}-{case.label}, argument {i}, {outer}{inner}"
            if outer + inner in REFUSED.get(row_.op, {}):
                with pytest.raises(s2sad.S2sadError):
                    _check(func, extended, i, outer, what)
                continue
            _check(func, extended, i, outer, what)
