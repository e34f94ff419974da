"""Issue 17: the op table's Dask column.

Every row of the op table (``tests/rules``) with an array argument runs on Dask arrays
(``dask_column.outcome``): where the function itself runs lazily on Dask, its
reverse- and forward-mode derivatives must be lazy (built without computing anything)
and equal to the derivatives on numpy and to finite differences; a row where they are
not is listed, with the reason, in ``docs/dask_ops.md`` (the table the README links),
as is a row whose function Dask does not run lazily.  A wrong derivative fails here.
"""

import functools
from pathlib import Path

import pytest

pytest.importorskip("dask.array", reason="the Dask tests need dask[array] "
                                         "(pip install 's2sad[dask]')")

import test_ops  # noqa: E402  (tests/rules, on the path: tests/conftest.py)

from dask_column import _cell, outcome, render, rows_with_arrays, versions  # noqa: E402

ROWS = rows_with_arrays(test_ops.ROWS)
DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "dask_ops.md"


@functools.lru_cache(maxsize=None)
def _outcome(index):
    return outcome(ROWS[index], test_ops.sample)


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r.op for r in ROWS])
def test_each_row_is_lazy_and_right_on_dask_or_listed_with_its_reason(index):
    status, why = _outcome(index)   # a wrong or eager derivative raises AssertionError
    if status == "lazy":
        return
    assert f"| `{ROWS[index].op}` | {_cell(why)} |" in DOC.read_text(), (
        f"{ROWS[index].op} does not run lazily on Dask ({why}) and docs/dask_ops.md does "
        f"not say so: run python tests/dask/dask_column.py")


def test_the_table_of_rows_is_current():
    written = DOC.read_text()
    text = render(ROWS, [_outcome(i) for i in range(len(ROWS))])
    if f"Generated with {versions()}." in written:
        assert written == text, "docs/dask_ops.md is stale: run python tests/dask/dask_column.py"
    else:   # other versions quote other messages: each row that is not lazy is listed
        outcomes = [_outcome(i) for i in range(len(ROWS))]
        missing = [r.op for r, (status, _) in zip(ROWS, outcomes)
                   if status != "lazy" and f"| `{r.op}` |" not in written]
        assert not missing, f"docs/dask_ops.md does not list {missing}"
