"""Which names a function reads only whole (``analysis.whole_reads``): what code made
without its arguments (a module the CLI writes) asks of a parameter of unknown kind
before it gives the parameter's derivative the argument's own structure.  The reads of
every name are found in one walk of the statements (it was one walk per parameter,
repeated for each copy of it); the answers are those of the rule the module states."""

import textwrap

import gast
import pytest

from s2sad.analysis.whole_reads import WholeReads


def _reads(source):
    tree = gast.parse(textwrap.dedent(source))
    return WholeReads(tree.body[0].body)


BODY = """
def f(a, b, c, d, e, g, h, k, m, p):
    t = a * 2.0 - b
    u = np.sin(c) + np.dot(c, a)
    v = d.shape[0] + np.real(d)
    w = e[0]
    q = np.stack(g)
    r = len(h)
    s = k
    s2 = s + 1.0
    n = m
    n2 = n
    n3 = n2[1]
    if p > 0:
        for i in range(3):
            z = p * i
    return t
"""


@pytest.mark.parametrize("name, whole", [
    ("a", True),    # operands of arithmetic
    ("b", True),
    ("c", True),    # arguments of np.sin, np.dot
    ("d", True),    # an attribute only arrays have; np.real
    ("e", False),   # an item
    ("g", False),   # np.stack reads a sequence's items
    ("h", False),   # a builtin over it
    ("k", True),    # copied to a name read whole
    ("m", False),   # copied twice, then an item of the copy
    ("p", True),    # compared, and an operand in a loop of a branch
])
def test_whole_reads_of_each_parameter(name, whole):
    assert _reads(BODY).only_whole(name) is whole


def test_copies_in_a_cycle_are_followed_once():
    reads = _reads("""
        def f(x, y):
            a = x
            for i in range(2):
                b = a
                a = b
            return np.sum(a * a)
        """)
    assert reads.only_whole("x") is True
    reads = _reads("""
        def f(x):
            a = x
            for i in range(2):
                b = a
                a = b
            return b[0]
        """)
    assert reads.only_whole("x") is False


def test_a_reduction_of_a_module_reads_the_items():
    reads = _reads("""
        def f(x, y):
            s = np.sum(x)
            t = np.sum(x, axis=0) * y
            return s + t
        """)
    assert reads.only_whole("x") is False
    assert reads.only_whole("y") is True
