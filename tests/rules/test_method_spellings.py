"""Every ndarray method spelling of the rule table (``registry.METHODS``), called with only
its required arguments and with its positional ones, is differentiated right in both modes
against central finite differences: ``x.clip(0.0)`` became ``np.clip(x, 0.0)``, which numpy
rejects (its ``a_max`` is required), because the method's positional parameters are not the
function's (``registry.METHOD_KEYWORDS``)."""

import inspect

import numpy as np
import pytest

from s2sad.rules import loading, registry
from s2sad.testing import check_grads

#: method -> calls of it on ``x`` (a 2x3 float64 array), its required arguments only first
CALLS = {
    "all": ["x * (x > -9.0).all()"],
    "any": ["x * (x > 0.0).any()"],
    "argmax": ["x * x.argmax()", "x * x.argmax(0)"],
    "argmin": ["x * x.argmin()"],
    "argsort": ["x * x.argsort()"],
    "argpartition": ["x * x.argpartition(1)"],
    "nonzero": ["x[(x > 0.0).nonzero()]"],
    "searchsorted": ["x * np.array([0.1, 0.5, 0.9]).searchsorted(0.4)"],
    "astype": ["x.astype(np.float64)", "x.astype(np.float64, 'C')"],
    "choose": ["np.array([[0, 1, 0], [1, 0, 1]]).choose([x, x * x])"],
    "clip": ["x.clip()", "x.clip(0.0)", "x.clip(None, 1.0)", "x.clip(0.0, 1.0)",
             "x.clip(0.0, max=1.0)", "x.clip(max=1.0)", "x.clip(min=0.4)"],
    "copy": ["x.copy()"],
    "cumprod": ["x.cumprod()", "x.cumprod(1)"],
    "cumsum": ["x.cumsum()", "x.cumsum(0)"],
    "diagonal": ["x.diagonal()", "x.diagonal(1)"],
    "dot": ["x.dot(x.T)"],
    "flatten": ["x.flatten()", "x.flatten('F')"],
    "max": ["x.max()", "x.max(1)"],
    "mean": ["x.mean()", "x.mean(0)"],
    "min": ["x.min()", "x.min(0)"],
    "prod": ["x.prod()", "x.prod(1)"],
    "ravel": ["x.ravel()", "x.ravel('F')", "x.T.ravel('A')", "x.ravel('K')"],
    "repeat": ["x.repeat(2)", "x.repeat(2, 1)"],
    "reshape": ["x.reshape(-1)", "x.reshape(3, 2)", "x.reshape((3, 2))"],
    "round": ["(x * 1.3).round() + x", "(x * 1.3).round(2) + x"],
    "squeeze": ["x[None].squeeze()", "x[None].squeeze(0)"],
    "std": ["x.std()", "x.std(1)"],
    "sum": ["x.sum()", "x.sum(1)"],
    "swapaxes": ["x.swapaxes(0, 1)"],
    "take": ["x.take([0, 4])", "x.take([0, 2], 1)"],
    "trace": ["x.trace()", "x.trace(1)"],
    "transpose": ["x.transpose()", "x.transpose(1, 0)", "x.transpose((1, 0))"],
    "var": ["x.var()", "x.var(0)"],
}
CASES = [(name, i, call) for name, calls in CALLS.items() for i, call in enumerate(calls)]
X = np.array([[0.3, -0.2, 0.5], [1.5, 0.7, -1.1]])


def test_every_method_spelling_has_calls_here():
    loading.load_builtin_rules()
    assert sorted(registry.METHODS) == sorted(CALLS)


def test_positional_parameters_of_methods_reach_the_function_by_their_names():
    """A method's positional parameter passed by position to the function it becomes lands
    on the function's parameter of the same name, else it is passed by keyword."""
    loading.load_builtin_rules()
    for name, (target, _) in registry.METHODS.items():
        method = inspect.signature(getattr(np.ndarray, name)).parameters
        positional = [p for p in method.values() if p.kind is p.POSITIONAL_OR_KEYWORD
                      or p.kind is p.POSITIONAL_ONLY][1:]   # (after self)
        function = list(inspect.signature(target).parameters)[1:]
        by_name = registry.METHOD_KEYWORDS.get(name, ())
        if name in registry.METHOD_POSITIONS:   # (passed by position, None where not given)
            assert tuple(p.name for p in positional[:len(registry.METHOD_POSITIONS[name])]) \
                == registry.METHOD_POSITIONS[name]
            continue
        for i, parameter in enumerate(positional):
            keyword = by_name[i] if i < len(by_name) else None
            if keyword is None:
                assert i < len(function) and function[i] in (parameter.name, "other") \
                    or name == "dot" and function[i] == "b", (name, parameter.name)
            else:
                assert keyword == parameter.name, (name, keyword)


@pytest.mark.parametrize("name,index,call", CASES, ids=[f"{n}{i}" for n, i, _ in CASES])
def test_method_spelling_against_finite_differences(load, name, index, call):
    module = load(f"method_{name}_{index}", f"""
        import numpy as np

        def f(x):
            return np.sum(np.sin({call}) * 1.5)
        """)
    check_grads(module.f, (X.copy(),), modes=("reverse", "forward"))
