"""GradBench's own jax tool, timed so that each run waits for its result.

GradBench's jax functions are ``jax.jit`` functions wrapped by
``gradbench.wrap.multiple_runs``, which stops the clock when the call returns:
with JAX's asynchronous dispatch that is before the result is computed. This
shim replaces ``gradbench.wrap.multiple_runs`` (before the tool's modules are
imported, so their decorators take it) with the same loop whose timed call is
``jax.block_until_ready(function(input))``, then runs the tool's own ``run.py``
unchanged. Usage: ``python jax_tool.py GRADBENCH_DIR [tool arguments]``.
"""

import runpy
import sys
import time
from pathlib import Path


def blocking_multiple_runs(*, pre, post, min_runs=lambda x: x["min_runs"],
                           min_seconds=lambda x: x["min_seconds"]):
    import jax
    from gradbench.wrap import Wrapped

    def decorator(function):
        def wrapped(input_raw):
            input = pre(input_raw)
            runs, seconds = min_runs(input_raw), min_seconds(input_raw)
            timings, elapsed = [], 0
            while len(timings) < runs or elapsed < seconds:
                start = time.perf_counter_ns()
                output = jax.block_until_ready(function(input))
                end = time.perf_counter_ns()
                timings.append({"name": "evaluate", "nanoseconds": end - start})
                elapsed += (end - start) / 1e9
            return {"success": True, "output": post(output), "timings": timings}

        return Wrapped(function=function, wrapped=wrapped)

    return decorator


def main():
    checkout = Path(sys.argv[1]).resolve()
    package = checkout / "python" / "gradbench"
    tool_dir = package / "gradbench" / "tools" / "jax"
    sys.path[:0] = [str(tool_dir), str(package)]
    from gradbench import wrap

    wrap.multiple_runs = blocking_multiple_runs
    sys.argv = [str(tool_dir / "run.py")] + sys.argv[2:]
    runpy.run_path(str(tool_dir / "run.py"), run_name="__main__")


if __name__ == "__main__":
    main()
