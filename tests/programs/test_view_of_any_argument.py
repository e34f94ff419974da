"""np.einsum's result may be a view of any operand ('ii->i', 'ij->ji' of one operand
are), not only of its first argument (the subscripts): a write through it into an
array read later is refused like any write through a view (before issue 14's fix it
changed the argument and gave a wrong gradient, silently)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedWriteError
from s2sad.testing import check_grads


def test_a_write_through_an_einsum_view_is_refused(load):
    module = load("einsum_views", """
        import numpy as np

        def diagonal_write(A):
            d = np.einsum('ii->i', A)
            d[0] = 5.0
            return np.sum(A * A)

        def transpose_write(A):
            d = np.einsum('ij->ji', A)
            d[0, 1] = 5.0 * d[1, 0]
            return np.sum(A * A)

        def two_operands(A):
            G = np.einsum('ij,jk->ik', A, A)
            G[0, 0] = 0.0
            return np.sum(G * A)

        def copied_first(A):
            d = np.einsum('ii->i', A).copy()
            d[0] = 5.0
            return np.sum(A * A) + np.sum(d)
        """)
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    for f in (module.diagonal_write, module.transpose_write):
        with pytest.raises(SharedWriteError, match="shares its memory"):
            s2sad.grad(f)(A)
        with pytest.raises(SharedWriteError, match="shares its memory"):
            s2sad.jvp(f)(A, np.ones_like(A))
        assert A[0, 0] == 1.0 and A[0, 1] == 2.0   # the argument is left as it was
    check_grads(module.copied_first, (A,), modes=("reverse", "forward"))
    # with two operands the result is a new array: writing into it is fine
    check_grads(module.two_operands, (A,), modes=("reverse", "forward"))
