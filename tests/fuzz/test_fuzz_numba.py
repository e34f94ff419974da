"""The fuzzer's ``numba`` mode: generated loop programs through ``backend="numba"``,
against central finite differences (as the other modes).  A program numba cannot
compile runs on numpy with a warning; it is checked too, but counted apart."""

import io

import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

from s2sad import fuzz  # noqa: E402


def test_numba_campaign_over_loop_programs_finds_nothing_wrong(tmp_path, monkeypatch):
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    out = io.StringIO()
    report = fuzz.run_campaign(16, seed=100, modes=("numba",), max_statements=6,
                               features=fuzz.NUMBA_FEATURES, out=out, max_shrinks=1)
    failed = [r for r in report.records if r[1] == "fail"]
    assert failed == [], f"{report.summary()}\n{out.getvalue()}"
    # the campaign checks programs numba compiled, not only the fallbacks
    assert report.checked.get("numba", 0) >= 4, report.summary()

