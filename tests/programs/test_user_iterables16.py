"""Regression tests: loops over itertools' tuples of items that carry derivatives
(combinations, product, pairwise...), each in every transform against central finite
differences; the items are those Python's iterator gives, in its order."""

import itertools

import numpy as np
import pytest

import s2sad
import user_iterables16 as ui
from every_transform import every_transform

RNG = np.random.default_rng(16)
X = RNG.normal(size=(4, 3)) * 0.5
XS = [RNG.normal(size=2), RNG.normal(size=2), RNG.normal(size=2)]
V = np.array([0.7, -1.2, 0.4, 1.1])


@pytest.mark.parametrize("f, arg", [
    (ui.product_of_rows, X), (ui.product_repeated, X[:3, :2]), (ui.counted_pairs, X),
    (ui.pairs_with_replacement, V), (ui.every_ordering, V[:3]), (ui.pairs_read_by_sum, X),
    (ui.pairs_of_list_items, np.stack(XS)), (ui.consecutive_pairs, X),
    (ui.zipped_with_its_slice, X)])
def test_itertools_items_of_an_array_in_every_transform(f, arg):
    every_transform(f, (arg.copy(),))


@pytest.mark.parametrize("f", [ui.pairs_of_list_items, ui.consecutive_pairs,
                               ui.zipped_with_its_slice])
@pytest.mark.parametrize("container", [list, tuple])
def test_itertools_items_of_a_list_or_tuple(f, container):
    every_transform(f, (container(x.copy() for x in XS),), second_order=False)


def test_a_tuple_size_decided_when_the_code_runs():
    for r in (1, 2, 3):
        every_transform(ui.pairs_of_a_computed_size, (V.copy(), r), second_order=r < 3)


def test_the_pairs_python_takes_by_hand():
    # sum over i < j of (x_i . x_j)^2: d/dx_k = sum over j != k of 2 (x_k . x_j) x_j
    grads = s2sad.grad(ui.pairs_of_list_items)([x.copy() for x in XS])
    for k, g in enumerate(grads):
        expected = sum(2 * np.dot(XS[k], XS[j]) * XS[j] for j in range(3) if j != k)
        np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_the_keys_of_a_dict_are_what_combinations_pairs():
    d = {"a": 0, "b": 2, "c": 3}
    every_transform(ui.pairs_of_a_dicts_keys, (V.copy(), d))
    expected = sum(V[d[a]] * V[d[b]] for a, b in itertools.combinations(d, 2))
    value, _ = s2sad.value_and_grad(ui.pairs_of_a_dicts_keys)(V.copy(), d)
    np.testing.assert_allclose(value, expected)


def test_the_generated_code_names_the_list_after_the_users_sequence():
    text = s2sad.source(ui.pairs_of_list_items)
    assert "xs_items = " in text and "itertools.combinations(" in text
