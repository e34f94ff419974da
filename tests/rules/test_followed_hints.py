"""A refusal's hint, followed literally, computes Python's value: the spelling it gives
for a reduction's where= / initial= (keeping the call's axis, keepdims, ddof), for
``x.astype``'s copy= / order= / casting= and ``x.copy(order)`` is evaluated against the
refused expression's own value, then differentiated against central finite differences."""

import re

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError
from s2sad.testing import check_grads

X = np.array([[0.3, -1.2, 0.5], [0.7, 0.2, -0.4]])

REFUSED = {
    # (subok=True, astype's own default, is np.array's subok=False: refused, a hint)
    "astype_subok": "X.astype(float, subok=True)",
}
#: refused once, with a hint these tests followed: differentiated now
TAKEN = {
    "mean_where": "X.mean(where=X > 0)",
    "mean_where_axis": "np.mean(X, axis=1, where=X > 0, keepdims=True)",
    "std_where": "X.std(where=X > 0)",
    "std_where_axis_ddof": "X.std(1, ddof=1, where=X > -1.0)",
    "var_where_axis": "np.var(X, 1, where=X > -1.0)",
    "prod_where_axis": "X.prod(1, where=X > 0)",
    "sum_where_keepdims": "np.sum(X, axis=0, keepdims=True, where=X < 0.6)",
    "prod_initial_axis": "np.prod(X, axis=1, initial=3.0)",
    "max_initial_axis": "X.max(1, initial=-5.0)",
    "max_initial_big": "X.max(1, initial=0.6)",
    "min_initial_keepdims": "np.min(X, 0, keepdims=True, initial=-0.5)",
    "max_where_initial": "np.max(X, axis=1, where=X < 0.6, initial=-2.0)",
    "copy_order": "X.copy('F')",
    "astype_copy": "X.astype(float, copy=False)",
    "astype_order_casting": "X.astype(float, 'C', 'unsafe')",
    "astype_casting_safe": "X.astype(np.float64, casting='safe')",
    "sum_initial_axis": "X.sum(0, initial=2.0)",
    # the default of np.array (the rule of astype), spelled: issue 20
    "astype_subok_false": "X.astype(float, subok=False)",
}


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_once_refused_spellings_are_differentiated(load, name):
    module = load(f"taken_{name}", f"""
        import numpy as np

        def f(X):
            return np.sum(np.cos({TAKEN[name]}))
        """)
    check_grads(module.f, (X.copy(),), modes=("reverse", "forward"))


def _followed(hint):
    """The statements and the expression the hint says to write."""
    spelled = re.search(r"write (.*?)(?:, which computes| \(without| \(or |$)", hint).group(1)
    if "; then " in spelled:
        first, expression = spelled.split("; then ")
        return first, expression
    return "", spelled


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_hint_followed_gives_pythons_value(load, name):
    body = REFUSED[name]
    module = load(f"refused_{name}", f"""
        import numpy as np

        def f(X):
            return np.sum(np.cos({body}))
        """)
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(module.f)(X.copy())
    message = str(info.value)
    assert "copy_of" not in message and "rule of array" not in message
    first, expression = _followed(message.splitlines()[-1])
    expected = eval(body, {"np": np, "X": X.copy()})
    namespace = {"np": np, "X": X.copy()}
    if first:
        exec(first, namespace)
    got = eval(expression, namespace)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    statements = f"        {first}\n" if first else ""
    followed = load(f"followed_{name}", f"""
        import numpy as np

        def f(X):
{statements}            return np.sum(np.cos({expression}))
        """.replace("        " + first, "            " + first) if first else f"""
        import numpy as np

        def f(X):
            return np.sum(np.cos({expression}))
        """)
    check_grads(followed.f, (X.copy(),))
