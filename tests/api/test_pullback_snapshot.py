"""A vjp pullback gives the gradient at the point vjp was called, whatever the caller
changes in place afterwards (an optimizer step, a weight edited, the output scaled):
references are by hand (tanh' = 1 - tanh^2) or central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import ChangedSinceError, SharedArgumentsError
from s2sad.testing import finite_difference_gradient
import pullback_reads as pr


def _fd_vjp(f, args, wrt, cotangent):
    def scalar(*a):
        return float(np.sum(np.asarray(f(*a)) * cotangent))
    return finite_difference_gradient(scalar, tuple(np.array(a, copy=True) for a in args), wrt)


def test_a_step_taken_in_place_does_not_reach_the_pullback():
    x = np.array([0.3, -0.5, 0.8])
    x_old = x.copy()
    _, pullback = s2sad.vjp(pr.loop_sum)(x)
    first = pullback(np.ones(2))
    x -= 0.5 * first                         # the caller's optimizer step
    again = pullback(np.ones(2))
    assert np.array_equal(first, again)
    np.testing.assert_allclose(again, _fd_vjp(pr.loop_sum, (x_old,), 0, np.ones(2)), rtol=1e-6)


def test_a_weight_edited_in_place_and_a_view_of_it():
    x, W = np.array([0.3, -0.5, 0.8]), np.array([[0.2, -0.4, 0.1], [0.5, 0.3, -0.2]])
    W_old = W.copy()
    _, pullback = s2sad.vjp(pr.model)(x, W)
    W[0, 1] = -3.0                           # row = W[0] is a view the pullback read
    W[1, 1] = 4.0
    np.testing.assert_allclose(pullback(np.ones(2)),
                               _fd_vjp(pr.model, (x, W_old), 0, np.ones(2)), rtol=1e-6)


def test_the_output_handed_out_is_the_callers_own():
    x = np.array([0.3, -0.5, 0.8])
    value, pullback = s2sad.vjp(pr.squashed)(x)
    value *= 0.0                             # tanh' is read from tanh(x) in the pullback
    np.testing.assert_allclose(pullback(np.ones(3)), 1.0 - np.tanh(x) ** 2, rtol=1e-12)
    np.testing.assert_allclose(s2sad.vjp(pr.squashed)(x)[0], np.tanh(x))


def test_one_array_passed_twice_stays_one_array():
    # the snapshot copies it once: s2sad still sees one array given twice, and refuses a
    # write through one name that Python shows through the other, as it does without vjp
    a = np.array([0.5, 1.5, -0.5])
    with pytest.raises(SharedArgumentsError):
        s2sad.vjp(pr.pair, wrt=(0, 1))(a, a)
    assert np.array_equal(a, [0.5, 1.5, -0.5])
    value, pullback = s2sad.vjp(pr.product, wrt=(0, 1))(a, a)
    ga, gb = pullback(1.0)
    np.testing.assert_allclose(ga, np.cos(a) * a, rtol=1e-12)   # by hand: partials
    np.testing.assert_allclose(gb, np.sin(a), rtol=1e-12)


def test_containers_of_parameters_are_kept_as_they_were():
    p = {"W": np.array([[0.2, -0.4], [0.5, 0.3]]), "b": np.array([1.0, -2.0]),
         "hist": [np.array([0.1, 0.2])]}
    x = np.array([0.7, -0.3])
    _, pullback = s2sad.vjp(pr.params, wrt=1)(p, x)
    before = pullback(1.0)
    p["W"] *= 3.0
    p["hist"][0][:] = 9.0
    x[:] = 0.0
    after = pullback(1.0)
    assert np.array_equal(before, after)
    W, b, h = np.array([[0.2, -0.4], [0.5, 0.3]]), np.array([1.0, -2.0]), np.array([0.1, 0.2])
    x0 = np.array([0.7, -0.3])
    by_hand = W.T @ ((1.0 - np.tanh(W @ x0) ** 2) * b) + h
    np.testing.assert_allclose(after, by_hand, rtol=1e-12)


def test_arrays_sharing_memory_read_only_are_copied_all_the_same():
    # the function writes into neither: parted copies compute what the originals do
    W = np.array([[0.2, -0.4, 0.1], [0.5, 0.3, -0.2]])
    x = W[1]                                  # x is a view of W
    _, pullback = s2sad.vjp(pr.model)(x, W)
    first = pullback(np.ones(2))
    np.testing.assert_allclose(
        first, _fd_vjp(pr.model, (W[1].copy(), W.copy()), 0, np.ones(2)), rtol=1e-6)
    W[0, 0] = 5.0
    np.testing.assert_array_equal(pullback(np.ones(2)), first)


def test_a_function_writing_into_an_argument_copies_the_others_and_checks_shared_ones():
    a, b = np.array([0.5, 1.5, -0.5]), np.array([0.3, -0.2, 0.9])
    _, pullback = s2sad.vjp(pr.writes_first, wrt=1)(a, b)
    ct = np.array([1.0, -1.0, 0.5])
    a2 = np.array([2.0 * b[1], 1.5, -0.5])
    # by hand: out = sin(a2) * b, a2[0] = 2 b[1]: d/db = ct * sin(a2) + e1 * 2 cos(a2[0]) b[0] ct[0]
    by_hand = ct * np.sin(a2)
    by_hand[1] += 2.0 * np.cos(a2[0]) * b[0] * ct[0]
    np.testing.assert_allclose(pullback(ct), by_hand, rtol=1e-12)
    b[2] = 7.0                                # b shares nothing: the snapshot's copy
    np.testing.assert_allclose(pullback(ct), by_hand, rtol=1e-12)
    # a writer whose other arguments share memory: used as given, a change refused
    W = np.array([[0.5, 1.5, -0.5], [0.3, -0.2, 0.9]])
    _, pullback = s2sad.vjp(pr.writes_first_of_three, wrt=2)(np.zeros(3), W[1], W)
    pullback(np.ones(3))
    W[0, 0] = 4.0
    with pytest.raises(ChangedSinceError, match="the argument 'W' of writes_first_of_three"):
        pullback(np.ones(3))


def test_namedtuples_are_rebuilt():
    from collections import namedtuple
    P = namedtuple("P", "w b")
    p = P(np.array([0.5, 1.5, -0.2]), np.array([1.0, 2.0, 3.0]))
    _, pullback = s2sad.vjp(pr.exp_times)(p)
    u = np.array([1.0, -2.0, 0.5])
    by_hand = np.exp([0.5, 1.5, -0.2]) * np.array([1.0, 2.0, 3.0]) * u
    p.w[:] -= 0.1
    np.testing.assert_allclose(pullback(u)[0], by_hand, rtol=1e-12)


def test_a_global_list_passed_to_a_writer_is_passed_as_given():
    # Python: xs is GLOBAL_LIST, so the append shows through it (5.0, not 3.5); the
    # run-time check refuses that, and must see the list itself (a rebuilt copy hid it)
    w = np.array([0.5, 1.5])
    with pytest.raises(SharedArgumentsError):
        s2sad.vjp(pr.appends_and_reads_a_global_list, wrt=1)(pr.GLOBAL_LIST, w)
    assert len(pr.GLOBAL_LIST) == 1
    xs = [np.array([1.0, 2.0])]
    value, pullback = s2sad.vjp(pr.appends_and_reads_a_global_list, wrt=1)(xs, w)
    assert value == 3.5
    np.testing.assert_allclose(pullback(1.0), [1.0, 2.0])   # by hand: GLOBAL_LIST[-1]
    w[:] = 9.0   # a local list and a new array: copies, as for a function writing nothing
    np.testing.assert_allclose(pullback(1.0), [1.0, 2.0])


def _by_hand_gains(x, gains, scale):   # d/dx of sum(gains * x**2) * scale
    return 2.0 * gains * x * scale


def test_a_global_changed_in_place_before_the_pullback_is_refused():
    x = np.array([0.5, -1.0, 2.0])
    old = pr.GAINS.copy()
    _, pullback = s2sad.vjp(pr.reads_global_gains)(x)
    np.testing.assert_allclose(pullback(1.0), _by_hand_gains(x, old, pr.SCALE), rtol=1e-12)
    try:
        pr.GAINS *= 2.0   # the pullback reads GAINS: it would mix new and old
        with pytest.raises(ChangedSinceError, match="'GAINS', which reads_global_gains reads"):
            pullback(1.0)
    finally:
        pr.GAINS[:] = old
    np.testing.assert_allclose(pullback(1.0), _by_hand_gains(x, old, pr.SCALE), rtol=1e-12)


def test_a_global_rebound_and_the_function_called_again_is_refused_in_the_old_pullback():
    x = np.array([0.5, -1.0, 2.0])
    old_gains, old_scale = pr.GAINS, pr.SCALE
    vjp = s2sad.vjp(pr.reads_global_gains)
    _, first = vjp(x)
    try:
        pr.GAINS, pr.SCALE = np.array([10.0, 10.0, 10.0]), 3.0
        _, second = vjp(x)   # (refreshes what the generated code reads)
        np.testing.assert_allclose(second(1.0), _by_hand_gains(x, pr.GAINS, 3.0), rtol=1e-12)
        with pytest.raises(ChangedSinceError, match="call the vjp again"):
            first(1.0)
    finally:
        pr.GAINS, pr.SCALE = old_gains, old_scale


def test_a_global_rebound_without_a_new_call_keeps_the_pullback_right():
    x = np.array([0.5, -1.0, 2.0])
    old = pr.GAINS
    _, pullback = s2sad.vjp(pr.reads_global_gains)(x)
    try:
        pr.GAINS = np.zeros(3)   # Python's f read the old array at the vjp's call
        np.testing.assert_allclose(pullback(1.0), _by_hand_gains(x, old, pr.SCALE),
                                   rtol=1e-12)
    finally:
        pr.GAINS = old


def test_a_helper_pullback_reading_a_global_is_checked_too():
    x = np.array([0.5, -1.0, 2.0])
    old = pr.GAINS.copy()
    _, pullback = s2sad.vjp(pr.helper_in_a_loop_reads_gains)(x)
    np.testing.assert_allclose(pullback(1.0), 2 * _by_hand_gains(x, old, 1.0), rtol=1e-12)
    try:
        pr.GAINS[0] = 7.0
        with pytest.raises(ChangedSinceError, match="'GAINS'"):
            pullback(1.0)
    finally:
        pr.GAINS[:] = old


def test_a_default_used_is_checked_and_one_not_used_is_not():
    x = np.array([0.5, -1.0, 2.0])
    old = pr.DEFAULT_GAINS.copy()
    _, uses = s2sad.vjp(pr.reads_a_default)(x)
    given = np.array([3.0, 3.0, 3.0])
    _, passes = s2sad.vjp(pr.reads_a_default)(x, given)
    try:
        pr.DEFAULT_GAINS[1] = 5.0
        with pytest.raises(ChangedSinceError, match="the default of 'd'"):
            uses(1.0)
        np.testing.assert_allclose(passes(1.0), 2.0 * 3.0 * x, rtol=1e-12)
    finally:
        pr.DEFAULT_GAINS[:] = old


X2 = np.array([0.3, -0.4])


def _assert_raises_after(func, change, restore, label):
    value, pullback = s2sad.vjp(func)(X2)
    expected = finite_difference_gradient(func, (X2.copy(),), 0)
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6)
    try:
        change()
        with pytest.raises(ChangedSinceError, match=label):
            pullback(1.0)
    finally:
        restore()
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6)   # (as it was again)


def test_views_of_a_global_kept_by_the_forward_sweep_are_checked():
    # (r0, r1 = G: the pullback reads r0, a row of G, not G by name)
    old = pr.GAIN_ROWS.copy()
    _assert_raises_after(pr.reads_rows_of_a_global, lambda: pr.GAIN_ROWS.__imul__(2.0),
                         lambda: pr.GAIN_ROWS.__setitem__(Ellipsis, old), "'GAIN_ROWS'")


def test_an_array_in_a_global_list_changed_in_place_is_checked():
    old = pr.GAIN_LIST[0].copy()
    _assert_raises_after(pr.reads_an_item_of_a_global_list,
                         lambda: pr.GAIN_LIST[0].__imul__(3.0),
                         lambda: pr.GAIN_LIST[0].__setitem__(Ellipsis, old), "'GAIN_LIST'")


def test_a_config_object_s_attributes_are_checked():
    def rebind(value):
        pr.CONFIG.scale = value
    _assert_raises_after(pr.reads_a_config_object, lambda: rebind(5.0), lambda: rebind(2.0),
                         "'CONFIG.scale'")
    old = pr.CONFIG.weights.copy()
    _assert_raises_after(pr.reads_a_config_object, lambda: pr.CONFIG.weights.__imul__(2.0),
                         lambda: pr.CONFIG.weights.__setitem__(Ellipsis, old),
                         "'CONFIG.weights'")


def test_a_module_attribute_rebound_or_changed_in_place_is_checked():
    import pullback_module as m
    old = m.W

    def rebind():
        m.W = old * 3.0

    def restore():
        m.W = old
    _assert_raises_after(pr.reads_a_module_attribute, rebind, restore, "'pullback_module.W'")
    kept = old.copy()
    _assert_raises_after(pr.reads_a_module_attribute, lambda: old.__imul__(3.0),
                         lambda: old.__setitem__(Ellipsis, kept), "'pullback_module.W'")


def test_nothing_changed_raises_nothing_across_interleaved_calls():
    vjp = s2sad.vjp(pr.reads_rows_of_a_global)
    pullbacks = [vjp(X2 * k)[1] for k in (1.0, 2.0, 3.0)]
    for k, pullback in zip((1.0, 2.0, 3.0), pullbacks):
        expected = finite_difference_gradient(pr.reads_rows_of_a_global, (X2 * k,), 0)
        np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6)
