"""docs/ops.md is generated from the rule registry (docs/make_ops.py): it must be current."""

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS))
import make_ops  # noqa: E402  (a script of docs/, not a package)
sys.path.remove(str(DOCS))


def test_the_table_of_functions_is_current():
    """With the numpy and scipy it was generated with, docs/ops.md is exactly what the
    registry says; with others (whose names and rules differ: np.acos is numpy 2's),
    every function it lists that exists here has its rule here."""
    written = (DOCS / "ops.md").read_text()
    if f"Generated with {make_ops.versions()}." in written:
        assert written == make_ops.render(), "docs/ops.md is stale: run python docs/make_ops.py"
        return
    here = {name for names, _ in make_ops.rows() for name in names}
    modules = dict(make_ops._modules())
    for name in re.findall(r"^\| `([\w.]+)`", written, flags=re.M):
        module, _, attr = name.rpartition(".")
        if module in modules and hasattr(modules[module], attr):
            assert name in here, f"docs/ops.md lists {name}, which has no rule here"


def test_the_table_says_what_it_lists():
    text = make_ops.render()
    assert "| `numpy.sin` | reverse + forward | x | - | - | yes | yes |" in text
    assert re.search(r"\*\*\d+ functions\*\* have derivative rules", text)
