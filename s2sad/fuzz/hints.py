"""The hint follower (``python -m s2sad.fuzz --follow-hints``): for a program s2sad
refuses, do what the refusal's hint says where that is mechanical, and check the program
so rewritten as any other.

A refusal is an s2sad error with a location and a ``hint``; the rewrites this module knows:

- ``NAME = np.copy(NAME)`` (``list(NAME)``, ``dict(NAME)``) "right before the write" or
  "before the change": that statement inserted above the located line;
- "make 'NAME' a copy where it is bound": each ``NAME = EXPR`` of the function made
  ``NAME = np.copy(EXPR)``;
- "pass H copies of the arrays it may return, H(np.copy(X))": the located line's ``H(X)``
  so written;
- "a float array" (a differentiated value written into an integer or bool array): the
  array's ``dtype=int`` / ``dtype=bool`` where it is bound made ``dtype=float``;
- "write 'NAME = NAME op ...'": the located ``NAME op= EXPR`` so written;
- "keep a list and cut it to its last K items" (a ``deque(maxlen=K)``): a list, cut
  after each ``append``;
- ``s2sad.nondifferentiable(NAME)``: that declaration at the end of the module;
- "pass the number as np.float64(...)" (a Python float at a pole): the program's pole
  arguments passed as ``np.float64``.

A program followed is checked again (its finite differences are those of the rewritten
program); a refusal again is followed again, up to :data:`MAX_STEPS`. A hint that,
followed, gives a wrong derivative (or a crash) is a failure, the finding this mode looks
for; a hint it cannot apply is counted by its first words, never a failure.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

import s2sad
import s2sad.fuzz.effects as effects
from s2sad.fuzz.checker import check_program, entry_point
from s2sad.fuzz.loader import _run_mode, _s2sad_error_types
from s2sad.fuzz.program import _format

MAX_STEPS = 4
#: the hint of a Python float at a pole (a ``SingularPointError``): followed by passing
#: the program's pole arguments as ``np.float64``
FLOAT64_HINT = "pass the number as np.float64(...)"
#: the refusals that must stay refusals, by what shows them in the source
GONE = {"deque_maxlen": "deque(maxlen=", "class_append": "class Ua"}
#: the modes whose refusal is followed (the first that refuses)
REFUSING = ("reverse", "forward")


@dataclass
class HintReport:
    programs: int = 0
    #: "not-refused", "followed-pass", "followed-skip", "failed", "unapplied"
    counts: Counter = field(default_factory=Counter)
    #: the hints applied, by rule, and those not applied, by their first words
    applied: Counter = field(default_factory=Counter)
    unapplied: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)   # (seed, outcome, program, steps)

    def summary(self):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        applied = ", ".join(f"{k} {v}" for k, v in sorted(self.applied.items())) or "none"
        unapplied = ", ".join(f"{k!r} {v}" for k, v in self.unapplied.most_common()) or "none"
        return (f"hint follower: {self.programs} programs: {counts}\n"
                f"  hints applied: {applied}\n  hints not applied: {unapplied}")


def refusal_of(prog, loader, modes=REFUSING):
    """The first located s2sad error with a hint that differentiating ``prog`` raises in
    ``modes`` (None where none does)."""
    module = loader.load(prog.source, f"h{prog.seed}")
    f = entry_point(module, prog)
    for mode in modes:
        try:
            with np.errstate(all="ignore"), effects.quiet(prog):
                _run_mode(s2sad, f, prog.args(), list(prog.wrt), mode, prog.output)
        except _s2sad_error_types() as exc:
            return exc
        except Exception:   # noqa: BLE001 - the checker reports it
            return None
    return None


def _indent(line):
    return line[:len(line) - len(line.lstrip())]


def _copy_before(lines, at, match):
    """Insert ``NAME = np.copy(NAME)`` (as the hint spells it) above line ``at``."""
    lines.insert(at, _indent(lines[at]) + match.group(0))
    return lines


def _copy_where_bound(lines, at, match):
    """Each ``NAME = EXPR`` of the function holding line ``at`` made ``NAME =
    np.copy(EXPR)``."""
    name = match.group(1)
    start = max(i for i in range(at + 1) if lines[i].startswith("def "))
    done = False
    for i in range(start, len(lines)):
        if i > start and lines[i].startswith("def "):
            break
        m = re.match(rf"(\s*){name} = (.+)$", lines[i])
        if m and not lines[i].rstrip().endswith(":"):
            lines[i] = f"{m.group(1)}{name} = np.copy({m.group(2)})"
            done = True
    return lines if done else None


def _pass_copies(lines, at, match):
    """The located line's ``H(X)`` written ``H(np.copy(X))``."""
    helper, inner = match.group(1), match.group(2)
    old = f"{helper}({inner})"
    if old not in lines[at]:
        return None
    lines[at] = lines[at].replace(old, f"{helper}(np.copy({inner}))", 1)
    return lines


def _float_dtype(lines, at, match):
    """The written array's ``dtype=int``/``dtype=bool`` where it is bound made float."""
    m = re.match(r"\s*(\w+)\[", lines[at])
    if not m:
        return None
    name, done = m.group(1), False
    for i in range(at, -1, -1):
        b = re.match(rf"(\s*){name} = (.*)\bdtype=(int|bool)\b(.*)$", lines[i])
        if b:
            lines[i] = f"{b.group(1)}{name} = {b.group(2)}dtype=float{b.group(4)}"
            done = True
            break
    return lines if done else None


def _new_value(lines, at, match):
    """The located ``NAME op= EXPR`` written ``NAME = NAME op (EXPR)``."""
    name, op = match.group(1), match.group(2)
    m = re.match(rf"(\s*){name} {re.escape(op)}= (.+)$", lines[at])
    if not m:
        return None
    lines[at] = f"{m.group(1)}{name} = {name} {op} ({m.group(2)})"
    return lines


def _float_made(lines, at, match):
    """An int or bool array bound without a ``dtype=`` (``np.arange(3)``,
    ``np.array([1, 0])``) given ``dtype=float`` (see :func:`_float_dtype`)."""
    m = re.match(r"\s*(\w+)\[", lines[at])
    if not m:
        return None
    for i in range(at, -1, -1):
        b = re.match(rf"(\s*){m.group(1)} = (np\.(?:arange|array)\(.*)\)$", lines[i])
        if b and "dtype" not in b.group(2):
            lines[i] = f"{b.group(1)}{m.group(1)} = {b.group(2)}, dtype=float)"
            return lines
    return None


def _deque_as_list(lines, at, match):
    """``NAME = deque(maxlen=K)`` made a list, cut to its last K items after each
    ``NAME.append(...)``, as the hint says."""
    keep, name = match.group(1), match.group(2)
    out, bound = [], False
    for line in lines:
        if re.match(rf"\s*{name} = deque\(maxlen={keep}\)$", line):
            out.append(f"{_indent(line)}{name} = []")
            bound = True
            continue
        out.append(line)
        if re.match(rf"\s*{name}\.append\(", line):
            out.append(f"{_indent(line)}{name} = {name}[-{keep}:]")
    return out if bound else None


def _nondifferentiable(lines, at, match):
    """``s2sad.nondifferentiable(NAME)`` at the end of the module (the hint names the
    callee by the module a user imports it from, ``numpy.isclose``: that module is
    imported as it is named where the program does not import it so)."""
    name = match.group(1)
    lines = lines + ["", "", f"s2sad.nondifferentiable({name})"]
    root = name.split(".")[0]
    for module in ("s2sad", root) if "." in name else ("s2sad",):
        if f"import {module}" not in lines:
            lines.insert(0, f"import {module}")
    return lines


#: (rule name, pattern in the hint, rewrite(lines, located index, match) -> lines or None)
RULES = (
    ("copy-before", re.compile(r"\b(\w+) = (?:np\.copy|list|dict)\(\1\)(?=[^\w(]|$)"),
     _copy_before),
    ("copy-where-bound", re.compile(r"make '(\w+)' a copy where it is bound"),
     _copy_where_bound),
    ("copy-where-bound", re.compile(r"make one of them a copy \((\w+) = np\.copy\(\.\.\.\)\)"),
     _copy_where_bound),
    ("pass-copies", re.compile(r"pass (?:\S+) copies of the arrays it may return, "
                               r"(\w+)\(np\.copy\((.+?)\)\)(?:, where|$)"), _pass_copies),
    ("float-dtype", re.compile(r"make the array a float array"), _float_dtype),
    ("float-dtype", re.compile(r"make the array a float array"), _float_made),
    ("new-value", re.compile(r"write '(\w+) = \1 (\S+) \.\.\.'"), _new_value),
    ("deque-as-list", re.compile(r"keep a list and cut it to its last (\d+) items after "
                                 r"each change: (\w+) = \[\]"), _deque_as_list),
    ("nondifferentiable", re.compile(r"s2sad\.nondifferentiable\(([\w.]+)\)"),
     _nondifferentiable),
)


def follow(exc, source):
    """(rule, the source rewritten as ``exc``'s hint says), or (None, first words of the
    hint) where no rule applies."""
    hint = getattr(exc, "hint", "") or ""
    location = getattr(exc, "location", None)
    line = getattr(location, "line", 0) or 0
    words = " ".join(hint.split()[:4]) or f"(no hint: {type(exc).__name__})"
    if FLOAT64_HINT in hint:   # (an argument's type, not the source: follow_hints)
        return "float64-argument", source
    lines = source.splitlines()
    filename = str(getattr(location, "filename", "") or "")
    if not re.search(r"s2sad_fuzz_\w+\.py$", filename):
        line = 0   # (a location in another file: not the program's line)
    if not hint or not 0 < line <= len(lines):
        return None, words if hint else f"(no location: {type(exc).__name__})"
    for name, pattern, rewrite in RULES:
        match = pattern.search(hint)
        if match is None:
            continue
        rewritten = rewrite(list(lines), line - 1, match)
        if rewritten is not None:
            try:
                return name, _format("\n".join(rewritten) + "\n")
            except SyntaxError:
                return None, words
    return None, words


def follow_hints(prog, modes, supported, loader):
    """Follow ``prog``'s refusals' hints; returns (what happened, the outcome of the last
    program checked or None, that program, the rules applied in order)."""
    steps, current = [], prog
    unapplied = None
    for _ in range(MAX_STEPS):
        exc = refusal_of(current, loader)
        loader.forget()
        if exc is None:
            break
        rule, result = follow(exc, current.source)
        if rule is None:
            unapplied = result
            break
        if rule == "float64-argument":
            floats = [p.pole and not isinstance(p.value, np.float64) for p in current.params]
            params = [replace(p, value=np.float64(p.value)) if change else p
                      for p, change in zip(current.params, floats)]
            if not any(floats):
                unapplied = f"(no change: {rule})"
                break
            steps.append(rule)
            current = replace(current, params=params)
            continue
        if result == current.source:
            unapplied = f"(no change: {rule})"
            break
        steps.append(rule)
        # (a refusal that must stay one, followed: its construct is gone)
        gone = {f for f, marker in GONE.items() if marker not in result}
        current = replace(current, source=result, features=current.features - gone)
    if not steps:
        return ("not-refused" if unapplied is None else "unapplied"), unapplied, current, steps
    outcome = check_program(current, modes, supported, loader)
    loader.forget()
    if outcome.status == "fail":
        return "failed", outcome, current, steps
    if outcome.status == "pass":
        return "followed-pass", outcome, current, steps
    return "followed-skip", outcome, current, steps


def run_hints(seeds, modes, supported, loader, features, max_statements, out):
    """The hint-follower campaign over ``seeds``; returns a :class:`HintReport`."""
    from s2sad.fuzz.generator import generate   # (the checker's import order)
    report = HintReport()
    for seed in seeds:
        prog = generate(seed, features, max_statements)
        report.programs += 1
        what, detail, program, steps = follow_hints(prog, modes, supported, loader)
        report.counts[what] += 1
        for rule in steps:
            report.applied[rule] += 1
        if what == "unapplied":
            report.unapplied[detail] += 1
        elif what == "failed":
            report.failures.append((seed, detail, program, steps))
            print(f"FAIL seed {seed}: hints followed ({', '.join(steps)}), then "
                  f"{detail.mode} mode, {detail.reason}\n  "
                  + detail.message.replace("\n", "\n  ")
                  + "\n--- the program as the hints made it ---\n"
                  + program.reproduction((detail.mode,)).rstrip(), file=out, flush=True)
    return report
