"""The origins fixed point (``s2sad.analysis.aliases``) goes over the code again only
when it must.

No timing: the work is counted as the assignments and pushes whose origins are read.
Straight-line code whose every name is read after it is assigned settles in one pass
(it took two, the second finding nothing new, on every generated function); a loop
carrying a value from a later assignment to an earlier one, or a value read back from
a tape before what is pushed is known, still takes another pass, and gets its origins.
"""

import gast

from s2sad.analysis import aliases
from s2sad.analysis.aliases import origins


def _body(src):
    return gast.parse(src).body


def _never_allocates(call):
    return False


def evaluations(monkeypatch, body, params):
    """``(of_name, at_end, how many times a top-level value of body was read)``."""
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
        return of_name, at_end, count[0]


def test_straight_line_code_settles_in_one_pass(monkeypatch):
    body = _body("a = x + y\n"
                 "b = f(a, x)\n"
                 "c = b\n"
                 "d = c[0]\n"
                 "e = g(d, y)\n")
    of_name, _, count = evaluations(monkeypatch, body, ["x", "y"])
    assert count == len(body)   # each assignment read once
    assert of_name("d") == of_name("c") == of_name("b")   # (f may hand back its arguments)
    assert {"name:x", "site:0", "site:1"} <= of_name("b")


def test_a_loop_carrying_a_later_assignment_back_takes_another_pass(monkeypatch):
    body = _body("for i in range(3):\n"
                 "    a = b\n"
                 "    b = x\n")
    of_name, _, _ = evaluations(monkeypatch, body, ["x"])
    assert "name:x" in of_name("a")   # from the previous trip


def test_a_value_read_back_from_the_tape_gets_what_is_pushed_later(monkeypatch):
    body = _body("u = t.pop()\n"
                 "t.push(u)\n"
                 "t.push(x)\n")
    of_name, _, count = evaluations(monkeypatch, body, ["x"])
    assert "name:x" in of_name("u")
    assert count > 3   # the push of u was read before u's origins were known: again
