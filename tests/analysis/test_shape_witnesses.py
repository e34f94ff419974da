"""The shape witnesses of a loop's temporaries (``analysis.facts.record``) are each
worked out once, not once per path to them.

No timing: counted are the (name, depth) answers worked out.  A temporary whose
definition reads another twice (``v * v``) was worked out again along every path, up
to the depth limit (12 such statements in a loop: 49,218 answers, 4,100 a statement).
The gradient is checked against central finite differences (``s2sad.testing``).
"""

import numpy as np

from s2sad.analysis import facts
from s2sad.api.core import CACHE
from s2sad.testing import check_grads


def squares_in_a_loop(n):
    lines = ["import numpy as np", "", "", "def squares(x):", "    v = x * 1.0",
             "    for i in range(3):"]
    lines += ["        v = v * v * 0.5 + x"] * n
    lines.append("    return np.sum(v)")
    return "\n".join(lines) + "\n"


def test_each_witness_is_worked_out_once(load, monkeypatch):
    f = load("witness_squares", squares_in_a_loop(12)).squares
    answers, memos = [], []   # (the memos kept alive: their ids stay theirs)
    real = facts._witness_of

    def counted(found, name, depth, memo):
        memos.append(memo)
        answers.append((id(memo), name, depth))
        return real(found, name, depth, memo)

    monkeypatch.setattr(facts, "_witness_of", counted)
    CACHE.clear()
    check_grads(f, (np.array([0.3, -0.2, 0.4]),))
    assert answers   # the loop's temporaries have witnesses
    assert len(answers) == len(set(answers))   # none worked out twice in one record
