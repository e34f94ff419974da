"""``d | e`` of two dict arguments (the README lists it): merged where the code shows the
result, or a side, to be a dict (``r = p | q`` then ``r.values()``, ``(p | q)["a"]``),
checked against central finite differences; a ``|`` s2sad cannot differentiate is refused
where it is written, not at the ``def``."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

P = {"a": np.array([1.0, 2.0]), "b": 1.0}
Q = {"b": 2.0, "c": np.array([0.5, -0.5])}


@pytest.fixture
def merges(load):
    return load("dict_merges", """
        import numpy as np

        def named(p, q):
            r = p | q
            return sum(np.sum(v) ** 2 for v in r.values())

        def unnamed(p, q):
            return sum(np.sum(v * v) for v in (p | q).values())

        def keyed(p, q):
            return np.sum((p | q)["a"]) * (q | p)["b"]

        def with_literal(p):
            r = p | {"b": 3.0}
            return np.sum(r["a"] * r["b"])

        def arrays(x, y):
            z = x * 2.0
            w = z | y
            return np.sum(w)
        """)


@pytest.mark.parametrize("name", ["named", "unnamed", "keyed"])
def test_merge_of_dict_arguments_against_finite_differences(merges, name):
    check_grads(getattr(merges, name), (dict(P), dict(Q)), modes=("reverse", "forward"))


def test_merge_by_hand(merges):
    grads = s2sad.grad(merges.named, wrt=(0, 1))(dict(P), dict(Q))
    np.testing.assert_allclose(grads[0]["a"], [6.0, 6.0])   # 2 * (1 + 2), q has no "a"
    assert grads[0]["b"] == 0.0                                # q's "b" wins
    assert grads[1]["b"] == 4.0                                # 2 * 2
    np.testing.assert_allclose(grads[1]["c"], [0.0, 0.0])      # 2 * (0.5 - 0.5)


def test_merge_with_a_literal(merges):
    check_grads(merges.with_literal, (dict(P),), modes=("reverse", "forward"))


def test_bitwise_or_of_arrays_is_refused_at_the_operator(merges):
    with pytest.raises(UnsupportedSyntaxError, match="operator '|'") as info:
        s2sad.grad(merges.arrays)(np.ones(2), np.ones(2))
    assert info.value.location.code.strip() == "w = z | y" and info.value.location.column == 9
