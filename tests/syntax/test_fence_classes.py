"""The fence reads the function's nodes by class (``nodes.by_class``) to skip the checks
no node of theirs can fail: the refusals are the same, the first one in the function's
order (breadth first, as ``gast.walk``) where several would be."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

COMPLEX_FIRST = '''
import numpy as np


def f(x):
    y = 1j
    z = x.astype("complex128")
    return np.sum(y.real + z.real)
'''

# (the literal stands deeper in its statement than the call in the next one: breadth
# first, the call is met first)
DEEPER_LITERAL = '''
import numpy as np


def f(x):
    y = np.sin(x) * (1j * x)
    z = x.astype("complex128")
    return np.sum(y.real + z.real)
'''

DTYPE_FIRST = '''
import numpy as np


def f(x):
    z = x.astype("complex128")
    y = np.sin(x) * (1j * x)
    return np.sum(y.real + z.real)
'''

LOOP_ELSE = '''
import numpy as np


def f(x):
    s = 0.0
    for v in x:
        if v > 5.0:
            break
        s = s + v
    else:
        s = s * 2.0
    return s
'''

LOCAL_DEFAULT = '''
import numpy as np


def f(x):
    def g(y, k=1, *rest):
        return y * k
    return np.sum(g(x))
'''


@pytest.mark.parametrize("text, line, words", [
    (COMPLEX_FIRST, 6, "the complex literal 1j"),
    (DEEPER_LITERAL, 7, "the complex dtype 'complex128'"),
    (DTYPE_FIRST, 6, "the complex dtype 'complex128'"),
    (LOOP_ELSE, 11, "'for ... else' with a 'break' is not supported"),
    (LOCAL_DEFAULT, 6, "local functions with *args"),
])
def test_the_first_refusal_where_it_was(load, text, line, words):
    f = load(f"fence_classes_{abs(hash(text)) % 10 ** 6}", text).f
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(np.array([0.5, 1.0]))
    assert words in str(info.value)
    assert f".py:{line}:" in str(info.value).split("\n")[0], str(info.value)


def test_a_function_without_the_refused_classes_is_differentiated(load):
    f = load("fence_classes_plain", "import numpy as np\n\n\ndef f(x):\n"
             "    y = np.sin(x) * x\n    return np.sum(y * y)\n").f
    x = np.array([0.5, -1.0, 2.0])
    eps, g = 1e-6, s2sad.grad(f)(x)
    fd = [(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-6)
