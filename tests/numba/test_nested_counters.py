"""Nested range() loops whose counters are read after them (``return s * (i + j)``): the
inner counter, pre-declared and saved on the tape, gets the outer's placeholder and the
function compiles (the README: a range() loop's counter gets a value)."""

import sys
import warnings

import numpy as np

import s2sad

SOURCE = ("def nested(x, n):\n"
          "    s = 0.0\n"
          "    for i in range(n):\n"
          "        for j in range(n):\n"
          "            s = s + x[i] * x[j]\n"
          "    return s * (i + j)\n")


def test_inner_counter_read_after_nested_loops_compiles(tmp_path):
    (tmp_path / "nested_counters.py").write_text(SOURCE)
    sys.path.insert(0, str(tmp_path))
    try:
        import nested_counters
    finally:
        sys.path.remove(str(tmp_path))
    g = s2sad.value_and_grad(nested_counters.nested, backend="numba")
    x = np.array([0.5, 1.0, -0.3, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        for n in (1, 3, 4):
            value, grad = g(x, n)
            total = x[:n].sum()   # by hand: s = total ** 2, times 2 (n - 1)
            np.testing.assert_allclose(value, total ** 2 * 2 * (n - 1), rtol=1e-12)
            expected = np.zeros_like(x)
            expected[:n] = 2 * total * 2 * (n - 1)
            np.testing.assert_allclose(grad, expected, rtol=1e-12)
    assert g.backend_used == "numba"


def test_refusal_of_an_inner_loop_value_names_the_inner_loop(tmp_path):
    """Where the inner loop's value is not a count (``for j in x``) the numba target
    still refuses; the message names the inner loop, and claims no early exit."""
    (tmp_path / "nested_items.py").write_text(
        "def nested(x, n):\n"
        "    s = 0.0\n"
        "    for i in range(n):\n"
        "        for j in x:\n"
        "            s = s + x[i] * j\n"
        "    return s * (i + j)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import nested_items
    finally:
        sys.path.remove(str(tmp_path))
    g = s2sad.value_and_grad(nested_items.nested, backend="numba")
    x = np.array([0.5, 1.0, -0.3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, grad = g(x, 3)
    total = x.sum()   # by hand: s = total ** 2, times (2 + x[-1])
    np.testing.assert_allclose(value, total ** 2 * (2 + x[-1]), rtol=1e-12)
    np.testing.assert_allclose(grad, 2 * total * (2 + x[-1]) + np.array([0, 0, total ** 2]),
                               rtol=1e-12)
    text = " ".join(str(w.message) for w in caught
                    if issubclass(w.category, s2sad.NumbaFallbackWarning))
    assert "nested_items.py:4:9: for j in x:" in text and "end early" not in text, text
