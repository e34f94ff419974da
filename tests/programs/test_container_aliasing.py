"""Containers reached through another name (a stranger's report): a list given to a
name by a conditional expression (``ys = xs if c else list(xs)``) or ``and``/``or``
and then changed; ``|=`` and ``.update(other)`` on a dict through a name holding it;
``d |= e`` on a dict argument; and the hints of the refusals around them, each
followed literally.  Every derivative is checked against central finite
differences of the function itself (values against Python's own call): reverse
(value_and_grad, vjp), forward (jvp) and forward over reverse (hvp)."""

import copy
import re
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError, SharedArgumentsError
from s2sad.runtime.checks import check_not_inplace
from s2sad.testing import check_grads

X = np.array([0.3, -1.2, 2.0])
A = np.array([0.3, -1.2])
B = np.array([2.0, 0.7])
C = np.array([1.5, -0.4])


def _check_every_mode(f, args):
    """value_and_grad, vjp and jvp (check_grads) and hvp along a direction of the first
    argument, against central differences (hvp: of the gradient checked first)."""
    check_grads(f, args, wrt=0, modes=("reverse", "forward"))
    direction = np.linspace(-0.9, 0.7, np.size(args[0])).reshape(np.shape(args[0]))
    grad = s2sad.grad(f)
    h = 1e-5

    def shifted(sign):
        moved = copy.deepcopy(list(args))
        moved[0] = args[0] + sign * h * direction
        return grad(*moved)
    expected = (shifted(1.0) - shifted(-1.0)) / (2 * h)
    np.testing.assert_allclose(s2sad.hvp(f)(*copy.deepcopy(list(args)), direction), expected,
                               rtol=1e-5, atol=1e-6)


def _refused(f, args, *, match):
    """The refusal of every transform of ``f`` at ``args`` (never a wrong number)."""
    with pytest.raises(S2sadError, match=match) as raised:
        s2sad.value_and_grad(f)(*copy.deepcopy(list(args)))
    with pytest.raises(S2sadError, match=match):
        s2sad.jvp(f)(*copy.deepcopy(list(args)), copy.deepcopy(args[0]))
    return raised.value


def _follow_hint(load, name, text, error):
    """The module ``text`` with the copy the hint of ``error`` names (``v = np.copy(v)``,
    ``v = list(v)``, ``v = dict(v)``) written just before the refused line, at its
    indentation; returns the function ``name`` of the new module."""
    statement = re.search(r"(\w+) = (np\.copy|list|dict)\(\1\)", error.hint).group(0)
    lines = textwrap.dedent(text).splitlines()
    refused = lines[error.location.line - 1]
    indent = refused[:len(refused) - len(refused.lstrip())]
    lines.insert(error.location.line - 1, indent + statement)
    module = load(f"{name}_hinted", "\n".join(lines) + "\n")
    return getattr(module, name)


# --------------------------------------- 1. a list through a conditional expression

LISTS = """
import numpy as np

def argument_through_ifexp(xs, flag):
    ys = xs if flag > 0 else list(xs)
    ys.append(xs[0] * 3.0)
    return np.sum(xs[-1]) * len(xs)

def argument_through_and_or(xs, flag):
    ys = flag > 0 and xs or list(xs)
    ys.append(xs[0] * 3.0)
    return np.sum(xs[-1]) * len(xs)

def local_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys.append(x * 3.0)
    return np.sum(xs[-1] * x)

def local_through_and_or(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = flag > 0 and xs or list(xs)
    ys.append(x * 3.0)
    return np.sum(xs[-1] * x)

def local_through_or(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = (flag > 0 and xs) or [x]
    ys.append(x * 3.0)
    return np.sum(xs[-1] * x)

def extended_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys += [x * 3.0]
    return np.sum(xs[-1] * x)

def repeated_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys *= 2
    return np.sum(xs[-1] * x) * len(xs)

def extend_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys.extend([x * 3.0])
    return np.sum(xs[-1] * x)

def pop_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys.pop()
    return np.sum(xs[-1] * x)

def insert_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else list(xs)
    ys.insert(0, x * 7.0)
    return np.sum(xs[0] * x)

def item_write_through_ifexp(x, flag):
    xs = [x * 1.0, x * 2.0]
    ys = xs if flag > 0 else [xs[0]]
    ys[0] = x * 3.0
    return np.sum(xs[0] * x)
"""

LOCAL_CASES = ["local_through_ifexp", "local_through_and_or", "local_through_or",
               "extended_through_ifexp", "repeated_through_ifexp", "extend_through_ifexp",
               "pop_through_ifexp", "insert_through_ifexp", "item_write_through_ifexp"]


def test_a_caller_list_given_by_a_conditional_expression_is_not_changed(load):
    """Before: value 5.4 and gradient [[0, 0], [2, 2]] for Python's -8.1 and
    [[9, 9], [0, 0]] (the append was dropped), tangent 0 for 18."""
    module = load("ifexp_argument_lists", LISTS)
    for f in (module.argument_through_ifexp, module.argument_through_and_or):
        error = _refused(f, ([A, B], 1), match="may change the caller's value 'xs'")
        assert error.location.line in (6, 11) and error.location.column == 5
        assert error.hint.endswith("ys = list(ys)")
        fixed = _follow_hint(load, f.__name__, LISTS, error)
        # (the caller's list left as it is: Python's value is 5.4 then)
        check_grads(fixed, ([A.copy(), B.copy()], 1), wrt=0, modes=("reverse", "forward"))


@pytest.mark.parametrize("name", LOCAL_CASES)
def test_a_local_list_changed_through_a_conditional_expression(load, name):
    """Before: the change through ``ys`` was not seen through ``xs`` (wrong gradients).
    Now refused where ``ys`` may be ``xs``; the hint, followed, differentiates."""
    f = getattr(load("ifexp_local_lists", LISTS), name)
    error = _refused(f, (X, 1), match=r"may also change 'xs', which is read later")
    assert error.location.filename.endswith("ifexp_local_lists.py")
    fixed = _follow_hint(load, name, LISTS, error)
    _check_every_mode(fixed, (X.copy(), 1))


# ------------------------------------------------------ 2. |= on a dict through an alias

DICTS = """
import numpy as np

def merged_through_alias(x, d, e):
    g = d
    g |= e
    return np.sum(d["w"] * d["b"] * x)

def updated_through_alias(x, d, e):
    g = d
    g.update(e)
    return np.sum(d["w"] * d["b"] * x)

def merged_argument(x, d, e):
    d |= e
    return np.sum(d["w"] * d["b"] * x)

def merged_copy(x, d, e):
    d = dict(d)
    d |= e
    return np.sum(d["w"] * d["b"] * x)

def merged_inner_dict(x, d, e):
    outer = {"in": d}
    inner = outer["in"]
    inner |= e
    return np.sum(outer["in"]["w"] * d["b"] * x)

def merged_twice_through_alias(x, d, e):
    h = dict(d)
    g = h
    g |= {"w": x * 2.0}
    g |= e
    return np.sum(h["w"] * h["b"] * x)

def merged_display(x, d, e):
    d |= {"w": x * 3.0}
    return np.sum(d["w"] * d["b"])

def merged_dict_call(x, d, e):
    g = d
    g |= dict(e)
    return np.sum(d["w"] * d["b"] * x)

def merged_comprehension(x, d, e):
    g = d
    g |= {k: v * x for k, v in e.items()}
    return np.sum(d["w"] * d["b"] * x)

def merged_in_a_loop(x, d, e):
    g = d
    for i in range(2):
        g |= e
    return np.sum(g["w"] * g["b"] * x)

def merged_through_ifexp(x, d, e):
    g = d if x[0] > 0 else dict(d)
    g |= e
    return np.sum(d["w"] * d["b"] * x)

def merged_through_alias_in_a_loop(x, d, e):
    g = d
    for i in range(2):
        g |= e
    return np.sum(d["w"] * d["b"] * x)

def merged_through_branch(x, d, e):
    g = d
    if x[0] > 0:
        g = dict(d)
    g |= e
    return np.sum(g["w"] * d["b"] * x)
"""

WORKING = ["merged_through_alias", "updated_through_alias", "merged_argument", "merged_copy",
           "merged_inner_dict", "merged_twice_through_alias", "merged_display",
           "merged_dict_call", "merged_comprehension", "merged_in_a_loop"]
REFUSED = ["merged_through_ifexp", "merged_through_alias_in_a_loop", "merged_through_branch"]


def _dicts():
    return {"w": A[:2].copy(), "b": B.copy()}, {"w": C.copy()}


@pytest.mark.parametrize("name", WORKING)
def test_a_dict_merged_in_place_is_seen_by_every_holder(load, name):
    """Before: ``g = d; g |= e`` ignored the merge (-0.24 for Python's 2.72) and its
    jvp refused the internal 'BinOp' at the def line; ``d |= e`` on an argument was
    refused as an array write (and so was its hint, ``d = dict(d)`` first)."""
    f = getattr(load("dict_merges", DICTS), name)
    d, e = _dicts()
    check_grads(f, (C[:2].copy(), d, e), wrt=(0, 1, 2), modes=("reverse", "forward"))
    _check_every_mode(f, (C[:2].copy(), d, e))
    assert d["w"] is not None and set(d) == {"w", "b"}   # the caller's dict stays


def test_the_reported_merge_through_an_alias(load):
    module = load("dict_merge_report", """
        import numpy as np

        def f(d, e):
            g = d
            g |= e
            return np.sum(d["w"] * d["b"])
        """)
    d, e = {"w": A.copy(), "b": B.copy()}, {"w": C.copy()}
    assert module.f(dict(d), e) == pytest.approx(2.72)
    value, (d_bar, e_bar) = s2sad.value_and_grad(module.f, wrt=(0, 1))(d, e)
    assert value == pytest.approx(2.72)
    np.testing.assert_allclose(d_bar["w"], [0.0, 0.0])   # replaced by e's
    np.testing.assert_allclose(d_bar["b"], C)
    np.testing.assert_allclose(e_bar["w"], B)
    assert d["w"] is not None and d["w"][0] == A[0]
    value, tangent = s2sad.jvp(module.f)(d, e, {"w": np.ones(2), "b": np.ones(2)})
    assert tangent == pytest.approx(np.sum(C))


@pytest.mark.parametrize("name", REFUSED)
def test_a_merge_another_name_may_see_is_refused_and_its_hint_works(load, name):
    f = getattr(load("dict_merges_refused", DICTS), name)
    d, e = _dicts()
    with pytest.raises(S2sadError, match=r"would also change 'd', which is read later") \
            as raised:
        s2sad.value_and_grad(f, wrt=(0, 1, 2))(C[:2].copy(), d, e)
    assert raised.value.hint.startswith("make 'g' a dict of its own before the write")
    fixed = _follow_hint(load, name, DICTS, raised.value)
    check_grads(fixed, (C[:2].copy(), *_dicts()), wrt=(0, 1, 2), modes=("reverse", "forward"))


def test_a_dict_argument_merged_or_updated_is_checked_against_the_others(load):
    """``d.update(...)`` and ``d |= ...`` on an argument another argument holds: Python
    changes what that one reads, s2sad's new dict would not (before: ``d.update``
    gave a wrong gradient, ``d |= {...}`` a refusal about arrays)."""
    module = load("dict_argument_merges", """
        import numpy as np

        def updated(x, d, s):
            d.update({"w": x * 3.0})
            return np.sum(s["in"]["w"] * x)

        def merged(x, d, s):
            d |= {"w": x * 3.0}
            return np.sum(s["in"]["w"] * x)
        """)
    for f, line in ((module.updated, 5), (module.merged, 9)):
        d = {"w": A.copy(), "b": B.copy()}
        with pytest.raises(SharedArgumentsError, match=f"argument 'd' \\(line {line}\\), "
                                                        f"and 's' is \\(or holds\\) that dict"):
            s2sad.grad(f)(C.copy(), d, {"in": d})
        # apart, each differentiates
        check_grads(f, (C.copy(), {"w": A.copy(), "b": B.copy()},
                        {"in": {"w": A.copy(), "b": B.copy()}}), wrt=0,
                    modes=("reverse", "forward"))


def test_a_bitwise_operator_is_refused_where_it_is_written(load):
    module = load("bitwise_update", """
        import numpy as np

        def f(x, y):
            z = x
            z |= y
            return np.sum(z)

        def mask(x, y):
            z = x > 0
            z |= y > 0
            return np.sum(x * z)
        """)
    for transform in (lambda: s2sad.grad(module.f)(X, X),
                      lambda: s2sad.jvp(module.f)(X, X, np.ones(3))):
        with pytest.raises(S2sadError, match="the operator '\\|' cannot be differentiated "
                                             "here") as raised:
            transform()
        assert raised.value.location.line == 6 and raised.value.location.column == 5
    check_grads(module.mask, (X.copy(), -X), wrt=0, modes=("reverse", "forward"))


def test_the_run_time_in_place_check_knows_a_dict_merge():
    with pytest.raises(S2sadError, match="may change"):
        check_not_inplace({"w": 1.0}, "'g |= ...' may change 'd' too", "hint", "f.py", 3, 5)
    with pytest.raises(S2sadError, match="may change"):
        check_not_inplace({1}, "'g |= ...' may change 'd' too", "hint", "f.py", 3, 5)
    assert check_not_inplace(3, "", "", "f.py", 3, 5) is True


# ------------------------------------------------------------- 3. hints, followed

HINTS = """
import numpy as np

def copy_then_write(x):
    a = x * 1.0
    b = a
    b[0] = x[1] * 3.0
    return np.sum(a * x)

def slice_then_write(x):
    a = x * 1.0
    v = a[1:]
    v[0] = x[0] * 3.0
    return np.sum(a * x)

def transpose_then_write(x):
    a = x * 1.0
    b = a.T
    b[0] = x[1] * 3.0
    return np.sum(a * x)

def write_an_item_of_a_list(x):
    a = x * 1.0
    xs = [a, x]
    a[0] = x[1] * 3.0
    return np.sum(xs[0] * x)

def write_an_item_of_a_dict(x):
    a = x * 1.0
    d = {"a": a}
    a[0] = x[1] * 3.0
    return np.sum(d["a"] * x)

def write_through_ifexp(x):
    a = x * 1.0
    b = a if x[0] > 0 else np.copy(a)
    b[0] = x[1] * 3.0
    return np.sum(a * x)

def write_rows_read_later(M):
    M = M * 1.0
    for row in M:
        row[0] = row[1] * 2.0
    return np.sum(M * M)

def write_while_looping_over_rows(M):
    M = M * 1.0
    for row in M:
        M[0, 0] = M[0, 0] + row[1]
        s = row[0]
    return np.sum(M * M)
"""

HINT_CASES = ["copy_then_write", "slice_then_write", "transpose_then_write",
              "write_an_item_of_a_list", "write_an_item_of_a_dict", "write_through_ifexp",
              "write_rows_read_later", "write_while_looping_over_rows"]


@pytest.mark.parametrize("name", HINT_CASES)
def test_a_write_hint_followed_literally_differentiates(load, name):
    """The hint copies the name written through, right before the write (before: it
    named the other name, ``a = np.copy(...)``, refused again where followed, or
    ``xs = np.copy(...)`` for a list)."""
    f = getattr(load("write_hints", HINTS), name)
    arg = np.array([[0.3, -1.2], [2.0, 0.5], [1.1, 0.7]]) if "rows" in name else X.copy()
    error = _refused(f, (arg,), match="change")
    written = re.search(r"make '(\w+)' an array of its own", error.hint).group(1)
    assert error.hint.endswith(f"{written} = np.copy({written})")
    assert "right before the write" in error.hint
    _check_every_mode(_follow_hint(load, name, HINTS, error), (arg.copy(),))


def test_an_array_in_a_list_shares_no_memory_with_the_other_items(load):
    """``xs = [a, x]`` then a write into ``a``: ``x`` is another array (before: refused,
    'writing into a would also change x')."""
    module = load("list_items_apart", """
        import numpy as np

        def f(x):
            a = x * 1.0
            xs = [a, x]
            a[0] = x[1] * 3.0
            return np.sum(a * x)
        """)
    _check_every_mode(module.f, (X.copy(),))


# ------------------------------------------------- 4. a list's += and *= through a name

LIST_UPDATES = """
import numpy as np

def repeated_argument(xs, x):
    xs *= 2
    return np.sum(xs[-1] * x) * len(xs)

def repeated_through_alias(xs, x):
    ys = xs
    ys *= 2
    return np.sum(xs[-1] * x) * len(xs)

def extended_through_alias(xs, x):
    ys = xs
    ys += [x * 3.0]
    return np.sum(xs[-1] * x) * len(xs)

def repeated_in_a_loop(xs, x):
    ys = [x * 1.0, xs[0]]
    zs = ys
    for i in range(2):
        zs *= 2
    return np.sum(ys[-1] * x) * len(ys)

def extended_in_a_loop(xs, x):
    ys = [x * 1.0]
    zs = ys
    for i in range(2):
        zs += [zs[-1] * xs[1]]
    return np.sum(ys[-1] * x) * len(ys)
"""


@pytest.mark.parametrize("name", ["repeated_argument", "repeated_through_alias",
                                  "extended_through_alias", "repeated_in_a_loop",
                                  "extended_in_a_loop"])
def test_a_list_repeated_or_extended_in_place_through_any_name(load, name):
    """``xs *= 2`` on a list argument (before: refused as a change of the caller's
    list, though the argument is copied on entry as for ``xs += [...]``), and ``zs *= 2``
    in a loop (before: refused as an array's in-place update)."""
    f = getattr(load("list_updates", LIST_UPDATES), name)
    args = ([A.copy(), B.copy()], C[:2].copy())
    check_grads(f, args, wrt=(0, 1), modes=("reverse", "forward"))
    assert args[0][0][0] == A[0] and len(args[0]) == 2   # the caller's list stays


def test_a_dict_argument_read_as_an_array_is_located_and_its_hint_works(load):
    """A dict argument written by item with keys its code does not show to be a dict's
    (its name rebound, so the arguments' structure does not vouch for it): refused with
    the file, line and column of the write (before: the message named only the line),
    and the hint (``d = dict(d)`` right before the write), followed, differentiates."""
    text = """
        import numpy as np

        def f(d, k, x):
            d, n = d, 2
            d[k] = x * n
            return np.sum(d[k] * x)
        """
    module = load("dict_read_as_array", text)
    with pytest.raises(S2sadError, match="it is a dict") as raised:
        s2sad.grad(module.f, wrt=2)({"w": A.copy()}, "w", C[:2].copy())
    where = raised.value.location
    assert where.filename.endswith("dict_read_as_array.py")
    assert (where.line, where.column) == (6, 5)
    fixed = _follow_hint(load, "f", text, raised.value)
    check_grads(fixed, ({"w": A.copy()}, "w", C[:2].copy()), wrt=2,
                modes=("reverse", "forward"))
