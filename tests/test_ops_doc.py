"""docs/ops.md is generated from the rule registry (docs/make_ops.py): it must be current."""

import importlib.util
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.skipif(importlib.util.find_spec("scipy") is None,
                    reason="scipy is not installed: docs/ops.md lists scipy's rules too")
def test_the_table_of_functions_is_current():
    sys.path.insert(0, str(DOCS))
    try:
        import make_ops
    finally:
        sys.path.remove(str(DOCS))
    expected = make_ops.render()
    assert (DOCS / "ops.md").read_text() == expected, \
        "docs/ops.md is stale: run python docs/make_ops.py"
    # every row names a function, its modes and whether the peers have it
    assert "| `numpy.sin` | reverse + forward | x | - | - | yes | yes |" in expected
