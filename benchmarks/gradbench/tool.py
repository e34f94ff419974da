"""s2sad as a GradBench tool: ``python benchmarks/gradbench/tool.py``.

Speaks GradBench's protocol: one JSON message a line on standard input, one
response a line on standard output, each with the message's ``id``.

- ``start``: answers with the tool's name.
- ``define``: imports ``evals/<module>.py`` (s2sad's own numpy port of that
  eval) and answers whether it has one.
- ``evaluate``: runs the module's function on the input at least ``min_runs``
  times and until ``min_seconds`` have passed, and answers with the output of
  the last run and one ``evaluate`` timing (nanoseconds) per run. Turning the
  JSON input into arrays, and the result back into JSON, is not timed.
- anything else (``analysis``): answered with the id alone.

A function that fails answers ``success: false`` with the error, the exception's
type and message first (an s2sad refusal names the file, line and construct).
"""

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the s2sad of the tree this file is in, and the ports beside it
for path in (str(HERE.parents[1]), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from evals import EVALS  # noqa: E402


def load(module):
    if module not in EVALS:
        raise ValueError(f"s2sad has no port of the eval {module!r}")
    return importlib.import_module(f"evals.{module}")


def describe(error):
    """The exception's type and message, then its traceback."""
    head = f"{type(error).__name__}: {error}"
    return head + "\n\n" + "".join(traceback.format_exception(error))


def evaluate(module, function, input):
    mod = load(module)
    if function not in mod.FUNCTIONS:
        raise ValueError(f"the {module} port has no function {function!r}")
    compute, output = mod.FUNCTIONS[function]
    arguments = mod.prepare(input)
    min_runs = int(input.get("min_runs", 1))
    min_seconds = float(input.get("min_seconds", 0))
    timings = []
    elapsed = 0
    while len(timings) < max(min_runs, 1) or elapsed < min_seconds * 1e9:
        start = time.perf_counter_ns()
        result = compute(*arguments)
        end = time.perf_counter_ns()
        timings.append({"name": "evaluate", "nanoseconds": end - start})
        elapsed += end - start
    return {"success": True, "output": output(result), "timings": timings}


def respond(message):
    response = {"id": message["id"]}
    kind = message.get("kind")
    if kind == "start":
        response["tool"] = "s2sad"
    elif kind == "define":
        start = time.perf_counter_ns()
        try:
            load(message["module"])
        except Exception as error:
            response.update(success=False, error=describe(error))
        else:
            response.update(success=True, timings=[
                {"name": "define", "nanoseconds": time.perf_counter_ns() - start}])
    elif kind == "evaluate":
        try:
            response.update(evaluate(message["module"], message["function"], message["input"]))
        except Exception as error:
            response.update(success=False, error=describe(error))
    return response


def main(stdin=sys.stdin, stdout=sys.stdout):
    for line in stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("kind") == "end":
            break
        print(json.dumps(respond(message)), file=stdout, flush=True)


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
