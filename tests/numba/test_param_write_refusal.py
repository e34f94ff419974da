"""The ``out=None`` idiom (a function writing into a parameter) with backend="numba": s2sad
checks at each call that no other argument shares the parameter's memory, a check numba
cannot compile, so the numpy code runs; the warning names the parameter and the user's
line of its first write, not only the runtime helper."""

import warnings

import numpy as np

import s2sad


def fill(x, out=None):
    if out is None:
        out = np.zeros(2)
    for i in range(2):
        out[i] += x[i] * x[1 - i]
    return np.sum(out ** 2)


def test_out_parameter_fallback_names_the_parameter_and_its_line():
    x = np.array([0.7, 1.3])
    g = s2sad.value_and_grad(fill, backend="numba")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, grad = g(x)
    p = x[0] * x[1]   # by hand: out = [p, p], value 2 p ** 2
    np.testing.assert_allclose(value, 2 * p ** 2, rtol=1e-12)
    np.testing.assert_allclose(grad, 4 * p * np.array([x[1], x[0]]), rtol=1e-12)
    text = " ".join(str(w.message) for w in caught
                    if issubclass(w.category, s2sad.NumbaFallbackWarning))
    assert "parameter 'out'" in text and "out[i] += x[i] * x[1 - i]" in text, text
    assert "line 17" in text, text
