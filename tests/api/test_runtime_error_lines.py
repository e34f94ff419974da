"""A numpy error raised while a derivative runs (a shape mismatch) stays the error Python
raises, with a note naming the user's file and line whose code raised it, not only the
generated statement (``h_1 = W @ h``)."""

import numpy as np
import pytest

import s2sad

W, X = np.ones((3, 4)), np.ones(3)


@pytest.fixture
def shapes(load):
    return load("shape_mismatch", """
        import numpy as np

        def layer(W, x):
            h = np.tanh(W @ x)
            return np.sum(h * h)
        """)


@pytest.mark.parametrize("call", ["grad", "vjp", "jvp"])
def test_shape_error_names_the_users_line(shapes, call):
    with pytest.raises(ValueError) as python:
        shapes.layer(W, X)
    run = {"grad": lambda: s2sad.grad(shapes.layer)(W, X),
           "vjp": lambda: s2sad.vjp(shapes.layer)(W, X),
           "jvp": lambda: s2sad.jvp(shapes.layer)(W, X, W)}[call]
    for _ in range(2):   # (the first call and the fast path's)
        with pytest.raises(ValueError) as info:
            run()
        assert str(info.value) == str(python.value)
        notes = [n for n in getattr(info.value, "__notes__", []) if n.startswith("s2sad:")]
        assert len(notes) == 1
        assert "shape_mismatch.py:5: h = np.tanh(W @ x)" in notes[0]
        assert "layer's line" in notes[0]


def _names_str_and_bytes(x):
    return np.sin(x) + len(str(x)) + len(bytes(2))


def test_finding_the_functions_a_function_calls_reads_modules_without_warnings():
    # (locating an error raised in generated code looks through the functions the user's
    # function calls, its modules' attributes of the names its code holds: np.str and
    # np.bytes warned, a FutureWarning Python's own function never gives; fuzz seed
    # 20261233)
    from s2sad.errors import _called_functions
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = _called_functions(_names_str_and_bytes)
    assert np.sin not in found and all(callable(f) for f in found)
