"""The walk of a tree with its nodes indexed by class (``nodes.indexed_walk``): what the
fence and the normalizer's checks read instead of testing every node's class."""

import gast

from s2sad.syntax import nodes

SOURCE = '''
def f(x, xs, d):
    total = 0.0
    for i in range(3):
        if i > 1:
            total = total + np.sin(x[i]) * 2.0
        xs.append(lambda z: z * total)
    d["k"] = [v for v in xs]
    def inner(y):
        return y + 1.0
    return inner(total) + sum(w for w in (1.0, 2.0))
'''


def test_an_indexed_walk_is_the_walk_and_its_classes_in_order():
    tree = gast.parse(SOURCE).body[0]
    plain, indexed = nodes.walk(tree), nodes.indexed_walk(tree)
    assert [id(n) for n in indexed] == [id(n) for n in plain]
    for cls in {n.__class__ for n in plain} | {gast.While, gast.Starred}:
        expected = [id(n) for n in plain if n.__class__ is cls]
        assert [id(n) for n in nodes.of_class(indexed, cls)] == expected
        assert [id(n) for n in nodes.of_class(plain, cls)] == expected   # (no index)
    assert sum(len(found) for found in indexed.classes.values()) == len(plain)


def test_slices_of_an_indexed_walk_are_plain_lists_read_by_class():
    tree = gast.parse(SOURCE).body[0]
    part = nodes.indexed_walk(tree)[5:]
    assert not hasattr(part, "classes")
    assert nodes.of_class(part, gast.Name) == [n for n in part if n.__class__ is gast.Name]

