"""Second order for every rule of the op table: Hessian-vector products (forward mode
over the generated reverse code) against central differences of the gradient.

Each op function in ``op_functions.py`` is a one-line ``return <expression>``.  For
each row a module is written where that expression is summed with fixed weights,
``np.sum(WEIGHTS * (<expression>))``, so every output element's second derivative
counts.  One case per row keeps the run short.
"""

import ast
import importlib.util
import inspect
import textwrap
import zlib

import numpy as np
import pytest

import s2sad

import test_ops as T

#: rules whose second derivative is zero or undefined almost everywhere are still
#: checked (the Hessian must be zero); rows whose outputs are not numbers are left out
SKIP = {"shape", "len", "zeros_like", "ones_like"}


def _one_line(fn):
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0].body
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    return ast.unparse(body[0].value), [a.arg for a in tree.body[0].args.args]


def _scalarized(tmp_path, row_, case, args):
    expr, params = _one_line(row_.fn)
    out = row_.fn(*args)
    rng = np.random.default_rng(zlib.crc32(row_.op.encode()))
    weights = np.round(rng.uniform(0.5, 1.5, np.shape(out)), 3)
    name = f"second_{zlib.crc32(f'{row_.op}-{case.label}'.encode())}"
    source = (f"import numpy as np\nfrom {row_.fn.__module__} import *\n\n"
              f"WEIGHTS = np.array({weights.tolist()!r})\n\n\n"
              f"def f({', '.join(params)}):\n    return np.sum(WEIGHTS * ({expr}))\n")
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def _float_positions(args):
    return [i for i, a in enumerate(args)
            if np.asarray(a).dtype.kind == "f" and not isinstance(a, bool)]


ROWS = [r for r in T.ROWS if r.op not in SKIP and _one_line(r.fn) is not None]
CASES = [pytest.param(r, r.cases[min(1, len(r.cases) - 1)], id=r.op) for r in ROWS]


@pytest.mark.parametrize("row_, case", CASES)
def test_hessian_vector_product_matches_differences_of_the_gradient(tmp_path, row_, case):
    args = T.sample(row_, case)
    f = _scalarized(tmp_path, row_, case, args)
    for i in _float_positions(args):
        rng = np.random.default_rng(i + 7)
        v = rng.standard_normal(np.shape(args[i]))
        v = v if np.ndim(args[i]) else float(v)
        grad_i = s2sad.grad(f, wrt=i)
        hv = s2sad.hvp(f, wrt=i)(*args, v)
        # directional derivative of the (FD-checked) reverse gradient along v
        eps = 1e-6
        hi, lo = list(args), list(args)
        hi[i] = np.asarray(args[i]) + eps * np.asarray(v)
        lo[i] = np.asarray(args[i]) - eps * np.asarray(v)
        if not np.ndim(args[i]):
            hi[i], lo[i] = float(hi[i]), float(lo[i])
        expected = (np.asarray(grad_i(*hi)) - np.asarray(grad_i(*lo))) / (2 * eps)
        np.testing.assert_allclose(hv, expected, rtol=2e-4, atol=2e-6,
                                   err_msg=f"{row_.op}-{case.label}, argument {i}")


#: rules whose rows cannot be one-line expressions, each with the reason
NOT_ONE_LINE = {}


def test_every_rule_is_checked_to_second_order():
    """Every rule of the op table is exercised by a row checked here (its function is
    one ``return <expression>``), or listed in NOT_ONE_LINE with the reason."""
    served = T._op_rules()
    used, _ = T.covered_rules(ROWS, served)
    missing = sorted(served[key][0].fn.__name__ for key in set(served) - used)
    assert [name for name in missing if name not in NOT_ONE_LINE] == []
    assert len(CASES) >= 100
