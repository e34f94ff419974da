"""What the product and structure rules of issue 14 refuse, and how they say it:
each refusal names the op and what to do instead."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError
from s2sad.testing import check_grads


def einsum_interleaved(a, b):
    return np.sum(np.einsum(a, [0, 1], b, [1]))


def einsum_nine(a):
    return np.einsum("i,i,i,i,i,i,i,i,i->", a, a, a, a, a, a, a, a, a)


def einsum_out(a, b):
    return np.einsum("i,i->", a, b, out=None)


def atleast_two(a, b):
    return np.atleast_1d(a, b)


def pad_mean(a):
    return np.sum(np.pad(a, 1, "mean"))


def pad_reflect_odd(a):
    return np.sum(np.pad(a, 1, "reflect", reflect_type="odd"))


def flatten_k(a):
    return np.sum(a[::2].flatten("K") ** 2)


def _both_modes(f, args, wrt):
    """The errors of s2sad.grad and s2sad.jvp of ``f`` (each must raise)."""
    errors = []
    for run in (lambda: s2sad.grad(f, wrt=wrt)(*args),
                lambda: s2sad.jvp(f, wrt=wrt)(*args, *[np.ones_like(args[i]) for i in wrt])):
        with pytest.raises(NoDerivativeRuleError) as info:
            run()
        errors.append(str(info.value))
    return errors


@pytest.mark.parametrize("wrt", [(0,), (1,)])
def test_einsum_in_its_interleaved_form_is_refused(wrt):
    for message in _both_modes(einsum_interleaved, (np.ones((2, 3)), np.ones(3)), wrt):
        assert "np.einsum" in message and "interleaved" in message
        assert "subscripts string" in message


def test_einsum_with_more_than_eight_operands_is_refused():
    for message in _both_modes(einsum_nine, (np.ones(3),), (0,)):
        assert "at most 8 operands" in message and "split" in message


def test_einsum_out_none_writes_nothing_and_is_differentiated():
    # out=None is einsum's default: the call writes nothing (a false refusal before)
    a, b = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    check_grads(einsum_out, (a, b), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(einsum_out, wrt=(0, 1))(a, b), (b, a))


def einsum_into(a, b):
    o = np.zeros(())
    return np.einsum("i,i->", a, b, out=o)


def test_einsum_into_an_out_array_is_refused():
    from s2sad.errors import UnsupportedSyntaxError
    for run in (lambda: s2sad.grad(einsum_into)(np.ones(2), np.ones(2)),
                lambda: s2sad.jvp(einsum_into)(np.ones(2), np.ones(2), np.ones(2))):
        with pytest.raises(UnsupportedSyntaxError, match="out=") as info:
            run()
        assert info.value.location.line == einsum_into.__code__.co_firstlineno + 2


def test_atleast_1d_of_several_arrays_is_refused():
    for message in _both_modes(atleast_two, (np.ones(3), np.ones(2)), (0,)):
        assert "atleast_1d" in message and "2 positional arguments" in message


def test_pad_modes_without_a_rule_are_refused():
    for message in _both_modes(pad_mean, (np.ones(3),), (0,)):
        assert "np.pad" in message and "'mean'" in message and "edge" in message
    for message in _both_modes(pad_reflect_odd, (np.ones(3),), (0,)):
        assert "pad" in message and "reflect_type" in message


def test_flatten_in_memory_order_of_a_strided_view_is_differentiated():
    # (refused before fixalias16; the elements' memory order is read from the strides)
    x = (np.arange(12.0).reshape(4, 3) / 7.0).T
    check_grads(flatten_k, (x,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(flatten_k)(x), _flatten_k_by_hand(x))


def _flatten_k_by_hand(x):
    # the sum of squares of x[::2]'s elements, whatever the order: 2 x on rows 0 and 2
    g = np.zeros_like(x)
    g[::2] = 2.0 * x[::2]
    return g


def einsum_from_a_string(spec, a, b):
    return np.sum(np.sin(np.einsum(spec, a, b)))


def test_einsum_subscripts_may_be_a_variable():
    check_grads(einsum_from_a_string, ("ij,jk->ik", np.ones((2, 3)) * 0.3,
                                       np.arange(6.0).reshape(3, 2) / 7), wrt=(1, 2))



def cross_2d(a, b):
    return np.sum(np.cross(a, b) ** 2)


def test_cross_of_2_vectors_is_the_z_component():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        check_grads(cross_2d, (np.array([0.3, -1.2]), np.array([[0.5, 0.7], [1.1, -0.4]])))
