"""``transform.second_order.prepare_gradient_code`` on gradient-like code written by
hand: a write into a row a loop took of another array is refused (forward mode over the
functional rewrite would write into a copy), naming the row, the array and the write;
writes into a name of its own are rewritten functionally."""

import numpy as np
import pytest

from s2sad.errors import UnsupportedSyntaxError
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax.parse import parse_function
from s2sad.transform.second_order import prepare_gradient_code


@pytest.fixture(autouse=True)
def _rules():
    load_builtin_rules()   # (the runtime helpers the rewrite calls)


def writes_through_a_row(a, b):
    for i in range(3):
        row = a[i]
        row[0] = b
    return a


def writes_through_a_row_later(a, b):
    total = a * 1.0
    for i in range(3):
        row = total[i]
        total[i] = b
        row[1] += b
    return total


def writes_its_own(a, b):
    out = np.zeros(3)
    for i in range(3):
        out[i] = a[i] * b
    out[0] += b
    return out


def test_a_write_through_a_row_is_refused_at_it():
    with pytest.raises(UnsupportedSyntaxError) as info:
        prepare_gradient_code(parse_function(writes_through_a_row))
    message = str(info.value)
    assert "the gradient code writes into 'row', a part of 'a'" in message
    assert "row[0] = b" in message and "a[i, ...] = ..." in message


def test_the_first_write_through_a_row_is_the_one_named():
    with pytest.raises(UnsupportedSyntaxError) as info:
        prepare_gradient_code(parse_function(writes_through_a_row_later))
    message = str(info.value)
    assert "writes into 'row', a part of 'total'" in message and "row[1] += b" in message


def test_writes_into_a_name_of_its_own_are_rewritten():
    parsed = prepare_gradient_code(parse_function(writes_its_own), name="renamed")
    from s2sad.emit import render_function
    text = render_function(parsed.node, [])
    assert "def renamed(a, b):" in text
    assert "out = index_set(out, i, a[i] * b)" in text
    assert "out = add_at(out, 0, b)" in text
