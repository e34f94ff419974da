"""A write that may reach a global through a helper's result, an alias, a branch or a
container is refused at the write's line, naming the user's names, in every mode (Python
would change the global; the derivative would not).  Fresh results are differentiated
(against central finite differences)."""

import copy
import inspect

import numpy as np
import pytest

import global_results as gr
import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

REFUSED = [
    (gr.dict_loop, "q[k] = q[k] * x", "q", "'G'"),
    (gr.dict_constant_key, 'q["a"] = q["a"] * x', "q", "'G'"),
    (gr.dict_alias, 'r["b"] = r["b"] * x', "r", "'G'"),
    (gr.dict_branch, 'q["a"] = q["a"] * x', "q", "'G'"),
    (gr.dict_in_container, 'q["a"] = q["a"] * x', "q", "'G'"),
    (gr.dict_nested_write, 'd["g"]["a"] = d["g"]["a"] * x', "d", "'G'"),
    (gr.array_item, "q[0] = q[0] * x", "q", "'GA'"),
    (gr.array_view, "q[1] = q[1] * x", "q", "'GA'"),
    (gr.array_in_tuple, "q[0] = q[0] * y", "q", "'GA'"),
    (gr.array_item_of_copied_dict, "w[0] = w[0] * x", "w", "'NESTED"),
]


def _line(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp"])
@pytest.mark.parametrize("f, write, user, owner", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_a_write_reaching_a_global_is_refused_at_its_line(f, write, user, owner, mode):
    before = (copy.deepcopy(gr.G), gr.GA.copy())
    make = {"grad": lambda: s2sad.value_and_grad(f)(1.5),
            "jvp": lambda: s2sad.jvp(f)(1.5, 1.0),
            "vjp": lambda: s2sad.vjp(f)(1.5)}[mode]
    with pytest.raises(S2sadError) as raised:
        make()
    message = str(raised.value)
    assert f"global_results.py:{_line(f, write)}:" in message
    assert repr(user) in message and owner in message
    assert (gr.G, list(gr.GA)) == (before[0], list(before[1]))   # nothing was written


@pytest.mark.parametrize("f", [gr.fresh_dict_loop, gr.copied_dict_write, gr.scaled_array_write,
                               gr.copied_array_write, gr.copied_dict_item_replaced,
                               gr.literal_mixing_global])
def test_a_helpers_fresh_result_written_is_differentiated(f):
    before = (copy.deepcopy(gr.G), gr.GA.copy())
    check_grads(f, (1.5,), modes=("reverse", "forward"))
    assert gr.G == before[0] and np.array_equal(gr.GA, before[1])


def test_fresh_dict_loop_by_hand():
    # q = {"a": x * x, "b": 2x * x}: a + b = 3 x^2, derivative 6 x
    value, grad = s2sad.value_and_grad(gr.fresh_dict_loop)(1.5)
    assert value == pytest.approx(3 * 1.5 ** 2) and grad == pytest.approx(6 * 1.5)
