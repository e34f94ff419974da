"""``s2sad grad F.py:f --mode forward [--flavor hvp]`` modules keep the user's signature:
a keyword-only parameter stays keyword-only with its default, a positional one keeps its
default (they were all made positional, their defaults lost, before; value_and_grad and
vjp modules kept them).  The tangents follow the positional parameters, keyword-only where
one of those has a default.  Each module is imported and called as the user's function is
called, against central finite differences."""

import importlib
import inspect
import os
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    W = np.array([1.0, 3.0])


    def with_defaults(x, w=2.0, *, scale=3.0, k=1):
        return np.sum(np.sin(x) * w) * scale * k


    def keyword_only(x, w, *, s=2.0, m=W):
        return np.sum(np.sin(x * w) * m) * s


    def required_keyword(x, m=W, *, p):
        return np.sum(np.cos(x) * m) * p
"""

X = np.array([0.3, -0.7])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("forward_signatures")
    (root / "sig_source.py").write_text(textwrap.dedent(SOURCE))
    made = {}
    for name in ("with_defaults", "keyword_only", "required_keyword"):
        for flavor in ("jvp", "hvp"):
            module = f"sig_{name}_{flavor}"
            s2sad_command(["grad", f"sig_source.py:{name}",
                            "--mode", "forward", "--flavor", flavor, "-o", f"{module}.py"],
                           check=True, cwd=root, env=_ENV)
            made[name, flavor] = module
    sys.path.insert(0, str(root))
    try:
        source = importlib.import_module("sig_source")
        yield source, {k: importlib.import_module(v) for k, v in made.items()}
    finally:
        sys.path.remove(str(root))
        for name in ["sig_source", *made.values()]:
            sys.modules.pop(name, None)


def _user_parameters(fn, tangents):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
            if p.name not in tangents]


@pytest.mark.parametrize("flavor", ["jvp", "hvp"])
def test_the_signature_is_the_user_s(written, flavor):
    source, modules = written
    for name in ("with_defaults", "keyword_only", "required_keyword"):
        fn = getattr(modules[name, flavor], f"{name}_{flavor}")
        user = [(p.name, p.kind, p.default)
                for p in inspect.signature(getattr(source, name)).parameters.values()]
        kept = _user_parameters(fn, {"x_dot"})
        assert [(n, k) for n, k, _ in kept] == [(n, k) for n, k, _ in user]
        for (_, _, mine), (_, _, theirs) in zip(kept, user):
            assert mine is theirs or mine == theirs   # (W: the user's own array)
        dot = inspect.signature(fn).parameters["x_dot"]
        has_default = any(p.default is not p.empty and p.kind == p.POSITIONAL_OR_KEYWORD
                          for p in inspect.signature(getattr(source, name)).parameters.values())
        assert dot.kind == (dot.KEYWORD_ONLY if has_default else dot.POSITIONAL_OR_KEYWORD)


CALLS = [("with_defaults", (X,), {}), ("with_defaults", (X, 0.5), {"scale": 1.5}),
         ("with_defaults", (X,), {"k": 2}), ("keyword_only", (X, 1.3), {}),
         ("keyword_only", (X, 1.3), {"s": -1.0}), ("required_keyword", (X,), {"p": 2.0}),
         ("required_keyword", (X, np.array([0.5, 2.0])), {"p": -1.0})]


@pytest.mark.parametrize("name, args, kwargs", CALLS)
def test_modules_called_as_the_function_is_give_finite_differences(written, name, args,
                                                                    kwargs):
    source, modules = written
    user = getattr(source, name)

    def along_x(x):
        return user(x, *args[1:], **kwargs)

    grad = finite_difference_gradient(along_x, (X,))
    v = np.array([0.4, -1.1])
    jvp = getattr(modules[name, "jvp"], f"{name}_jvp")
    dot_positional = inspect.signature(jvp).parameters["x_dot"].kind != inspect.Parameter.KEYWORD_ONLY
    call_args, call_kwargs = (args + (v,), kwargs) if dot_positional \
        else (args, {**kwargs, "x_dot": v})
    value, tangent = jvp(*call_args, **call_kwargs)
    assert value == pytest.approx(along_x(X))
    assert tangent == pytest.approx(grad @ v, rel=1e-6)
    hvp = getattr(modules[name, "hvp"], f"{name}_hvp")
    (value, gradient), product = hvp(*call_args, **call_kwargs)
    np.testing.assert_allclose(gradient, grad, rtol=1e-6, atol=1e-9)
    by_fd = (finite_difference_gradient(along_x, (X + 1e-4 * v,))
             - finite_difference_gradient(along_x, (X - 1e-4 * v,))) / 2e-4
    np.testing.assert_allclose(product, by_fd, rtol=1e-4, atol=1e-6)


def test_a_missing_tangent_is_python_s_type_error_not_a_misbinding(written):
    _, modules = written
    with pytest.raises(TypeError, match="x_dot"):
        modules["with_defaults", "jvp"].with_defaults_jvp(X, np.ones(2))


def test_the_numba_target_keeps_the_signature_as_numpy_s(tmp_path):
    """(the numba module's Python wrapper keeps f's signature, defaults and keyword-only
    tangents, as the numpy module's; it calls the compiled code by position)"""
    pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")
    (tmp_path / "sig_numba_source.py").write_text(textwrap.dedent(SOURCE))
    s2sad_command(["grad", "sig_numba_source.py:with_defaults",
                    "--mode", "forward", "--target", "numba", "-o", "sig_numba_jvp.py"],
                   check=True, cwd=tmp_path, env=_ENV)
    assert "def with_defaults_jvp(x, w=2.0, *, x_dot, scale=3.0, k=1):" in \
        (tmp_path / "sig_numba_jvp.py").read_text()
    sys.path.insert(0, str(tmp_path))
    try:
        source = importlib.import_module("sig_numba_source")
        module = importlib.import_module("sig_numba_jvp")
        v = np.array([0.4, -1.1])
        _, tangent = module.with_defaults_jvp(X, x_dot=v)
        grad = finite_difference_gradient(source.with_defaults, (X,))
        assert tangent == pytest.approx(grad @ v, rel=1e-6)
        _, tangent = module.with_defaults_jvp(X, 1.5, x_dot=v, scale=2.0, k=2)
        grad = finite_difference_gradient(
            lambda x: source.with_defaults(x, 1.5, scale=2.0, k=2), (X,))
        assert tangent == pytest.approx(grad @ v, rel=1e-6)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("sig_numba_source", None)
        sys.modules.pop("sig_numba_jvp", None)
