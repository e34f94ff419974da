"""The command line: ``python -m s2sad.fuzz ...``."""

import argparse
import importlib
import importlib.util
import sys
import time

from s2sad.fuzz.campaign import Fuzzer
from s2sad.fuzz.checker import MODES
from s2sad.fuzz.constructs import ALL_FEATURES, CLAIMED, CONSTRUCTS
from s2sad.fuzz.probes import check_constructs


def _parser():
    """The command line's options (every one the fuzzer ever had)."""
    parser = argparse.ArgumentParser(
        prog="python -m s2sad.fuzz",
        description="Differential fuzzer: random programs, s2sad vs finite differences.")
    parser.add_argument("--count", type=int, default=200, help="number of programs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first program")
    parser.add_argument("--max-statements", type=int, default=12,
                        help="statements per program at most (default 12)")
    parser.add_argument("--modes", default="reverse,forward",
                        help="comma-separated modes to check (reverse, forward, second, numba: "
                             "value_and_grad or jvp with backend='numba', slow: a compile "
                             "per program; numba_second: hvp and hessian with "
                             "backend='numba' (scalar programs); dask: the derivatives on Dask arrays of uneven "
                             "chunks against numpy's; dask_unknown: the same with the "
                             "first array argument of unknown length; cli: the module "
                             "'python -m s2sad grad' writes, in a fresh process; cli_numba: "
                             "the same with --target numba)")
    parser.add_argument("--features", default=None,
                        help="comma-separated features to allow (default: all that probe ok)")
    parser.add_argument("--without", default=None,
                        help="comma-separated features to switch off (e.g. one whose bug is "
                             "known, to look for others)")
    parser.add_argument("--no-shrink", action="store_true", help="report failures unshrunk")
    parser.add_argument("--max-shrinks", type=int, default=None, metavar="N",
                        help="shrink the first N failures only (the others are reported "
                             "unshrunk)")
    parser.add_argument("--show", action="store_true",
                        help="print each program's source (with --count 1: reproduce a seed)")
    parser.add_argument("--probe", action="store_true",
                        help="print which features each mode supports and exit")
    parser.add_argument("--progress", type=int, default=0, metavar="N",
                        help="print a summary line every N programs")
    parser.add_argument("--follow-hints", action="store_true",
                        help="for each program s2sad refuses, rewrite it as the refusal's "
                             "hint says (where that is mechanical: a copy before a write, "
                             "a float dtype, a nondifferentiable declaration...) and check "
                             "it again; a hint that, followed, gives a wrong derivative "
                             "fails")
    parser.add_argument("--verbose", action="store_true")
    return parser


def _print_features(fuzzer, modes):
    """One line per mode: how many features are on, which are off, and the claimed ones
    checked although their probe was refused."""
    for m in modes:
        off = sorted(ALL_FEATURES - fuzzer.supported[m])
        print(f"{m}: {len(fuzzer.supported[m])} features on; off: "
              f"{', '.join(off) if off else 'none'}")
        kept = sorted((CLAIMED & fuzzer.supported[m]) - fuzzer.probed[m])
        if kept:
            print(f"{m}: claimed, checked although the probe was refused: "
                  f"{', '.join(kept)}")


def main(argv=None):
    """``python -m s2sad.fuzz``: probe, then generate and check ``--count`` programs (or
    print the probes with ``--probe``, the sources with ``--show``); returns the exit code
    (1 when a program failed)."""
    parser = _parser()
    opts = parser.parse_args(argv)
    modes = tuple(m.strip() for m in opts.modes.split(",") if m.strip())
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r} (choose from {', '.join(MODES)})")
    if {"dask", "dask_unknown"} & set(modes) and importlib.util.find_spec("dask") is None:
        parser.error("mode dask needs dask: pip install 's2sad[dask]'")
    features = None
    if opts.features:
        features = frozenset(x.strip() for x in opts.features.split(","))
    if opts.without:
        features = (features or ALL_FEATURES) - {x.strip() for x in opts.without.split(",")}
    out = sys.stdout
    t0 = time.perf_counter()
    fuzzer = Fuzzer(modes, opts.max_statements, features, not opts.no_shrink, out, opts.verbose)
    fuzzer.progress = opts.progress
    fuzzer.max_shrinks = opts.max_shrinks
    for flag in ("features", "without"):
        if getattr(opts, flag):
            fuzzer.extra_flags += f" --{flag} {getattr(opts, flag)}"
    try:
        probe_time = time.perf_counter() - t0
        _print_features(fuzzer, modes)
        if opts.probe:
            claimed = sorted(CLAIMED & fuzzer.features & set(CONSTRUCTS))
            print(f"the probes of the {len(claimed)} claimed constructs, checked against "
                  f"finite differences:")
            check_constructs(claimed, modes)
            return 0
        if opts.show:
            for s in range(opts.seed, opts.seed + opts.count):
                prog = fuzzer.program(s)
                print(f"# seed {s}, wrt {prog.wrt}, output {prog.output}, "
                      f"args {prog.args_source()}")
                print(prog.source)
        if opts.follow_hints:
            hints = importlib.import_module("s2sad.fuzz.hints")
            t1 = time.perf_counter()
            followed = hints.run_hints(range(opts.seed, opts.seed + opts.count), modes,
                                       fuzzer.supported, fuzzer.loader, fuzzer.features,
                                       opts.max_statements, out)
            print(followed.summary())
            print(f"probes {probe_time:.1f} s, programs {time.perf_counter() - t1:.1f} s")
            return 1 if followed.failures else 0
        report = fuzzer.run(range(opts.seed, opts.seed + opts.count))
    finally:
        fuzzer.close()
    checked = ", ".join(f"{m} {report.checked.get(m, 0)} (n/a {report.not_applicable.get(m, 0)})"
                        for m in modes)
    print(f"checked: {checked}; {report.statements} statements; probes {probe_time:.1f} s, "
          f"programs {report.seconds:.1f} s")
    print(report.summary())
    if {"dask", "dask_unknown"} & set(modes):
        stats = importlib.import_module("s2sad.fuzz.dask_mode").STATS   # (imports dask)
        print("dask: " + ", ".join(f"{k} {n}" for k, n in sorted(stats.items())))
    return 1 if report.failed else 0
