"""Helpers that take and return containers: each callee is generated for the kinds
its arguments hold at the call (a tuple argument's adjoint was written item by item
into a tuple: TypeError).  References: central finite differences (s2sad.testing)."""

import numpy as np

import s2sad
from s2sad.testing import check_grads


def test_helper_reading_a_tuple_argument_by_index(load):
    mod = load("callee_tuple", """
        import numpy as np

        def head(c):
            return [np.log(c[0] * c[0] + 1.0), c[0] * c[1]]

        def f(x, tup):
            ls = head(tup)
            return np.sum(ls[0] * x) + np.sum(ls[1])
    """)
    args = (np.array([0.3, -0.2]), (np.array([0.5, 1.5]), 2.0))
    check_grads(mod.f, args, wrt=(0, 1), modes=("reverse", "forward"))
    g = s2sad.grad(mod.f, wrt=1)(*args)
    assert type(g) is tuple and isinstance(g[1], float)


def test_helper_taking_a_list_and_a_dict(load):
    mod = load("callee_mixed", """
        import numpy as np

        def layer(p, xs):
            return np.tanh(p["W"] @ xs[0] + p["b"]) * xs[1]

        def f(p, x):
            return np.sum(layer(p, [x, 2.0]) ** 2)
    """)
    r = np.random.default_rng(3)
    args = ({"W": r.normal(size=(2, 3)), "b": r.normal(size=2)}, r.normal(size=3))
    check_grads(mod.f, args, wrt=(0, 1), modes=("reverse", "forward"))


def test_helper_reading_a_tuple_a_helper_returned(load):
    # the helper's argument is of unknown kind (another helper's result): its adjoint
    # takes the items as a list (a tuple took them by item assignment: TypeError,
    # fuzzer seed 9001397)
    mod = load("callee_tuple_result", """
        import numpy as np

        def pair(c):
            return (c * 1.0, c * 2.0)

        def head(c):
            return [np.abs(c[0] * c[0]), c[1]]

        def f(x):
            t = pair(x)
            ls = head(t)
            return np.sum(ls[0]) + np.sum(ls[1])
    """)
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2sad.grad(mod.f)(x), 2 * x + 2.0)
    check_grads(mod.f, (x,), wrt=(0,), modes=("reverse", "forward"))


def test_a_loop_over_a_tuple_a_helper_returned(load):
    # the loop's items are of unknown kind (a helper's result): each trip's adjoint
    # goes into a list (a tuple took it by item assignment: fuzzer seed 9002123)
    mod = load("callee_tuple_loop", """
        import numpy as np

        def pair(c):
            return (c * 2.0, np.sum(c * c))

        def f(x):
            total = 0.0
            for k, e in enumerate(pair(x)):
                total = total + np.sum(e) * (k + 1.0)
            return total
    """)
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2sad.grad(mod.f)(x), 2.0 + 4.0 * x)
    check_grads(mod.f, (x,), wrt=(0,), modes=("reverse", "forward"))


def test_forward_item_write_into_a_list_a_helper_returned(load):
    # the list's kind is unknown where the code is made (a helper's result): its
    # tangent is copied as a list before the item's tangent goes in (np.array of the
    # list's tangent failed: fuzzer seed 9102941)
    mod = load("callee_list_write", """
        import numpy as np

        def parts(x):
            return [np.sin(x), x * 3.0]

        def f(x):
            ls = parts(x)
            ls[0] = ls[0] * ls[1]
            return np.sum(ls[0]) + np.sum(ls[1])
    """)
    x = np.array([0.3, -0.8])
    check_grads(mod.f, (x,), wrt=(0,), modes=("reverse", "forward"))
