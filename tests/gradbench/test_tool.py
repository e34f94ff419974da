"""The s2sad GradBench tool on scripted protocol sessions: messages in, the
JSON responses checked (ids, success, outputs against values computed here by
hand, one nanosecond timing per run)."""

import io
import json
import subprocess
import sys
from pathlib import Path

#: the GradBench ports live in benchmarks/gradbench (``evals``, ``tool``); no
#: GradBench checkout is needed
PORTS = Path(__file__).resolve().parents[2] / "benchmarks" / "gradbench"
if str(PORTS) not in sys.path:
    sys.path.insert(0, str(PORTS))

import numpy as np  # noqa: E402

import tool  # noqa: E402


def session(*messages):
    stdin = io.StringIO("".join(json.dumps(m) + "\n" for m in messages))
    stdout = io.StringIO()
    tool.main(stdin=stdin, stdout=stdout)
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def softmax(x):
    e = np.exp(np.asarray(x) - np.max(x))
    return e / np.sum(e)


def test_start_define_evaluate_analysis():
    x = [0.5, -1.0, 2.0, 0.25]
    responses = session(
        {"id": 0, "kind": "start", "eval": "lse"},
        {"id": 1, "kind": "define", "module": "lse"},
        {"id": 2, "kind": "evaluate", "module": "lse", "function": "primal",
         "input": {"x": x, "min_runs": 1, "min_seconds": 0}},
        {"id": 3, "kind": "evaluate", "module": "lse", "function": "gradient",
         "input": {"x": x, "min_runs": 3, "min_seconds": 0}, "description": "n=4"},
        {"id": 4, "kind": "analysis", "of": 3, "valid": True},
    )
    assert [r["id"] for r in responses] == [0, 1, 2, 3, 4]
    assert responses[0] == {"id": 0, "tool": "s2sad"}
    assert responses[1]["success"] is True
    assert [t["name"] for t in responses[1]["timings"]] == ["define"]
    primal, gradient = responses[2], responses[3]
    assert primal["success"] and abs(primal["output"] - np.log(np.sum(np.exp(x)))) < 1e-12
    assert gradient["success"]
    np.testing.assert_allclose(gradient["output"], softmax(x), rtol=1e-12)
    assert len(gradient["timings"]) == 3
    for timing in gradient["timings"]:
        assert timing["name"] == "evaluate"
        assert isinstance(timing["nanoseconds"], int) and timing["nanoseconds"] > 0
    assert responses[4] == {"id": 4}


def test_min_seconds_repeats_until_the_time_has_passed():
    [response] = session({"id": 7, "kind": "evaluate", "module": "llsq", "function": "primal",
                          "input": {"x": [0.1, 0.2], "n": 5, "min_runs": 1, "min_seconds": 0.02}})
    assert response["success"]
    assert sum(t["nanoseconds"] for t in response["timings"]) >= 0.02e9


def test_unknown_module_and_function_fail_with_an_error():
    responses = session(
        {"id": 0, "kind": "define", "module": "hello"},
        {"id": 1, "kind": "evaluate", "module": "lse", "function": "hessian",
         "input": {"x": [1.0], "min_runs": 1, "min_seconds": 0}},
    )
    assert responses[0]["id"] == 0 and responses[0]["success"] is False
    assert "no port of the eval 'hello'" in responses[0]["error"]
    assert responses[1]["id"] == 1 and responses[1]["success"] is False
    assert responses[1]["error"].startswith("ValueError: the lse port has no function 'hessian'")


def test_end_message_stops_the_tool():
    responses = session({"id": 0, "kind": "start"}, {"id": 1, "kind": "end"},
                        {"id": 2, "kind": "start"})
    assert responses == [{"id": 0, "tool": "s2sad"}]


def test_runs_as_a_program():
    messages = [{"id": 0, "kind": "start", "eval": "kmeans"},
                {"id": 1, "kind": "define", "module": "kmeans"},
                {"id": 2, "kind": "evaluate", "module": "kmeans", "function": "cost",
                 "input": {"points": [[0.0, 0.0], [1.0, 1.0], [3.0, 0.0]],
                           "centroids": [[1.0, 1.0], [3.0, 0.0]], "min_runs": 2, "min_seconds": 0}}]
    done = subprocess.run([sys.executable, str(PORTS / "tool.py")], text=True, timeout=300,
                          input="".join(json.dumps(m) + "\n" for m in messages), capture_output=True)
    assert done.returncode == 0, done.stderr
    responses = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in responses] == [0, 1, 2]
    assert responses[2]["success"] and responses[2]["output"] == 2.0
    assert len(responses[2]["timings"]) == 2
