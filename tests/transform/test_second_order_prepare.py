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


def looped(x):
    s = 0.0
    for i in range(3):
        s = s + np.sin(x[i]) * s + x[i]
    return s


def _gradient_of(func):
    from s2sad.api.entries import compiled_gradient, reverse_entry
    rev = reverse_entry(func, ("x",), "value_and_grad", inline_helpers=True)
    return compiled_gradient(func, rev)


@pytest.mark.parametrize("func", [writes_its_own, "looped"])
def test_the_tree_as_read_is_left_as_it_was(func):
    # (front_end keeps that tree as the code as read, uncopied: second_order.LEAVES_TREE)
    import gast
    func = _gradient_of(looped) if func == "looped" else func
    parsed = parse_function(func)
    read = parsed.node
    before = gast.dump(read, include_attributes=True)
    prepare_gradient_code(parsed, name="renamed")
    assert parsed.node is not read and parsed.node.name == "renamed"
    assert gast.dump(read, include_attributes=True) == before
    assert gast.dump(parse_function(func).node, include_attributes=True) == before


def test_the_front_end_reads_the_gradient_as_read_and_differentiates_it():
    import gast
    from s2sad.frontend import front_end
    gradient = _gradient_of(looped)
    parsed, _ = front_end(gradient, prepare=prepare_gradient_code)
    assert "tape_push" in gast.dump(parsed.node)   # (the tape rewritten for forward mode)
    assert gast.dump(parsed.as_read.node) == gast.dump(parse_function(gradient).node)
    import s2sad
    x, v = np.array([0.3, -0.2, 0.5]), np.array([1.0, 0.5, -2.0])
    g = s2sad.grad(looped)
    eps = 1e-6
    fd = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    assert np.allclose(s2sad.hvp(looped)(x, v), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", ["scalar", "looped"])
def test_the_walk_kept_for_the_passes_after_is_the_rewritten_trees(func):
    # (where the rewrite only leaves statements out, the walk of the tree read without
    # them is kept as parsed.walked(): the nodes of a new walk, in its order)
    from s2sad.syntax import nodes
    gradient = _gradient_of(looped if func == "looped" else scalar)
    parsed = prepare_gradient_code(parse_function(gradient), name="renamed")
    walked = parsed.walked()
    assert [id(n) for n in walked] == [id(n) for n in nodes.walk(parsed.node)]
    assert not any(getattr(n, "id", None) == "ensure_scalar_output" for n in walked)


def scalar(x):
    y = np.sin(x) * x
    return np.sum(y * y)
