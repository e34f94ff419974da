"""The origins fixed point (``s2sad.analysis.aliases``) goes over the code again only
when it must, and only over what the names asked for read.

No timing: the work is counted as the assignments and pushes whose origins are read.
Nothing is read before a name is asked for; then each assignment it depends on is read
once to find what it reads, and once more per pass.  Straight-line code whose every
name is read after it is assigned settles in one pass (it took two, the second finding
nothing new, on every generated function); a loop carrying a value from a later
assignment to an earlier one, or a value read back from a tape before what is pushed is
known, still takes another pass, and gets its origins.
"""

import gast

from s2sad.analysis import aliases
from s2sad.analysis.aliases import origins


def _body(src):
    return gast.parse(src).body


def _never_allocates(call):
    return False


def evaluations(monkeypatch, body, params, asked):
    """``(of_name, at_end, how many times a top-level value of body was read)`` once
    ``of_name`` was asked the origins of each name of ``asked`` (in turn)."""
    values = {id(stmt.value) for stmt in body if isinstance(stmt, (gast.Assign, gast.Expr))}
    values |= {id(stmt.value.args[0]) for stmt in body if isinstance(stmt, gast.Expr)}
    count = [0]
    real = aliases._of_expr

    def counted(expr, site, reading):
        count[0] += id(expr) in values
        return real(expr, site, reading)

    with monkeypatch.context() as patch:
        patch.setattr(aliases, "_of_expr", counted)
        of_name, at_end = origins(body, params, _never_allocates)
        assert count[0] == 0   # nothing is read before a name is asked for
        for name in asked:
            of_name(name)
        return of_name, at_end, count[0]


def test_straight_line_code_settles_in_one_pass(monkeypatch):
    body = _body("a = x + y\n"
                 "b = f(a, x)\n"
                 "c = b\n"
                 "d = c[0]\n"
                 "e = g(d, y)\n")
    of_name, _, count = evaluations(monkeypatch, body, ["x", "y"], ["d"])
    assert count == 2 * 4   # d and what it reads (not e): found, then one pass
    assert of_name("d") == of_name("c") == of_name("b")   # (f may hand back its arguments)
    assert {"name:x", "site:0", "site:1"} <= of_name("b")
    assert of_name("e") >= of_name("d") | {"site:4", "name:y"}


def test_a_name_reading_nothing_costs_its_own_assignment_only(monkeypatch):
    body = _body("a = x + y\n"
                 "b = f(a, x)\n"
                 "c = b * 2.0\n")
    of_name, _, count = evaluations(monkeypatch, body, ["x", "y"], ["c"])
    assert count == 2   # c = b * 2.0 is a new array: found, then one pass
    assert of_name("c") == {"site:2"}


def test_a_loop_carrying_a_later_assignment_back_takes_another_pass(monkeypatch):
    body = _body("for i in range(3):\n"
                 "    a = b\n"
                 "    b = x\n")
    of_name, _, _ = evaluations(monkeypatch, body, ["x"], ["a"])
    assert "name:x" in of_name("a")   # from the previous trip


def test_a_value_read_back_from_the_tape_gets_what_is_pushed_later(monkeypatch):
    body = _body("u = t.pop()\n"
                 "t.push(u)\n"
                 "t.push(x)\n")
    of_name, _, count = evaluations(monkeypatch, body, ["x"], ["u"])
    assert "name:x" in of_name("u")
    assert count > 2 * 3   # the push of u was read before u's origins were known: again
