"""An error raised while second-order code runs names the user's line.

Second-order code differentiates the gradient code s2sad wrote, and its block comments
quote that code's lines (``# line 22 of the generated f_value_and_grad: ...``); an error
raised there is placed through the gradient code's own block comment on the user's line
(found by a stranger: hvp and hessian's refusals had no location where grad's had one).
"""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import LazyShapeError

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")


def positive_squares(w, X):
    r = X @ w
    return np.sum(r[r > 0] ** 2)


LINE = inspect.getsourcelines(positive_squares)[1] + 2   # the `return` line


@pytest.mark.parametrize("transform", ["grad", "hvp", "hessian"])
def test_a_lazy_mask_refusal_names_the_users_line_in_every_order(transform):
    X = da.from_array(np.random.default_rng(0).normal(size=(100, 3)), chunks=(40, 3))
    w = np.array([0.5, -0.3, 0.8])
    calls = {"grad": lambda: s2sad.grad(positive_squares)(w, X),
             "hvp": lambda: s2sad.hvp(positive_squares)(w, X, w),
             "hessian": lambda: s2sad.hessian(positive_squares)(w, X)}
    with pytest.raises(LazyShapeError) as caught:
        calls[transform]()
    text = str(caught.value)
    assert f"{__file__}:{LINE}:5:" in text, text
    assert "return np.sum(r[r > 0] ** 2)" in text
