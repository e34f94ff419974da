"""Run GradBench's own evals against s2sad's tool, and against GradBench's jax
and pytorch tools, without docker; print and write (RESULTS.md) what was
validated and s2sad's time against each peer.

    python benchmarks/gradbench/run.py --gradbench /path/to/gradbench [--quick]

What it needs (nothing from GradBench is copied into this repository: the
checkout is read where it is, and built in a work directory of its own):

- a GradBench checkout (``--gradbench DIR``, or the environment's
  ``GRADBENCH_DIR``). It is never written: its ``cpp/`` and ``evals/`` are
  linked into the work directory (``--workdir``), where its ``tools/manual``
  (GradBench's C++ reference, used by the evals to validate) is copied and built.
- ``apt-get install -y nlohmann-json3-dev build-essential``: the manual tool
  includes ``json.hpp``, which GradBench's ``cpp/Makefile`` would download; the
  Debian package's copy is used instead (``-I/usr/include/nlohmann``).
- a Python environment for the evals and the peer tools (``--peer-python``, or
  ``GRADBENCH_PYTHON``), made with ``python -m venv gbvenv && gbvenv/bin/pip
  install jax jaxlib torch==2.13.0 numpy scipy pydantic dataclasses-json``. The s2sad tool runs
  under the Python running this script (``sys.executable``).

This script plays the part of GradBench's ``gradbench run`` intermediary: it
starts the eval (``python/gradbench/gradbench/evals/<eval>/run.py``, with the
work directory as its working directory, as in GradBench's images) and the
tool, passes each eval message to the tool and each response back, and keeps
the timings of every ``evaluate`` and the eval's ``analysis`` of it.

Fair timing: every tool process is pinned to one CPU (``--cpu``, the CPU that
GradBench's jax tool pins itself to) with one thread for OpenMP, BLAS and
XLA's Eigen pool; each function runs ``--min-runs`` times on each input and
the fastest run counts, so neither s2sad's code generation nor JAX's
compilation (both on the first call) is timed. GradBench's jax tool stops the
clock when its jitted call returns, before the asynchronous result exists:
it runs here through ``peers/jax_tool.py``, which makes each timed call wait
with ``jax.block_until_ready``.

Peers run the evals GradBench lists for them in ``tools/<tool>/evals.txt``,
less those marked there as failing or too slow (``--every-peer-eval`` runs them).

Missing data in the checkout: ``evals/lstm/data/lstm_full.txt`` is made in the
work directory from the checkout's own README files (ASCII characters only);
``evals/ht`` runs only up to the hand files present (``--max``).
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE)]

from evals import EVALS  # noqa: E402
from report import summarise, markdown, print_summary  # noqa: E402

#: the eval programs' arguments: input sizes, per set
INPUTS = {
    "quick": {
        "det": ["-l", "4", "5"],
        "gmm": ["-d", "2", "10", "-k", "5", "-n", "1000"],
        "ht": ["--min", "1", "--max", "1", "--model", "small"],
        "kmeans": ["-k", "10", "-n", "1000", "-d", "8"],
        "llsq": ["-n", "256", "1024", "-m", "32"],
        "lse": ["-n", "10000", "100000"],
        "lstm": ["-l", "2", "-c", "128"],
        "ode": ["-n", "1000", "-s", "1", "10"],
        "particle": [],
        "saddle": [],
    },
    "default": {
        "ba": ["--min", "1", "--max", "1"],
        "det": ["-l", "4", "5", "6", "7"],
        "gmm": ["-d", "2", "10", "20", "-k", "5", "10", "25", "-n", "1000"],
        "ht": ["--min", "1", "--max", "3"],
        "kmeans": ["-k", "10", "100", "-n", "1000", "10000", "-d", "8"],
        "llsq": ["-n", "256", "1024", "4096", "-m", "128"],
        "lse": ["-n", "10000", "100000", "1000000"],
        "lstm": ["-l", "2", "4", "-c", "1024"],
        "ode": ["-n", "1000", "10000", "-s", "1", "10"],
        "particle": [],
        "saddle": [],
    },
}

#: runs per function and input where the default is too slow: ba's smallest
#: file (31,843 observations) takes a minute per Jacobian in s2sad and pytorch
RUNS = {"default": {"ba": 1}, "quick": {}}

PEERS = ("jax", "pytorch")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}


def _portable(argument, args):
    """A command-line argument as the written results show it: this machine's paths of
    the checkout and the peers' Python as the environment variables that give them."""
    if Path(argument).resolve() == args.gradbench:
        return "$GRADBENCH_DIR"
    if args.peer_python and argument == args.peer_python:
        return "$GRADBENCH_PYTHON"
    return argument


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gradbench", default=os.environ.get("GRADBENCH_DIR"),
                        help="a GradBench checkout (default: $GRADBENCH_DIR)")
    parser.add_argument("--peer-python", default=os.environ.get("GRADBENCH_PYTHON"),
                        help="the Python with jax, torch and GradBench's dependencies")
    parser.add_argument("--workdir", default=os.environ.get("GRADBENCH_WORKDIR", "/tmp/s2sad-gradbench"))
    parser.add_argument("--quick", action="store_true", help="the small input set (a minute or two)")
    parser.add_argument("--evals", nargs="+", default=None, choices=EVALS,
                        help="default: all eleven (quick: all but ba, whose smallest file takes minutes)")
    parser.add_argument("--tools", nargs="+", default=["s2sad", *PEERS], choices=["s2sad", *PEERS])
    parser.add_argument("--min-runs", type=int, default=None,
                        help="runs per function and input; the fastest counts (default 3, quick 2)")
    parser.add_argument("--every-peer-eval", action="store_true",
                        help="also run a peer on the evals GradBench lists as failing or too slow for it "
                             "(pytorch: ba error, ht timeout)")
    parser.add_argument("--cpu", type=int, default=0, help="the CPU every tool is pinned to")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds for one eval against one tool")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"), help="the markdown table ('' for none)")
    args = parser.parse_args(argv)
    if not args.gradbench:
        parser.error("give the GradBench checkout: --gradbench DIR or GRADBENCH_DIR")
    args.gradbench = Path(args.gradbench).resolve()
    args.workdir = Path(args.workdir).resolve()
    inputs = INPUTS["quick" if args.quick else "default"]
    if args.evals is None:
        args.evals = [e for e in EVALS if e in inputs]
    elif any(e not in inputs for e in args.evals):
        parser.error("ba has no quick inputs: its smallest input file takes minutes")
    if args.min_runs is None:
        args.min_runs = 2 if args.quick else 3
    args.runs = RUNS["quick" if args.quick else "default"]
    if not args.peer_python or not Path(args.peer_python).exists():
        parser.error(f"no Python for the evals and peers ({args.peer_python or 'none given'}): make one "
                     "with python -m venv gbvenv && gbvenv/bin/pip install jax jaxlib torch==2.13.0 numpy "
                     "scipy pydantic dataclasses-json, and give --peer-python gbvenv/bin/python (or "
                     "GRADBENCH_PYTHON)")
    return args


def prepare_workdir(checkout, workdir):
    """Link the checkout's cpp/ and evals/ into the work directory, make the
    missing LSTM text, and build the manual tool there."""
    workdir.mkdir(parents=True, exist_ok=True)
    link(checkout / "cpp", workdir / "cpp")
    evals = workdir / "evals"
    evals.mkdir(exist_ok=True)
    for entry in sorted((checkout / "evals").iterdir()):
        if entry.name != "lstm":
            link(entry, evals / entry.name)
    lstm_data = evals / "lstm" / "data"
    lstm_data.mkdir(parents=True, exist_ok=True)
    text = lstm_data / "lstm_full.txt"
    original = checkout / "evals" / "lstm" / "data" / "lstm_full.txt"
    if original.exists():
        link(original, text)
    elif not text.exists():
        readmes = sorted(checkout.glob("**/README.md"))
        prose = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in readmes)
        text.write_text("".join(c for c in prose if 32 <= ord(c) < 127 or c == "\n"), encoding="utf-8")
    manual = workdir / "tools" / "manual"
    if not manual.exists():
        shutil.copytree(checkout / "tools" / "manual", manual)
    env = dict(os.environ, CXXFLAGS="-std=c++17 -O3 -Wall -I../../cpp -I/usr/include/nlohmann")
    built = subprocess.run(["make", "-C", str(manual), "-j2", "NATIVE=no"], env=env,
                           capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit("building GradBench's manual tool failed (apt-get install -y nlohmann-json3-dev "
                 f"build-essential?):\n{built.stdout[-2000:]}\n{built.stderr[-2000:]}")


def runs(eval_name, args):
    return args.runs.get(eval_name, args.min_runs)


def link(source, target):
    if not target.exists() and not target.is_symlink():
        target.symlink_to(source)


def tool_command(tool, args):
    package = args.gradbench / "python" / "gradbench" / "gradbench"
    if tool == "s2sad":
        return [sys.executable, str(HERE / "tool.py")]
    if tool == "jax":
        return [args.peer_python, str(HERE / "peers" / "jax_tool.py"), str(args.gradbench)]
    return [args.peer_python, str(package / "tools" / tool / "run.py")]


def peer_evals(checkout, tool, every):
    """The evals a peer implements; without ``every``, not those GradBench's
    own list marks as failing (``error``) or too slow (``timeout``) for it."""
    listed = checkout / "tools" / tool / "evals.txt"
    names = [line.split() for line in listed.read_text().splitlines() if line.strip()]
    return {words[0] for words in names if every or len(words) == 1}


def run_session(eval_name, tool, args, log_dir):
    """One eval against one tool: the intermediary. Returns the records of its
    evaluate messages, and an error that stopped the session (or None)."""
    package = args.gradbench / "python" / "gradbench"
    env = dict(os.environ, PYTHONPATH=str(package), **ONE_THREAD)
    eval_cmd = [args.peer_python, str(package / "gradbench" / "evals" / eval_name / "run.py"),
                *INPUTS["quick" if args.quick else "default"][eval_name],
                "--min-runs", str(runs(eval_name, args)), "--min-seconds", "0"]
    pin = lambda: os.sched_setaffinity(0, {args.cpu})  # noqa: E731
    with open(log_dir / f"{eval_name}.{tool}.eval.err", "w") as eval_err, \
         open(log_dir / f"{eval_name}.{tool}.tool.err", "w") as tool_err:
        ev = subprocess.Popen(eval_cmd, cwd=args.workdir, env=env, text=True, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=eval_err)
        tl = subprocess.Popen(tool_command(tool, args), cwd=args.workdir, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=tool_err,
                              preexec_fn=pin)
        timer = threading.Timer(args.timeout, lambda: (ev.kill(), tl.kill()))
        timer.start()
        try:
            records, error = relay(ev, tl, eval_name, tool, log_dir)
        finally:
            timer.cancel()
            for proc in (ev, tl):
                for stream in (proc.stdin, proc.stdout):
                    try:
                        stream.close()
                    except OSError:
                        pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if ev.returncode not in (0, None) and error is None:
            error = f"the eval exited with {ev.returncode}: " + tail(log_dir / f"{eval_name}.{tool}.eval.err")
    return records, error


def relay(ev, tl, eval_name, tool, log_dir):
    records, by_id, error = [], {}, None
    with open(log_dir / f"{eval_name}.{tool}.jsonl", "w") as log:
        for line in ev.stdout:
            message = json.loads(line)
            log.write(json.dumps({"message": message}, default=str)[:4000] + "\n")
            try:
                tl.stdin.write(line)
                tl.stdin.flush()
            except BrokenPipeError:
                return records, f"the tool stopped: {tail(log_dir / f'{eval_name}.{tool}.tool.err')}"
            answer = tl.stdout.readline()
            if not answer:
                return records, f"the tool stopped (or timed out): {tail(log_dir / f'{eval_name}.{tool}.tool.err')}"
            response = json.loads(answer)
            log.write(json.dumps({"response": response})[:4000] + "\n")
            log.flush()
            kind = message.get("kind")
            if kind == "define" and not response.get("success"):
                error = "define failed: " + first_line(response.get("error"))
            elif kind == "evaluate":
                record = {"function": message["function"], "description": message.get("description", ""),
                          "success": bool(response.get("success")),
                          "error": None if response.get("success") else first_line(response.get("error")),
                          "ns": min((t["nanoseconds"] for t in response.get("timings") or []
                                     if t["name"] == "evaluate"), default=None),
                          "valid": None}
                records.append(record)
                by_id[message["id"]] = record
                report_progress(eval_name, tool, record)
            elif kind == "analysis" and message["of"] in by_id:
                record = by_id[message["of"]]
                record["valid"] = bool(message["valid"])
                if not message["valid"]:
                    record["error"] = "invalid: " + first_line(message.get("error"), 3)
                    print(f"    {record['error']}", flush=True)
            ev.stdin.write(answer)
            ev.stdin.flush()
    return records, error


def report_progress(eval_name, tool, record):
    state = f"{record['ns'] / 1e6:10.3f} ms" if record["success"] else "failed: " + record["error"]
    print(f"  {eval_name:8} {tool:8} {record['function']:10} {record['description']:24} {state}", flush=True)


def first_line(text, lines=1):
    if not text:
        return "(no message)"
    kept = [line for line in text.strip().splitlines() if line.strip()][:lines]
    return " | ".join(kept).replace(str(REPO) + "/", "")[:600]


def tail(path, size=600):
    text = Path(path).read_text(errors="ignore").strip()
    return text[-size:] if text else "(no output)"


def machine(args):
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import numpy
    import scipy
    peers = subprocess.run([args.peer_python, "-c", "import jax, torch, numpy; "
                            "print(jax.__version__, torch.__version__, numpy.__version__)"],
                           capture_output=True, text=True).stdout.split()
    peer = dict(zip(("jax", "torch", "numpy"), peers)) if len(peers) == 3 else {}
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return {"cpu": cpu, "cores": os.cpu_count(), "load average at the end (1, 5, 15 min)": load,
            "load average at the start (1, 5, 15 min)": args.load_at_start,
            "python": platform.python_version(),
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "jax": peer.get("jax", "?"), "torch": peer.get("torch", "?"),
            "peer numpy": peer.get("numpy", "?")}


def main(argv=None):
    args = parse_arguments(argv)
    args.load_at_start = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    prepare_workdir(args.gradbench, args.workdir)
    log_dir = args.workdir / "logs"
    log_dir.mkdir(exist_ok=True)
    results = {}
    started = time.time()
    print(f"tools pinned to CPU {args.cpu}, one thread each; the fastest of {args.min_runs} runs counts "
          f"({', '.join(f'{e}: {n}' for e, n in args.runs.items()) or 'every eval'}); "
          "jax timed through peers/jax_tool.py, which waits for each result (jax.block_until_ready)", flush=True)
    for eval_name in args.evals:
        for tool in args.tools:
            if tool != "s2sad" and eval_name not in peer_evals(args.gradbench, tool, args.every_peer_eval):
                continue
            print(f"{eval_name} against {tool}", flush=True)
            results[eval_name, tool] = run_session(eval_name, tool, args, log_dir)
            if results[eval_name, tool][1]:
                print(f"  {results[eval_name, tool][1]}", flush=True)
    rows = summarise(results, args.evals)
    print_summary(rows)
    if args.results:
        command = "python benchmarks/gradbench/run.py " + " ".join(
            _portable(a, args) for a in (sys.argv[1:] if argv is None else argv))
        text = markdown(rows, results, machine(args), command, INPUTS["quick" if args.quick else "default"],
                        args, time.time() - started)
        Path(args.results).write_text(text, encoding="utf-8")
        print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
