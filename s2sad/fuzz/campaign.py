"""The campaign runner: generate, check and shrink programs over a range of seeds."""

import time
from dataclasses import dataclass, field
from typing import Dict

from s2sad.fuzz.checker import check_program
from s2sad.fuzz.constructs import ALL_FEATURES, CLAIMED, CONTAINER_PROGRAM_FEATURES, REQUIRES
from s2sad.fuzz.generator import generate
from s2sad.fuzz.loader import _Loader
from s2sad.fuzz.probes import probe_features
from s2sad.fuzz.shrinker import shrink


# ------------------------------------------------------------------ campaigns

@dataclass
class Report:
    programs: int = 0
    passed: int = 0
    failed: int = 0
    skipped: Dict[str, int] = field(default_factory=dict)
    checked: Dict[str, int] = field(default_factory=dict)
    not_applicable: Dict[str, int] = field(default_factory=dict)
    failures: list = field(default_factory=list)       # (seed, outcome, shrunk program)
    seconds: float = 0.0
    statements: int = 0
    features: Dict[str, int] = field(default_factory=dict)   # programs using each feature
    #: one (seed, status, reason, mode, uses a container feature) per program, in order
    records: list = field(default_factory=list)

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def summary(self):
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items())) or "none"
        return (f"programs: {self.programs}, passed: {self.passed}, failed: {self.failed}, "
                f"skipped: {self.skipped_total} ({reasons})")


class Fuzzer:
    """Probe once, then generate and check programs."""

    def __init__(self, modes=("reverse", "forward"), max_statements=12, features=None,
                 shrink=True, out=None, verbose=False):
        self.modes = tuple(modes)
        self.max_statements = max_statements
        self.loader = _Loader()
        self.probed = probe_features(self.modes, self.loader)
        # what the README claims is checked even where its probe is refused (a false
        # refusal must show up as a failure, not switch the construct off)
        self.supported = {m: s | _claimed_on(s) for m, s in self.probed.items()}
        if features is None:   # (the opt-in constructs only where asked for)
            features = ALL_FEATURES
        self.supported = {m: s & frozenset(features) for m, s in self.supported.items()}
        self.features = frozenset().union(*self.supported.values())
        self.shrink = shrink
        self.out = out
        self.verbose = verbose
        self.progress = 0      # print a summary every this many programs (0: never)
        self.max_shrinks = None  # shrink at most this many failures (None: all)
        self.extra_flags = ""  # command-line flags that reproduce the feature set

    def close(self):
        self.loader.close()

    def program(self, seed):
        return generate(seed, self.features, self.max_statements)

    def say(self, text):
        if self.out is not None:
            print(text, file=self.out, flush=True)

    def run(self, seeds, time_limit=None):
        report = Report()
        start = time.perf_counter()
        for n, seed in enumerate(seeds):
            if time_limit is not None and time.perf_counter() - start > time_limit:
                break
            prog = self.program(seed)
            report.programs += 1
            report.statements += prog.statement_count()
            for feature in prog.features:
                report.features[feature] = report.features.get(feature, 0) + 1
            outcome = check_program(prog, self.modes, self.supported, self.loader)
            report.records.append((seed, outcome.status, outcome.reason, outcome.mode,
                                   bool(prog.features & CONTAINER_PROGRAM_FEATURES)))
            for m in outcome.modes_checked:
                report.checked[m] = report.checked.get(m, 0) + 1
            for m in outcome.modes_na:
                report.not_applicable[m] = report.not_applicable.get(m, 0) + 1
            if outcome.status == "pass":
                report.passed += 1
            elif outcome.status == "skip":
                report.skipped[outcome.reason] = report.skipped.get(outcome.reason, 0) + 1
                if self.verbose and outcome.reason == "invalid":
                    self.say(f"seed {seed}: invalid program ({outcome.message})\n{prog.source}")
            else:
                report.failed += 1
                small, attempts = prog, 0
                if self.shrink and (self.max_shrinks is None
                                    or len(report.failures) < self.max_shrinks):
                    small, attempts = shrink(prog, outcome, self.modes, self.supported,
                                             self.loader)
                final = check_program(small, self.modes, self.supported, self.loader,
                                      only=outcome.signature)
                report.failures.append((seed, outcome, small))
                self.say(self.failure_text(seed, prog, outcome, small, final, attempts))
            if n % 50 == 49:
                self.loader.forget()
            if self.progress and (n + 1) % self.progress == 0:
                self.say(f"... {report.summary()} [{time.perf_counter() - start:.0f} s]")
        self.loader.forget()
        report.seconds = time.perf_counter() - start
        return report

    def failure_text(self, seed, prog, outcome, small, final, attempts):
        lines = [f"FAIL seed {seed}: {outcome.mode} mode, {outcome.reason}",
                 f"  reproduce the campaign program: python -m s2sad.fuzz --seed {seed} "
                 f"--count 1 --max-statements {self.max_statements} "
                 f"--modes {','.join(self.modes)}{self.extra_flags}",
                 "  " + outcome.message.replace("\n", "\n  ")]
        if small is not prog:
            lines.append(f"--- shrunk from {prog.statement_count()} to "
                         f"{small.statement_count()} statements in {attempts} attempts; "
                         f"it fails with:")
            lines.append("  " + final.message.replace("\n", "\n  "))
        lines.append("--- minimal program ---")
        lines.append(small.reproduction((outcome.mode,)).rstrip())
        lines.append("---")
        return "\n".join(lines)


def _claimed_on(probed):
    """The claimed features whose prerequisites the probes enabled."""
    if "straight" not in probed:
        return frozenset()
    return frozenset(c for c in CLAIMED
                     if all(n in probed or n in CLAIMED for n in REQUIRES.get(c, ())))


def run_campaign(count, seed=0, modes=("reverse", "forward"), max_statements=12,
                 features=None, shrink=True, out=None, verbose=False, max_shrinks=None):
    """Generate and check ``count`` programs with seeds ``seed .. seed + count - 1``
    (failures after the first ``max_shrinks`` are reported unshrunk)."""
    fuzzer = Fuzzer(modes, max_statements, features, shrink, out, verbose)
    fuzzer.max_shrinks = max_shrinks
    try:
        report = fuzzer.run(range(seed, seed + count))
        report.supported = fuzzer.supported
        return report
    finally:
        fuzzer.close()
