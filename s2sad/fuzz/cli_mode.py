"""The ``cli`` and ``cli_numba`` modes: a program's derivatives as a user of the command
line gets them (README, "Command line").

The program's module is already a file (the loader wrote it); the checker runs
``python -m s2sad grad FILE.py:f --wrt ... -o OUT.py`` in a fresh process (reverse mode,
``--flavor vjp`` for a non-scalar output, ``--mode forward``; ``--target numba`` in mode
``cli_numba``), imports the module written and compares what its function gives with the
finite differences, as the API modes do.  The written module imports the program's
module by its name, which the loader registered: the very module the checker changes.

A written module takes the globals the function reads when it is imported
(``S2SAD_GLOBALS``); the README promises, at each call, that an array changed in place is
read with its new items, and that a global rebound since raises ``ReboundNameError``
instead of a derivative of the old value; and (numba) that a module's attributes read
dotted are read at each call.  Each promise is checked on the programs that read such a
global.
"""

import functools
import importlib
import importlib.util
import inspect
import itertools
import os
import subprocess
import sys

import numpy as np

import s2sad
from s2sad import errors
import s2sad.fuzz.outside as outside
from s2sad.fuzz.agreement import _check_layout, _flatten, _layout_problem, _unchanged
from s2sad.fuzz.loader import _s2sad_error_types
from s2sad.runtime.closures import TakenCode, held_value
from s2sad.fuzz.program import _ones_like, _random_like, _tree_copy, cotangent_like, rebuilt

#: seconds for one run of the command line (a fresh interpreter importing s2sad and numpy)
CLI_TIMEOUT = 120.0
_counter = itertools.count()


class CliRefusal(Exception):
    """The command line exited with code 2 (a user error: a construct refused...)."""


class CliCrash(Exception):
    """The command line exited with another code than 0 and 2, or its module failed."""


def _child_env():
    """The child's environment: this s2sad first on its path."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(s2sad.__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                else "")
    return env


def run_cli(source_path, wrt_names, flags, out_path):
    """``python -m s2sad grad SOURCE:f --wrt ... FLAGS -o OUT`` in the source's directory;
    raises :class:`CliRefusal` or :class:`CliCrash` with the child's message."""
    command = [sys.executable, "-m", "s2sad", "grad",
               f"{os.path.basename(source_path)}:f", "--wrt", ",".join(wrt_names),
               *flags, "-o", os.path.basename(out_path), "--force"]
    done = subprocess.run(command, cwd=os.path.dirname(source_path), env=_child_env(),
                          capture_output=True, text=True, timeout=CLI_TIMEOUT)
    message = (done.stderr or done.stdout).strip()
    if done.returncode == 2:
        raise CliRefusal(message)
    if done.returncode != 0 or not os.path.exists(out_path):
        raise CliCrash(f"exit code {done.returncode}: {message[-1500:]}")


class _Checks:
    """What :func:`check_cli` asks of the checker: its arguments, refusals, comparisons and
    references (the checker, which imports this module, is imported when they are called)."""

    given_args = staticmethod(outside.given_args)
    refusals = _s2sad_error_types()

    @staticmethod
    def _checker():
        return importlib.import_module("s2sad.fuzz.checker")

    def refusal(self, prog, exc, mode=None):
        return self._checker()._refusal(prog, exc, mode)

    def compare(self, prog, mode, args, value, got_value, actual, expected, flavor):
        problem = self._checker()._compare(prog, mode, args, value, got_value, actual,
                                           expected)
        if problem is not None:
            kind, message = problem
            return kind, f"{flavor}: {message}"
        return None

    def reference(self, prog, f):
        c = self._checker()
        return outside._reference(prog, f, c._fd_jacobian, c.EPS_REF, c.EPS_CHECK,
                                  c.FD_RTOL, c.FD_ATOL)

    def module_reads(self, api, prog, f, mode):
        try:
            return outside.check_module_reads(api, prog, f, mode,
                                              lambda: self.reference(prog, f))
        except self.refusals as exc:
            return self.refusal(prog, exc, mode)


CHECKS = _Checks()


def _import(path):
    name = f"s2sad_fuzz_cli_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:   # noqa: BLE001
        raise CliCrash(f"importing the module written failed: {type(exc).__name__}: {exc}")
    return module


class CliApi:
    """s2sad's ``value_and_grad``, ``vjp`` and ``jvp`` answered by modules the command
    line writes (in the API's conventions: a tuple of gradients), one run per flavor."""

    def __init__(self, prog, f, target="numpy"):
        self.prog, self.f, self.target = prog, f, target
        self.source = os.path.abspath(getattr(f, "func", f).__globals__["__file__"])
        self.stem = os.path.splitext(os.path.basename(self.source))[0]
        self.names = [prog.params[i].name for i in prog.wrt]
        self.modules = {}
        self.machine_path = ""

    def module(self, flavor):
        """The module the command line writes for ``flavor`` (imported once)."""
        if flavor not in self.modules:
            flags = {"value_and_grad": [], "vjp": ["--flavor", "vjp"],
                     "jvp": ["--mode", "forward"]}[flavor]
            if self.target == "numba":
                flags = flags + ["--target", "numba"]
            out = os.path.join(os.path.dirname(self.source),
                               f"{self.stem}_{flavor}_{self.target}.py")
            run_cli(self.source, self.names, flags, out)
            with open(out) as fh:
                text = fh.read()
            if os.path.dirname(self.source) in text:
                # (README, "Command line": paths relative to the module's directory; one
                # of the machine's makes `s2sad check` call the module stale elsewhere)
                # (an open finding of s2sad's: the numbers are checked all the same)
                line = next(n for n, t in enumerate(text.splitlines(), 1)
                            if os.path.dirname(self.source) in t)
                self.machine_path = self.machine_path or (
                    f"{flavor}: line {line} of the module written holds the source's "
                    f"absolute path: {text.splitlines()[line - 1].strip()[:300]}")
            self.modules[flavor] = _import(out)
        return self.modules[flavor]

    def _function(self, flavor):
        return getattr(self.module(flavor), f"f_{flavor}")

    def _grads(self, grads):
        return tuple(grads) if len(self.names) > 1 else (grads,)

    def value_and_grad(self, f, wrt=0):
        fn = self._function("value_and_grad")

        def call(*args):
            value, grads = fn(*args)
            return value, self._grads(grads)
        return call

    def vjp(self, f, wrt=0):
        fn = self._function("vjp")

        def call(*args):
            value, pullback = fn(*args)

            def pull(cotangent):
                # (a tuple output's pullback takes one cotangent per item, the API's
                # one tuple of them)
                many = len(inspect.signature(pullback).parameters) > 1
                return self._grads(pullback(*cotangent) if many else pullback(cotangent))
            return value, pull
        return call

    def jvp(self, f, wrt=0):
        fn = self._function("jvp")
        given, count = len(self.prog.params), len(self.names)
        params = list(inspect.signature(fn).parameters.values())
        positional = [p for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
        if any(p.default is not p.empty for p in positional):
            # f's signature, a positional default kept: the tangents are the first
            # keyword-only parameters, passed by name (the others keep their defaults)
            tangents = [p.name for p in params if p.kind == p.KEYWORD_ONLY][:count]

            def by_name(*args):
                return fn(*args[:given], **dict(zip(tangents, args[given:])))
            return by_name
        # the tangents after the positional parameters (f's signature, which a --target
        # numba module keeps too): the
        # defaults f (or a decorator's wrapper) declares are passed to those between
        middle = [p.name for p in positional[given:len(positional) - count]]
        defaults = [_default(self.f, name) for name in middle]
        required = {p.name: _default(self.f, p.name) for p in params
                    if p.kind == p.KEYWORD_ONLY and p.default is p.empty}

        def call(*args):
            return fn(*args[:given], *defaults, *args[given:], **required)
        return call


def _default(f, name):
    """The default ``f``'s wrapper or ``f`` declares for parameter ``name``."""
    for signature in (inspect.signature(f, follow_wrapped=False), inspect.signature(f)):
        parameter = signature.parameters.get(name)
        if parameter is not None and parameter.default is not parameter.empty:
            return parameter.default
    raise CliCrash(f"the forward module takes {name!r} before the tangents, and f declares "
                   f"no default for it")


def check_cli(prog, f, value, jac, rng, target, modes):
    """None when the modules the command line writes agree with the reference, and keep
    the README's promises when a global they took changes; else (kind, message).  A
    refusal the API makes too is classified by ``modes.refusal``; one only the command line
    makes is a failure ("cli-refused")."""
    api = CliApi(prog, f, target)
    args = modes.given_args(prog, f)
    wrt = tuple(prog.wrt)
    scalar = prog.output == "scalar"
    flavors = (["value_and_grad"] if scalar else ["vjp"]) + ["jvp"]
    if target == "numba":
        flavors = flavors[:1] if scalar else ["jvp"]
    for flavor in flavors:
        try:
            problem = _check_flavor(api, prog, f, flavor, args, value, jac, rng, modes)
            if problem is None:
                problem = _check_globals(api, prog, f, flavor, rng, modes)
        except CliRefusal as exc:
            return _cli_refusal(prog, f, flavor, args, str(exc), target, modes)
        except CliCrash as exc:
            return "crash:cli", f"{flavor}: {exc}"
        except subprocess.TimeoutExpired:
            return "hang", f"{flavor}: the command line did not finish in {CLI_TIMEOUT:.0f} s"
        except errors.ReboundNameError as exc:
            return "cli-rebound", f"{flavor}: a global reported rebound that was not: {exc}"
        if problem is not None:
            return problem
    if api.machine_path:   # (README, "Command line": no machine paths; never a pass)
        return "open:cli-machine-path", api.machine_path
    return None


def _cli_refusal(prog, f, flavor, args, message, target, modes):
    """The command line refused: what the API does with the same function."""
    if target == "numba" and "numba" in message:   # (the API falls back to numpy)
        return "numba-fallback", f"the command line's --target numba: {message}"
    if "param_fields" in prog.features and ("is not supported" in message
                                            or "reads the attribute" in message) \
            and "through the Python API" in message:
        # (README, "Lists, tuples and dicts": a module the command line writes does not
        # see the arguments, so it reads no namedtuple's fields: refused at the read)
        return "refused:param_fields", f"the command line: {message}"
    try:
        if flavor == "jvp":
            tangents = [_ones_like(args[i]) for i in prog.wrt]   # (a container's too)
            s2sad.jvp(f, wrt=tuple(prog.wrt))(*args, *tangents)
        elif flavor == "vjp":
            s2sad.vjp(f, wrt=tuple(prog.wrt))(*args)
        else:
            s2sad.value_and_grad(f, wrt=tuple(prog.wrt))(*args)
    except modes.refusals as exc:   # (the API's mode: a construct refused in some only)
        return modes.refusal(prog, exc, "forward" if flavor == "jvp" else "reverse")
    except Exception:   # noqa: BLE001 - the API's own failure is the API modes' to report
        pass
    return "cli-refused", (f"{flavor}: the command line refuses what the API "
                           f"differentiates: {message}")


def _products(api, prog, f, flavor, args, value, jac, rng):
    """(problem, value, flat product, reference) of one flavor on ``args``."""
    wrt = tuple(prog.wrt)
    if flavor == "value_and_grad":
        got, grads = api.value_and_grad(f, wrt)(*args)
        expected = jac[0]
    elif flavor == "vjp":
        got, pullback = api.vjp(f, wrt)(*args)
        flat = rng.standard_normal(jac.shape[0])
        cotangent = cotangent_like(flat, value)
        given = _tree_copy(cotangent)
        grads = pullback(cotangent)
        problem = _unchanged(prog, args, "the command line's pullback",
                             [("cotangent", cotangent, given)]) or _refused(
            lambda: pullback(_misfit(cotangent)), errors.CotangentError, "pullback", cotangent)
        if problem:
            return problem, got, None, None
        expected = flat @ jac
    else:
        tangents = [_random_like(args[i], rng) for i in wrt]
        given = [_tree_copy(t) for t in tangents]
        got, out_tangent = api.jvp(f, wrt)(*args, *tangents)
        problem = _unchanged(prog, args, "the command line's jvp",
                             [("tangents", tangents, given)])
        if problem is None and api.target != "numba" and tangents:   # (numba's: unchecked)
            problem = _refused(lambda: api.jvp(f, wrt)(*args, _misfit(tangents[0]),
                                                       *tangents[1:]),
                               errors.TangentError, "jvp", tangents[0])
        if problem:
            return problem, got, None, None
        if prog.output == "container":
            problem = _layout_problem(out_tangent, value, "the output tangent")
            if problem:
                return ("wrong-type", problem), got, None, None
        actual = _flatten(out_tangent if isinstance(out_tangent, tuple)
                               else [out_tangent])
        return None, got, actual, jac @ _flatten(tangents)
    # (README, "Which values are containers": the derivative of a tuple parameter comes
    # back as a tuple, a list's as a list, nested, as the API gives them; a list for a
    # tuple is a wrong type: campaign seeds 1220024, 50258 of list_param_add)
    given_args = prog.args()
    problem = _check_layout(tuple(grads), given_args, wrt)
    if problem:
        return ("wrong-type", problem), got, None, None
    return None, got, _flatten(list(grads)), expected


def _misfit(tree):
    """``tree`` (a cotangent or tangent) with its first leaf given a leading axis of 2:
    a shape its value has not there."""
    if isinstance(tree, dict) and tree:
        first = next(iter(tree))
        return {**tree, first: _misfit(tree[first])}
    if isinstance(tree, (list, tuple)) and tree:
        return rebuilt(tree, [_misfit(tree[0]), *tree[1:]])
    return np.stack([np.asarray(tree, dtype=float)] * 2)


def _refused(call, error, what, given):
    """None when ``call`` (a written module given a misfit cotangent or tangent) raises
    ``error`` as the API's would (README: "any mismatch raises CotangentError naming
    the path"), else (kind, message): taken silently, it gave numbers of no point."""
    try:
        call()
    except error:
        return None
    except Exception as exc:   # noqa: BLE001 - any other error is the finding
        return "unchecked:cli", (f"{what}: a misfit {type(given).__name__} raised "
                                 f"{type(exc).__name__}: {str(exc)[:200]}, not {error.__name__}")
    return "unchecked:cli", (f"{what}: a misfit {type(given).__name__} (its first leaf "
                             f"given a leading axis) was taken, not refused")


def _check_flavor(api, prog, f, flavor, args, value, jac, rng, modes):
    problem, got, actual, expected = _products(api, prog, f, flavor, args, value, jac, rng)
    if problem:
        return problem
    if actual is not None and actual.shape != expected.shape:
        return "wrong-type", (f"cli {flavor}: {actual.size} numbers, expected "
                              f"{expected.size}")
    return modes.compare(prog, "cli", args, value, got, actual, expected, flavor)


# ------------------------------------------------------------------ globals changed

def _taken(module, prog):
    """(module object, name, value) of each global ``S2SAD_GLOBALS`` took from the
    program's own module (its constants, defaults, ``GL``...)."""
    found = []
    for where, name, value in getattr(module, "S2SAD_GLOBALS", ()):
        owner = sys.modules.get(where)
        # (a tuple: a value of a closure, ``module_closure``, read from its cell)
        now = None if owner is None else held_value(owner, name, None) \
            if isinstance(name, tuple) else getattr(owner, name, None)
        if now is value or (isinstance(value, (int, float, str)) and type(now) is type(value)
                            and now == value):   # (a number copied in)
            found.append((owner, name, now))
    return found


def _check_globals(api, prog, f, flavor, rng, modes):
    """After the first call: an array global changed in place is read anew (against the
    finite differences of ``f`` as it now is), and a global rebound raises
    ``ReboundNameError``; each restored after."""
    if "module_attr" in prog.features:   # (cfg's attributes: read at each call)
        mode = "forward" if flavor == "jvp" else "reverse"
        problem = modes.module_reads(api, prog, f, mode)
        if problem is not None:
            return problem
    taken = _taken(api.module(flavor), prog)
    arrays = [t for t in taken if isinstance(t[2], np.ndarray) and t[2].dtype == np.float64
              and t[2].size and t[1] != "GL"]   # (GL: passed as an argument too)
    arrays.sort(key=lambda t: not isinstance(t[1], tuple))   # (a closure's first)
    if arrays:
        owner, name, array = arrays[0]
        before = array.copy()
        try:
            array[...] = array * 0.9 + 0.05
            ref = modes.reference(prog, f)
            if ref is not None:
                value, jac = ref
                args = modes.given_args(prog, f)
                problem = _check_flavor(api, prog, f, flavor, args, value, jac, rng, modes)
                if problem is not None:
                    kind, message = problem
                    return kind, f"after {name} was changed in place: {message}"
        finally:
            array[...] = before
    problem = _check_helper_rebound(api, prog, f, flavor, rng, modes) \
        or _check_default_global(api, prog, f, flavor, rng, modes)
    if problem is not None:
        return problem
    taken = [t for t in taken if isinstance(t[1], str)]   # (a closure's cell: not set here)
    if taken:
        owner, name, old = taken[0]
        new = old.copy() if isinstance(old, np.ndarray) else (
            old + 0.5 if isinstance(old, (int, float)) and not isinstance(old, bool) else None)
        if new is None:
            return None
        return _rebound_call(api, prog, f, flavor, rng, modes, (owner, name, old, new),
                             name)
    return None


def _rebound_call(api, prog, f, flavor, rng, modes, rebinding, what):
    """Call the written module's ``flavor`` of ``f`` with ``rebinding`` (owner, name, old,
    new value) in place, restored after: None where it raises ``ReboundNameError``, else
    the problem (``what``: the rebound value in words)."""
    owner, name, old, new = rebinding
    args = modes.given_args(prog, f)
    fn = {"value_and_grad": api.value_and_grad, "vjp": api.vjp,
          "jvp": api.jvp}[flavor](f, tuple(prog.wrt))
    extra = [_random_like(args[i], rng) for i in prog.wrt] if flavor == "jvp" else []
    setattr(owner, name, new)
    try:
        fn(*args, *extra)
    except errors.ReboundNameError:
        return None
    except modes.refusals + (Exception,) as exc:   # noqa: BLE001
        return "cli-rebound", (f"{flavor}: {what} rebound: {type(exc).__name__} "
                               f"instead of ReboundNameError: {exc}")
    finally:
        setattr(owner, name, old)
    return "cli-rebound", (f"{flavor}: {what} rebound since the module was imported, "
                           f"and the call gave a derivative instead of "
                           f"ReboundNameError (README, \"Command line\")")


def _check_helper_rebound(api, prog, f, flavor, rng, modes):
    """A function of the program's module the written module inlined or differentiated
    (its row ``(module, (name,), taken_code(...))``, README "Command line"), rebound
    after the import to another function (one calling it: the same values, other code):
    ``ReboundNameError``, not the derivative of the old code; restored after."""
    rows = [(sys.modules.get(where), path[0]) for where, path, value in
            getattr(api.module(flavor), "S2SAD_GLOBALS", ())
            if isinstance(value, TakenCode)
            and len(path) == (2 if path[1:2] == (".func",) else 1)]
    rows = [(owner, name) for owner, name in rows if owner is not None
            and (inspect.isfunction(getattr(owner, name, None))
                 or isinstance(getattr(owner, name, None), functools.partial))
            and getattr(owner, name) is not getattr(f, "func", f)]
    if not rows:
        return None
    rows.sort(key=lambda row: not isinstance(getattr(*row), functools.partial))
    owner, name = rows[0]
    old = getattr(owner, name)
    # (a partial: the same function holding other values, module_partial; a function: one
    # calling it, the same values by other code)
    new = functools.partial(old.func, *[_other(a) for a in old.args],
                            **{k: _other(v) for k, v in old.keywords.items()}) \
        if isinstance(old, functools.partial) else lambda *a, **k: old(*a, **k)
    if isinstance(new, functools.partial) and all(
            x is y for x, y in zip(new.args + tuple(new.keywords.values()),
                                   old.args + tuple(old.keywords.values()))):
        return None   # (nothing it holds could be changed)
    return _rebound_call(api, prog, f, flavor, rng, modes, (owner, name, old, new),
                         f"the function {name}")


def _other(value):
    """Another value like ``value`` (a partial's, rebound): an array's copy shifted, a
    number plus a half; anything else as it is."""
    if isinstance(value, np.ndarray):
        return value + 0.5
    return value + 0.5 if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else value


def _check_default_global(api, prog, f, flavor, rng, modes):
    """A global a default of ``f`` was made of (``def f(x, d1=K1)``), rebound after the
    import: ``f`` keeps its default, so the module must give ``f``'s derivatives still
    (README "Command line": a default is read from ``__defaults__``), neither the new
    global's nor a ``ReboundNameError``; restored after."""
    found = []
    for where, path, value in getattr(api.module(flavor), "S2SAD_GLOBALS", ()):
        owner = sys.modules.get(where)
        if owner is None or not isinstance(path, tuple) or len(path) != 3 \
                or path[1] not in (".__defaults__", ".__kwdefaults__") \
                or not isinstance(value, np.ndarray):
            continue
        found += [(owner, name) for name, held in sorted(vars(owner).items())
                  if held is value and name.isidentifier()]
    if not found:
        return None
    owner, name = found[0]
    old = getattr(owner, name)
    setattr(owner, name, old + 0.5)
    try:
        ref = modes.reference(prog, f)
        if ref is None:
            return None
        value, jac = ref
        args = modes.given_args(prog, f)
        problem = _check_flavor(api, prog, f, flavor, args, value, jac, rng, modes)
    except errors.ReboundNameError as exc:
        problem = "cli-rebound", f"{exc}"
    finally:
        setattr(owner, name, old)
    if problem is not None:
        kind, message = problem
        return kind, (f"{flavor}: {name} (a default of f was made of it) rebound after the "
                      f"import, f's default unchanged: {message}")
    return None
