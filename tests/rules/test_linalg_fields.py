"""The named fields of numpy.linalg's tuple results (``np.linalg.slogdet(a).logabsdet``,
``eigh(a).eigenvectors``, ``svd(a).S``, ``qr(a).R``) are item reads of the op's result,
on the very name that holds it; anything else keeps the refusal of attributes."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

# numpy 1 returns plain tuples: no fields to read
pytestmark = pytest.mark.skipif(not hasattr(np.linalg.slogdet(np.eye(1)), "logabsdet"),
                                reason="numpy < 2 returns plain tuples")

SOURCE = """
    import collections
    import numpy as np

    Pair = collections.namedtuple("Pair", "sign logabsdet")

    def logabsdet(a):
        return np.linalg.slogdet(a).logabsdet * np.linalg.slogdet(a).sign

    def named(a):
        result = np.linalg.slogdet(a)
        return result.logabsdet + np.sum(np.linalg.eigh(a @ a.T).eigenvalues)

    def vectors(a):
        e = np.linalg.eigh(a + a.T)
        u = np.linalg.svd(a)
        q = np.linalg.qr(a, mode="reduced")
        return (np.sum(e.eigenvectors ** 4) + np.sum(u.S) + np.sum(u.U ** 4)
                + np.sum(u.Vh ** 4) + np.sum(q.R ** 2) + np.sum(q.Q ** 4))

    def alias(a):
        result = np.linalg.slogdet(a)
        other = result
        return other.logabsdet

    def reassigned(a):
        result = np.linalg.slogdet(a)
        result = Pair(1.0, a[0, 0])
        return result.logabsdet

    def merged(a):
        if a[0, 0] > 0:
            result = np.linalg.slogdet(a)
        else:
            result = Pair(1.0, a[0, 0])
        return result.logabsdet

    def users_tuple(a):
        return Pair(1.0, a[0, 0]).logabsdet

    def values_only(a):
        return np.sum(np.linalg.svd(a, compute_uv=False).S)
    """

A = np.array([[3.0, 0.5, -0.2], [0.1, -2.5, 0.4], [0.3, 0.2, 4.0]])


def test_fields_of_an_ops_result_are_its_items_in_both_modes(load):
    module = load("linalg_fields", SOURCE)
    # (an alias names the same SSA value: the same op's result)
    for f in (module.logabsdet, module.named, module.vectors, module.alias):
        check_grads(f, (A,), modes=("reverse", "forward"))
    assert "slogdet[1]" in s2sad.grad(module.logabsdet).source


@pytest.mark.parametrize("name", ["reassigned", "merged", "users_tuple", "values_only"])
def test_other_names_and_other_tuples_keep_the_refusal(load, name):
    module = load(f"linalg_fields_{name}", SOURCE)
    with pytest.raises(s2sad.S2sadError, match=r"attribute '\.(logabsdet|S)'"):
        s2sad.grad(getattr(module, name))(A)
