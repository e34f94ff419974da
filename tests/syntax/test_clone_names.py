"""``nodes.clone`` copies a name by a shorter path where nothing but its fields and
location is set: the copy must be what the general path makes, every other name too."""

import copy

import gast

from s2sad.syntax import anno, nodes


def _names():
    """Names of every kind clone meets: made by the passes, parsed (located), stored,
    annotated, with an annotation field set, and with a key of another kind."""
    made = nodes.name("x")
    stored = nodes.name("y", store=True)
    parsed = gast.parse("z = w").body[0]
    located, target = parsed.value, parsed.targets[0]
    marked = anno.set(nodes.name("h"), anno.HELPER_NAME, True)
    typed = gast.Name(id="a", ctx=gast.Load(),
                      annotation=gast.Name(id="int", ctx=gast.Load(), annotation=None,
                                           type_comment=None), type_comment=None)
    other = nodes.name("o")
    other.extra = nodes.name("inner")   # (a node held under a key that is no field)
    return [made, stored, located, target, marked, typed, other]


def _same(copy_, node):
    assert copy_ is not node and copy_.__class__ is node.__class__
    assert gast.dump(copy_, include_attributes=True) == gast.dump(node, include_attributes=True)
    assert set(copy_.__dict__) == set(node.__dict__)
    assert copy_.ctx is not node.ctx and copy_.ctx.__class__ is node.ctx.__class__
    for key, value in node.__dict__.items():
        if key.startswith(anno.PREFIX):
            assert copy_.__dict__[key] is value   # annotations shared, as they are
        elif isinstance(value, gast.AST) and key != "ctx":
            assert copy_.__dict__[key] is not value
            assert gast.dump(copy_.__dict__[key]) == gast.dump(value)


def test_every_name_copied_as_the_general_path_copies_it():
    for node in _names():
        _same(nodes.clone(node), node)


def test_names_inside_trees_and_lists():
    tree = gast.parse("v = f(a, b[i], np.sin(c)) + d").body[0]
    copied = nodes.clone(tree)
    assert gast.dump(copied, include_attributes=True) == gast.dump(tree, include_attributes=True)
    originals = {id(n) for n in gast.walk(tree)}
    assert not any(id(n) in originals for n in gast.walk(copied))
    names = _names()
    for a, b in zip(nodes.clone(names), names):
        _same(a, b)


def test_a_copy_changed_leaves_the_name_as_it_was():
    node = gast.parse("z = w").body[0].value
    before = copy.deepcopy(node)
    copied = nodes.clone(node)
    copied.id = "renamed"
    copied.ctx.__dict__["mark"] = 1
    assert gast.dump(node, include_attributes=True) == gast.dump(before, include_attributes=True)
    assert "mark" not in node.ctx.__dict__
