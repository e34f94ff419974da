"""Fuzz seeds 5066 and 1124: a deque given as an argument (``foreign_arg``) and read by
``fq[0]`` or ``len(fq)`` in ``f``, differentiated through a partial entry point
(``entry_partial``: ``functools.partial(f, kq=0.5)``, which s2sad calls through a
caller of its own passing ``fq`` on), was not refused: "missing-refusal".  The checker
now sees the located refusal, as for ``f`` itself."""

from collections import deque

import numpy as np
import pytest

from s2sad import fuzz
from s2sad.fuzz.program import Param, Program


@pytest.mark.parametrize("read", ["fq[0]", "len(fq) * 0.5"])
@pytest.mark.parametrize("entry", ["entry_partial", "entry_lambda"])
def test_a_foreign_argument_behind_an_entry_point_is_refused(tmp_path, read, entry):
    source = ("import numpy as np\nfrom collections import deque\n\n"
              "FQ = deque([0.5, -0.25])\n\n\n"
              f"def f(x, fq, kq=0.0):\n    fl1 = {read}\n"
              "    return 0.25 * fl1 * np.sum(np.sin(x)) + kq\n")
    if entry == "entry_lambda":
        source += "\n\nfe = lambda x, fq, kq=0.5: f(x, fq, kq)\n"
    params = [Param("x", "float", (3,), np.array([0.5, 0.1, -0.3])),
              Param("fq", "none", (), deque([0.5, -0.25]), global_name="FQ")]
    prog = Program(0, source, params, (0,), "scalar",
                   frozenset({"straight", "foreign_arg", entry}))
    loader = fuzz._Loader(str(tmp_path))
    try:
        outcome = fuzz.check_program(prog, ("reverse", "forward"),
                                     {m: prog.features for m in ("reverse", "forward")},
                                     loader)
    finally:
        loader.close()
    assert (outcome.status, outcome.reason) == ("skip", "refused:foreign_arg"), \
        (outcome.reason, outcome.message)
