"""``xs.sum()`` of a list the function made raises AttributeError in Python; s2sad read
it as ``np.sum(xs)`` and differentiated a function that never returns (stranger23c).
Now a located refusal says what Python does; the hint's spelling is differentiated
(against central finite differences)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

import missing_methods as mm

X = np.array([0.3, -0.7, 1.2])


@pytest.mark.parametrize("func, held, method", [
    (mm.list_sum_as_value, "list", "sum"), (mm.list_sum_as_statement, "list", "sum"),
    (mm.dict_max, "dict", "max")], ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("transform", ["grad", "jvp", "hessian"])
def test_a_method_the_class_lacks_is_refused_as_python_raises(func, held, method, transform):
    with pytest.raises(AttributeError):
        func(X)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        made = getattr(s2sad, transform)(func)
        made(X, np.ones(3)) if transform == "jvp" else made(X)
    text = str(caught.value)
    assert "missing_methods.py:" in text
    assert f"'{held}' object has no attribute '{method}'" in text
    assert "np.array(" in text   # (the hint)


def test_the_hints_spelling_is_differentiated():
    check_grads(mm.array_made_first, (X,), modes=("reverse", "forward"))
