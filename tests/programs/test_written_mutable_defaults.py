"""A top-level function writing into a parameter whose default is a list, a dict or an
array: Python's call without the argument changes the default itself (the next call
sees it), s2sad writes into a copy, so that call is refused, located at the write, with
a hint that works when followed; a call passing the argument is differentiated."""

import inspect
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
import written_defaults as wd
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads
from in_process import s2sad_command

MODES = ["grad", "value_and_grad", "vjp", "jvp"]


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _call(mode, f, *args, **kwargs):
    if mode == "jvp":
        return s2sad.jvp(f)(*args, 1.0, **kwargs)
    return getattr(s2sad, mode)(f)(*args, **kwargs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, write, default", [
    (wd.list_default_grows, "hist.append", "[]"),
    (wd.array_default_updated, "acc += x", "np.zeros(2)"),
    (wd.dict_default_written, 'd["a"] =', "{}"),
    (wd.keyword_list_default, "hist.append", "[]")])
def test_a_call_leaving_a_written_mutable_default_is_refused(mode, f, write, default):
    before = repr(f.__defaults__) + repr(f.__kwdefaults__)
    with pytest.raises(UnsupportedSyntaxError, match="default") as info:
        _call(mode, f, 1.5)
    assert info.value.location.line == _line_of(f, write)
    assert info.value.location.filename == f.__code__.co_filename
    assert f"= {default}" in info.value.hint and "is None" in info.value.hint
    assert repr(f.__defaults__) + repr(f.__kwdefaults__) == before


def test_calls_passing_the_argument_work():
    check_grads(wd.list_default_grows, (1.5, [1.0]), wrt=0, modes=("reverse",))
    check_grads(wd.array_default_updated, (1.5, np.array([1.0, -2.0])), wrt=0,
                modes=("reverse", "forward"))
    check_grads(wd.dict_default_written, (1.5, {"b": 1.0}), wrt=0, modes=("reverse",))
    # by hand: sum((acc + x)**2) -> 2 * sum(acc + x)
    acc = np.array([1.0, -2.0])
    assert s2sad.grad(wd.array_default_updated)(1.5, acc) == 2 * np.sum(acc + 1.5)
    np.testing.assert_array_equal(acc, [1.0, -2.0])
    assert s2sad.grad(wd.keyword_list_default)(1.5, hist=[2.0]) == 3.0
    # the refused call first, then one passing it: the same derivative works
    g = s2sad.grad(wd.list_default_grows)
    with pytest.raises(UnsupportedSyntaxError):
        g(1.5)
    assert g(1.5, []) == 2.0


def test_second_order_modes():
    x = np.array([1.0, 2.0])
    for mode in ("jacobian", "hessian"):
        with pytest.raises(UnsupportedSyntaxError, match="default"):
            getattr(s2sad, mode)(wd.array_default_updated)(x)
    # sum((acc + x)**2): hessian 2 I
    np.testing.assert_allclose(s2sad.hessian(wd.array_default_updated)(x, np.zeros(2)),
                               2 * np.eye(2))


def test_a_default_only_read_is_no_concern():
    assert s2sad.grad(wd.list_default_read_only)(1.5) == 1.0


def test_a_function_its_global_name_holds_is_checked_at_the_call():
    with pytest.raises(UnsupportedSyntaxError, match="default") as info:
        s2sad.grad(wd.closure_default)(1.5)
    assert info.value.location.line == _line_of(wd.closure_default, "hist.append")
    assert s2sad.grad(wd.closure_default)(1.5, [1.0]) == 2.0


def test_a_function_no_global_name_holds_is_refused_at_its_default(tmp_path):
    (tmp_path / "unnamed_default.py").write_text(textwrap.dedent("""\
        def make():
            def inner(x, hist=[]):
                hist.append(x * 2.0)
                return sum(hist)
            return inner


        g = make()
    """))
    sys.path.insert(0, str(tmp_path))
    try:
        import unnamed_default
    finally:
        sys.path.remove(str(tmp_path))
    with pytest.raises(UnsupportedSyntaxError, match="default") as info:
        s2sad.grad(unnamed_default.g)(1.5)
    assert (info.value.location.line, info.value.location.column) == (2, 23)
    assert "hist = []" in info.value.hint


def test_the_hint_followed_works():
    def followed(x, hist=None):
        if hist is None:
            hist = []
        hist.append(x * 2.0)
        return sum(hist)
    assert s2sad.value_and_grad(followed)(1.5) == (3.0, 2.0)


def test_written_module_refuses_the_default_call(tmp_path):
    (tmp_path / "grows.py").write_text(textwrap.dedent("""\
        def f(x, hist=[]):
            hist.append(x * 2.0)
            return sum(hist)
    """))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path), os.path.dirname(os.path.dirname(s2sad.__file__))]))
    s2sad_command(["grad", "grows.py:f", "-o", "grows_grad.py"],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    written = (tmp_path / "grows_grad.py").read_text()   # (the default f holds, checked)
    assert "hist=f_defaults_0" in written, written
    assert "f_defaults_0 = closure_value('grows', ('f', '.__defaults__', '[0]'))" in written
    script = textwrap.dedent("""\
        from grows_grad import f_value_and_grad
        print(f_value_and_grad(1.5, [1.0]))
        try:
            f_value_and_grad(1.5)
        except Exception as e:
            print(type(e).__name__)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "(4.0, 2.0)" and out[1] == "UnsupportedSyntaxError"


THROUGH_A_NAME = [
    (wd.list_default_through_name, "h.append", [1.0]),
    (wd.list_default_extended_through_name, "h += ", [1.0]),
    (wd.dict_default_merged_through_name, "e |= ", {"b": 1.0}),
    (wd.dict_default_updated_through_name, "e.update", {"b": 1.0}),
    (wd.dict_default_item_through_name, 'e["a"] =', {"b": 1.0})]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, write, given", THROUGH_A_NAME)
def test_a_default_changed_through_another_name_is_refused_where_it_changes(mode, f, write,
                                                                            given):
    # h = hist; h.append(v) changes the default as hist.append(v) does: the call leaving
    # it to its default is refused, located at the change, its line quoted
    before = repr(f.__defaults__)
    with pytest.raises(UnsupportedSyntaxError) as info:
        _call(mode, f, 1.5)
    where = info.value.location
    assert where.line == _line_of(f, write) and where.filename == f.__code__.co_filename
    assert where.column == 5 and write in where.code
    assert repr(f.__defaults__) == before
    if given is not None:   # passing the argument: differentiated (finite differences)
        check_grads(f, (1.5, given), wrt=0, modes=("reverse", "forward"))


@pytest.mark.parametrize("f, grad, hvp", [
    # sum(1 + x) * 2, and sum(1 + x) ** 2 (b changes before np.sum(b) reads it)
    (wd.adds_into_a_new_array, lambda x: np.full(2, 2.0), lambda x, v: np.zeros(2)),
    (wd.adds_into_a_local, lambda x: np.full(2, 2.0 * np.sum(1.0 + x)),
     lambda x, v: np.full(2, 2.0 * np.sum(v)))])
def test_a_helper_adding_into_its_array_parameter_changes_the_callers_array(f, grad, hvp):
    # acc += v on an array changes the caller's array in place, as acc[...] += v (effects14)
    x, v = np.array([1.0, 2.0]), np.array([1.0, -0.5])
    np.testing.assert_allclose(s2sad.grad(f)(x), grad(x), rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(f)(x, v)[1], grad(x) @ v, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(f)(x, v), hvp(x, v), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES + ["hvp"])
def test_a_helper_adding_into_its_default_is_refused_at_the_call(mode):
    # Python would change the default array itself, and every later call would see it
    x = np.array([1.0, 2.0])
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.hvp(wd.adds_into_its_default)(x, x) if mode == "hvp" \
            else s2sad.jvp(wd.adds_into_its_default)(x, x) if mode == "jvp" \
            else _call(mode, wd.adds_into_its_default, x)
    message = str(info.value)
    assert "adds_into writes into its parameter 'acc', which this call leaves to its " \
           "default" in message
    assert info.value.location.line == _line_of(wd.adds_into_its_default, "adds_into(x)")


def test_the_hint_in_place_spelling_is_differentiated():
    check_grads(wd.adds_into_items_of_a_local, (np.array([1.0, 2.0]),),
                modes=("reverse", "forward"))
    x = np.array([1.0, 2.0])
    # by hand: b = 3 + x after the call; f = 2 * sum(b^2) + sum(b * x)
    assert np.allclose(s2sad.grad(wd.adds_into_items_of_a_local)(x), 4.0 * (3.0 + x) + 3.0 + 2.0 * x)
    assert np.allclose(s2sad.hessian(wd.adds_into_items_of_a_local)(x), 6.0 * np.eye(2))
