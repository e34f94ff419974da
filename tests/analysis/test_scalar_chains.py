"""Which names are single numbers (``analysis.shapes.known_scalars``) is found in work
linear in the function, however long its chains of arithmetic on numbers.

No timing: the work is counted as the expressions ``_is_number`` is asked about.  The
analysis went over every undecided definition once per link of the longest chain
(``s1 = s0 * 0.5 + 1.0; s2 = s1 * 0.5 + 1.0; ...``), quadratic in the chain's length:
800 such statements took 2.5 million questions.  The gradient is checked by hand.
"""

import numpy as np
import pytest

import s2sad
from s2sad.analysis import shapes
from s2sad.api.core import CACHE


def scalar_chain(n, first="np.sum(x)"):
    """``chain(x)``: ``first`` (a sum of ``x``) through ``n - 1`` steps
    ``s = s * 0.5 + 1.0``, times the sum again."""
    lines = ["import numpy as np", "", "", "def chain(x):", f"    s0 = {first}"]
    lines += [f"    s{i} = s{i - 1} * 0.5 + 1.0" for i in range(1, n)]
    lines.append(f"    return s{n - 1} * np.sum(x)")
    return "\n".join(lines) + "\n"


def by_hand(x, n):
    """d/dx of (0.5**(n-1) S + c) S, S = sum(x), c = 2 (1 - 0.5**(n-1))."""
    a = 0.5 ** (n - 1)
    return np.full_like(x, 2.0 * a * np.sum(x) + 2.0 * (1.0 - a))


def questions(monkeypatch, run):
    count = [0]
    real = shapes._is_number

    def counted(*args):
        count[0] += 1
        return real(*args)

    with monkeypatch.context() as patch:
        patch.setattr(shapes, "_is_number", counted)
        CACHE.clear()
        run()
    return count[0]


MODES = {
    "grad": lambda f, x: s2sad.grad(f)(x),
    "jvp": lambda f, x: s2sad.jvp(f)(x, np.ones_like(x)),
}


#: the first link of each mode's chain: forward mode's narrower set of numbers grows from
#: counts and sizes only (a chain from a sum has none to grow from, and is not swept)
FIRST = {"grad": "np.sum(x)", "jvp": "len(x) * 1.0"}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_known_scalars_grow_linearly_with_a_chain(load, monkeypatch, mode):
    x = np.array([0.5, -1.0, 2.0])
    work = {}
    for n in (50, 200):
        f = load(f"scalar_chain_{mode}_{n}", scalar_chain(n, FIRST[mode])).chain
        work[n] = questions(monkeypatch, lambda: MODES[mode](f, x))
    assert work[50] > 50   # the counter sees the analysis at work
    assert work[200] < 6 * work[50], work   # linear: about 4x (it was about 16x)


def test_the_gradient_of_a_long_chain_is_right(load):
    x, n = np.array([0.5, -1.0, 2.0]), 120
    f = load("scalar_chain_gradient", scalar_chain(n)).chain
    np.testing.assert_allclose(s2sad.grad(f)(x), by_hand(x, n), rtol=1e-12)
    v = np.array([1.0, 0.5, -2.0])
    _, tangent = s2sad.jvp(f)(x, v)
    np.testing.assert_allclose(tangent, by_hand(x, n) @ v, rtol=1e-12)


CHAINS = {
    "arrays": "    v = np.sin(x) * x\n    w = np.tanh(v + 0.5 * x)\n    return np.sum(w)\n",
    "count": "    n = len(x) * 1.0\n    s = n * 0.5 + 1.0\n    return s * np.sum(x)\n",
    "size": "    k = x.size\n    t = k * 2\n    return np.sum(x) * t\n",
    "shape": "    m = x.shape\n    r = m[0] + 1\n    return np.sum(x) * r\n",
    "literals": "    c = 2.0 * 3.0\n    return np.sum(x) * c\n",
    "loop": "    s = 0.0\n    for i in range(3):\n        s = s + x[i] * i\n    return s\n",
}


@pytest.mark.parametrize("body", sorted(CHAINS))
def test_the_narrower_set_found_at_once_is_the_swept_one(load, body):
    # known_scalars(derived=False) returns at once where no definition is a number with
    # none known; a seed makes it sweep: both give the same names (the seed aside)
    from s2sad.analysis import ops
    from s2sad.frontend import front_end
    f = load(f"narrower_{body}", "import numpy as np\n\n\ndef f(x):\n" + CHAINS[body]).f
    _, normal = front_end(f)
    primal = list(ops.with_loops(normal.node.body[:-1]))
    fast = shapes.known_scalars(primal, derived=False)
    swept = shapes.known_scalars(primal, derived=False, seeds={"not_a_name"}) - {"not_a_name"}
    assert fast == swept
    if body in ("count", "size", "shape", "literals"):
        assert fast   # (each of these defines a number the sweep finds)
