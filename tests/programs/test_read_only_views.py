"""Writes into the read-only views numpy gives (np.diagonal, np.broadcast_to) raise
ValueError as Python does, in every mode (s2sad returned numbers for them: an
augmented assignment is computed as a new array, second order writes functionally)."""

import numpy as np
import pytest

import s2sad


def test_writes_into_read_only_views_raise_as_python_does(load):
    module = load("read_only_views", """
        import numpy as np

        def augmented(A):
            d = np.diag(A * 1.0)
            d += 1.0
            return np.sum(d ** 2)

        def item(A):
            B = A * 1.0
            d = np.diagonal(B)
            d[0] = 1.0
            return np.sum(d ** 2)

        def broadcast(x):
            b = np.broadcast_to(x * 1.0, (2, 2))
            b += 1.0
            return np.sum(b)
        """)
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    for f, arg in ((module.augmented, A), (module.item, A), (module.broadcast, A[0])):
        with pytest.raises(ValueError):
            f(arg)   # Python
        for transform in (lambda g: s2sad.grad(g)(arg), lambda g: s2sad.jvp(g)(arg, arg),
                          lambda g: s2sad.hessian(g)(arg)):
            with pytest.raises(ValueError, match="read-only"):
                transform(f)
