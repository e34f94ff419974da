"""Regression tests: a deque given as an argument and passed on to a function of the
user's that reads it as a container (a helper, a ``functools.partial`` entry point,
which s2sad calls through a caller of its own) was not refused: the check read the
function it was given only (fuzz seeds 5066, 1124: ``fq[0]`` behind a partial,
differentiated although the README refuses it; ``q.append`` behind one crashed with
numpy's ValueError, unlocated).  It is refused at the line that uses it, in every
transform; an argument passed on to a helper that does not use it is not."""

import inspect

import numpy as np
import pytest

import foreign_passed_on as fp
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient

X = np.array([0.3, -0.4])


def _line(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


CASES = [(fp.via_helper, fp.FQ, fp.first_item, "q[0]", "an item of it"),
         (fp.via_helper_appending, fp.FQ2, fp.appends, "q.append", "its method .append()"),
         (fp.via_keyword, fp.FQ, fp.loops, "for v in q", "a loop over it"),
         (fp.two_levels, fp.FQ, fp.first_item, "q[0]", "an item of it"),
         (fp.entry, fp.FQ, fp.with_default, "fq[0]", "an item of it"),
         (fp.entry_appending, fp.FQ2, fp.appends, "q.append", "its method .append()")]


@pytest.mark.parametrize("f, q, where, text, use", CASES,
                         ids=[getattr(c[0], "__name__", "entry") for c in CASES])
@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "vjp", "jvp", "jacobian",
                                       "hessian", "hvp"])
def test_a_deque_passed_on_is_refused_where_it_is_used(f, q, where, text, use, transform):
    before = list(q)
    call = {"grad": lambda: s2sad.grad(f)(X, q),
            "value_and_grad": lambda: s2sad.value_and_grad(f)(X, q),
            "vjp": lambda: s2sad.vjp(f)(X, q),
            "jvp": lambda: s2sad.jvp(f)(X, q, np.ones(2)),
            "jacobian": lambda: s2sad.jacobian(f)(X, q),
            "hessian": lambda: s2sad.hessian(f)(X, q),
            "hvp": lambda: s2sad.hvp(f)(X, q, np.ones(2))}[transform]
    with pytest.raises(UnsupportedSyntaxError) as info:
        call()
    error = info.value
    assert "collections.deque" in str(error) and use in str(error)
    assert error.location.line == _line(where, text)
    assert "list(" in error.hint
    assert list(q) == before   # (refused before anything ran)


def test_a_deque_a_helper_does_not_use_is_not_refused():
    def plain(x):
        return fp.passed_unused(x, fp.FQ2)
    expected = finite_difference_gradient(plain, (X,))
    np.testing.assert_allclose(s2sad.grad(fp.passed_unused)(X, fp.FQ2), expected,
                               rtol=1e-6, atol=1e-8)
