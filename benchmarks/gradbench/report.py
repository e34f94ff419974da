"""The tables ``run.py`` prints and writes: per eval and function, whether
s2sad's output was validated, its time, and its time over each peer's."""

import math

TOOLS = ("s2sad", "jax", "pytorch")


def summarise(results, evals):
    """One row per (eval, function) s2sad or a peer was asked for."""
    rows = []
    for eval_name in evals:
        functions = []
        for tool in TOOLS:
            for record in results.get((eval_name, tool), ([], None))[0]:
                if record["function"] not in functions:
                    functions.append(record["function"])
        if not functions and (eval_name, "s2sad") in results:
            rows.append({"eval": eval_name, "function": "-", "tools": {},
                         "stopped": results[eval_name, "s2sad"][1]})
        for function in functions:
            row = {"eval": eval_name, "function": function, "tools": {}, "stopped": None}
            for tool in TOOLS:
                if (eval_name, tool) in results:
                    records = [r for r in results[eval_name, tool][0] if r["function"] == function]
                    row["tools"][tool] = tool_summary(records)
            s2sad = [r for r in results.get((eval_name, "s2sad"), ([], None))[0] if r["function"] == function]
            for peer in TOOLS[1:]:
                if (eval_name, peer) in results:
                    theirs = [r for r in results[eval_name, peer][0] if r["function"] == function]
                    row["tools"][peer]["ratio"] = ratio(s2sad, theirs)
            rows.append(row)
    return rows


def tool_summary(records):
    done = [r for r in records if r["success"]]
    return {"inputs": len(records), "ran": len(done),
            "valid": sum(1 for r in done if r["valid"]),
            "ms": sum(r["ns"] for r in done) / 1e6 if done else None,
            "error": next((r["error"] for r in records if r["error"]), None)}


def ratio(ours, theirs):
    """The geometric mean over the inputs both ran of s2sad's time over the peer's."""
    times = {r["description"]: r["ns"] for r in theirs if r["success"] and r["ns"]}
    logs = [math.log(r["ns"] / times[r["description"]]) for r in ours
            if r["success"] and r["ns"] and r["description"] in times]
    return math.exp(sum(logs) / len(logs)) if logs else None


def validated(summary):
    if summary is None:
        return "-"
    if summary["inputs"] == 0:
        return "not run"
    if summary["ran"] < summary["inputs"]:
        return f"failed ({summary['ran']}/{summary['inputs']} ran)"
    return f"{summary['valid']}/{summary['inputs']}" + (" yes" if summary["valid"] == summary["inputs"] else " NO")


def cell_ratio(summary):
    if summary is None:
        return "-"
    if summary.get("ratio") is None:
        return "n/a"
    return f"{summary['ratio']:.2f}x"


def cell_ms(summary):
    return "-" if summary is None or summary["ms"] is None else f"{summary['ms']:.2f}"


def table(rows):
    lines = ["| eval | function | s2sad validated | s2sad ms | jax validated | jax ms | s2sad/jax "
             "| pytorch validated | pytorch ms | s2sad/pytorch |",
             "|---|---|---|---:|---|---:|---:|---|---:|---:|"]
    for row in rows:
        t = row["tools"]
        if row["stopped"]:
            lines.append(f"| {row['eval']} | - | stopped: {row['stopped'][:120]} | | | | | | | |")
            continue
        lines.append(
            f"| {row['eval']} | {row['function']} | {validated(t.get('s2sad'))} | {cell_ms(t.get('s2sad'))} "
            f"| {validated(t.get('jax'))} | {cell_ms(t.get('jax'))} | {cell_ratio(t.get('jax'))} "
            f"| {validated(t.get('pytorch'))} | {cell_ms(t.get('pytorch'))} | {cell_ratio(t.get('pytorch'))} |")
    return lines


def print_summary(rows):
    print()
    print("\n".join(table(rows)))
    print()
    for row in rows:
        error = row["tools"].get("s2sad", {}).get("error") if row["tools"] else row["stopped"]
        if error:
            print(f"{row['eval']}::{row['function']} (s2sad): {error}")


def markdown(rows, results, machine, command, inputs, args, seconds):
    out = ["# s2sad on GradBench", "",
           "Written by `benchmarks/gradbench/run.py`; do not edit by hand.", "",
           "## Command", "", f"    {command}", "",
           f"(took {seconds / 60:.1f} minutes; {args.min_runs} runs of each function on each input, "
           "the fastest counts" + "".join(f"; {e}: {n}" for e, n in args.runs.items() if e in args.evals)
           + ")", "",
           "## Machine", ""]
    out += [f"- {key}: {value}" for key, value in machine.items()]
    out += ["", "## How the timing is made fair", "",
            "- Every tool process is pinned to the same single CPU, with one thread for OpenMP, BLAS "
            "and XLA's Eigen pool (GradBench's jax tool pins itself to CPU 0 in any case).",
            "- Each function runs several times on each input and the fastest run counts: neither "
            "s2sad's code generation nor JAX's compilation (both happen on the first call) is timed.",
            "- GradBench's jax tool stops its clock when a jitted call returns, before the asynchronous "
            "result is computed. It runs here through `peers/jax_tool.py`, which replaces "
            "`gradbench.wrap.multiple_runs` so that every timed call is "
            "`jax.block_until_ready(function(input))`.",
            "- Times are the tool's own `evaluate` timings (JSON decoding and encoding are not timed). "
            "`ms` is the sum over the inputs of each input's fastest run; a ratio is the geometric mean, "
            "over the inputs both tools ran, of s2sad's time over the peer's (above 1: s2sad is slower).",
            "- Peers run the evals GradBench's `tools/<tool>/evals.txt` lists for them (jax has no ba, det, ht, "
            "lstm, particle, saddle; pytorch no det, llsq, ode, particle, saddle)"
            + ("" if args.every_peer_eval else ", less those it marks as failing or too slow there "
               "(pytorch: ba `error`, ht `timeout`; `--every-peer-eval` runs them)") + ".",
            "- Validated: GradBench's own eval checked the output (against GradBench's C++ `manual` tool, "
            "or the eval's fixed answer for particle and saddle); `k/n` inputs passed.", "",
            "## Results", ""]
    out += table(rows)
    out += ["", "## What s2sad refused or got wrong", ""]
    errors = [(row["eval"], row["function"], (row["tools"].get("s2sad") or {}).get("error")
               if row["tools"] else row["stopped"]) for row in rows]
    errors = [e for e in errors if e[2]]
    out += [f"- {e}::{f}: `{message}`" for e, f, message in errors] or ["- nothing"]
    out += ["", "## Inputs", "", f"The {'quick' if args.quick else 'default'} set: each eval program's own "
            "size flags (GradBench's generators and data files).", ""]
    out += [f"- {name}: `{' '.join(flags) or '(the eval has no size flags)'}`" for name, flags in inputs.items()
            if name in args.evals]
    out += ["", "The checkout has no `evals/lstm/data/lstm_full.txt` (a large file): the run makes one in its "
            "work directory from the checkout's README files (ASCII characters only). ht's hand files stop at "
            "hand11 (no hand12): `--max` stays below."]
    out += ["", "## Every input", "", "| eval | tool | function | input | ms | validated |",
            "|---|---|---|---|---:|---|"]
    for (eval_name, tool), (records, stopped) in results.items():
        if stopped:
            out.append(f"| {eval_name} | {tool} | - | - | - | stopped: {stopped[:160]} |")
        for r in records:
            ms = f"{r['ns'] / 1e6:.3f}" if r["success"] and r["ns"] else "-"
            state = ("yes" if r["valid"] else "NO") if r["success"] else f"failed: {(r['error'] or '')[:160]}"
            out.append(f"| {eval_name} | {tool} | {r['function']} | {r['description']} | {ms} | {state} |")
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
