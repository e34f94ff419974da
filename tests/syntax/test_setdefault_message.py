"""``d.setdefault(k, v)`` as a statement is refused with a hint that works (it got the
general "discards the result of a call" message, about prints and logging)."""

import pytest

import s2sad
from s2sad import errors


def with_setdefault(d, x):
    d.setdefault("b", x * 2.0)
    return d["a"] * d["b"]


def as_the_hint_says(d, x):
    if "b" not in d:
        d["b"] = x * 2.0
    return d["a"] * d["b"]


def test_setdefault_is_refused_with_the_spelling_that_works():
    with pytest.raises(errors.UnsupportedSyntaxError) as info:
        s2sad.grad(with_setdefault, wrt=1)({"a": 1.5}, 0.3)
    message = str(info.value)
    assert "d.setdefault(key, value) is not differentiated" in message
    assert "if key not in d: d[key] = value" in message
    # the hint, followed: d/dx (1.5 * 2x) = 3, and a key already there leaves x out
    assert s2sad.grad(as_the_hint_says, wrt=1)({"a": 1.5}, 0.3) == pytest.approx(3.0)
    assert s2sad.grad(as_the_hint_says, wrt=1)({"a": 1.5, "b": 4.0}, 0.3) == pytest.approx(0.0)
