"""``optimize.propagate_copies`` on straight-line bodies written by hand: a copy
``a = b`` whose name is later written through (``a[i] = g``, ``a += g``) is kept (removing
it would leave the write with no ``a``); a copy only read is still removed."""

import gast

from s2sad.optimize import propagate_copies


def _run(source, protected=()):
    module = gast.parse(source)
    module.body = propagate_copies(module.body, protected)
    return gast.unparse(module).strip() if hasattr(gast, "unparse") else \
        __import__("ast").unparse(gast.gast_to_ast(module)).strip()


def test_a_copy_written_by_item_is_kept():
    source = "a = b\na[i] = g\nc = a * 2"
    assert _run(source) == source


def test_a_copy_written_by_item_and_returned_is_kept():
    source = "a = b\na[i] = g\nreturn a"
    assert _run(source, protected=("a",)) == source


def test_a_copy_updated_in_place_is_kept():
    source = "a = b\na += g\nc = a * 2"
    assert _run(source) == source


def test_a_copy_of_a_value_read_later_written_by_item_is_kept():
    source = "a = f(x)\nb = a\nb[0] = g\nc = a + b"
    assert _run(source) == source


def test_a_copy_only_read_is_removed():
    assert _run("a = b\nc = a * 2\nd = a + c") == "c = b * 2\nd = b + c"


def test_a_temporary_read_once_is_renamed_to_the_copy():
    # t is read only by the copy: its definition becomes a's, and the write goes to a
    source = "t = f(x)\na = t\na[0] = g\nc = a"
    assert _run(source, protected=("c",)) == "a = f(x)\na[0] = g\nc = a"


def test_the_reads_handed_to_the_dead_code_pass_are_used_only_for_the_same_value():
    """propagate_copies hands each statement's reads to eliminate_dead (and, through
    ``Generated.reads``, to the optimize pass); an entry whose statement's value was
    replaced since (a later step rewrote it) is passed over: the new value's reads
    keep what it reads alive."""
    from s2sad.optimize import eliminate_dead
    module = gast.parse("t = f(x)\nu = g(y)\nc = u * 2.0")
    reads = {}
    body = propagate_copies(module.body, ("c",), reads)
    assert [reads[id(s)][2] for s in body] == [{"f", "x"}, {"g", "y"}, {"u"}]
    kept = eliminate_dead(body, live_out=("c",), reads=reads)
    assert [s.targets[0].id for s in kept] == ["u", "c"]
    body[2].value = gast.parse("t + u", mode="eval").body   # (c = t + u, rewritten)
    kept = eliminate_dead(body, live_out=("c",), reads=reads)
    assert [s.targets[0].id for s in kept] == ["t", "u", "c"]


def test_eliminate_dead_drops_the_comments_left_before_no_statement():
    """A comment whose statement was removed, one before another comment, a ``return``
    or the end of its block goes with the dead code (one pass: the optimize pass has no
    other); a comment before a statement kept stays, inside blocks too."""
    from s2sad.optimize import eliminate_dead, is_comment
    from s2sad.syntax import nodes
    from s2sad.transform.common import comment
    texts = []

    def note(text):
        return comment(texts, text)

    body = [note("c0"), note("c1"), nodes.assign("a", nodes.name("x")), note("c2"),
            nodes.assign("y", gast.BinOp(left=nodes.name("x"), op=gast.Add(),
                                         right=nodes.const(1.0))),
            gast.If(test=nodes.name("t"), orelse=[], body=[
                note("c3"), nodes.assign("w", nodes.name("y")), note("c4")]),
            note("c5"), nodes.ret(nodes.tuple_([nodes.name("y"), nodes.name("w")]))]
    kept = eliminate_dead(body)

    def spelled(stmts):
        return [texts[s.value.args[0].value] if is_comment(s) else type(s).__name__
                for s in stmts]

    assert spelled(kept) == ["c2", "Assign", "If", "Return"]
    assert spelled(kept[2].body) == ["c3", "Assign"]
