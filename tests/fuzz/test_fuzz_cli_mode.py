"""The fuzzer's command-line modes (``cli``, ``cli_numba``): the module ``python -m s2sad
grad`` writes, run in a fresh process, imported and compared with central finite
differences; a global it took, changed in place, read anew, and rebound, refused with
``ReboundNameError`` (README, "Command line").  Each command line is a fresh interpreter:
a few programs only."""

import importlib.util
import sys

import numpy as np
import pytest

from s2sad import fuzz
from s2sad.fuzz import cli_mode
from s2sad.fuzz.ops import CONST_SOURCE
from s2sad.fuzz.program import Param, Program, _format

HAS_NUMBA = importlib.util.find_spec("numba") is not None


def _program(body, params, wrt=(0,), output="scalar"):
    source = _format("import numpy as np\n" + CONST_SOURCE + "K1 = 0.5\n\n\n" + body)
    return Program(0, source, params, wrt, output, frozenset({"straight"}))


def _check(tmp_path, prog, mode="cli"):
    loader = fuzz._Loader(str(tmp_path))
    try:
        return fuzz.check_program(prog, (mode,), {mode: prog.features}, loader)
    finally:
        loader.close()


X = Param("x", "float", (3,), np.array([0.5, 0.1, -0.3]))
Y = Param("y", "float", (), 0.7)
READS_GLOBALS = "def f(x, y):\n    return np.sum(np.sin(x * C3)) * K1 * y + np.sum(C23 @ x)\n"


def test_generated_programs_agree_through_the_command_line(tmp_path):
    """The first generated programs without container parameters: none fails, two are
    checked at least (reverse or vjp, and forward, each a module of its own); a module holding
    the source's absolute path (a located run-time check's: s2sad's open finding) is
    checked all the same, and counted "open:cli-machine-path", never a pass.  (A program
    at a pole is not checked on the command line: "unsupported".)"""
    outcomes = []
    for seed in range(40):
        prog = fuzz.generate(seed, max_statements=5)
        if any(p.kind == "tree" for p in prog.params):
            continue
        outcome = _check(tmp_path, prog)
        assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
        outcomes.append(outcome.status if outcome.status == "pass" else outcome.reason)
        if len(outcomes) == 3:
            break
    checked = [o for o in outcomes if o in ("pass", "open:cli-machine-path")]
    assert len(checked) >= 2, outcomes


def test_tuple_outputs_and_keyword_only_defaults(tmp_path):
    """A tuple output's pullback (one cotangent per item) and a forward module that takes
    every parameter, keyword-only ones too, before the tangents."""
    prog = _program("def f(x, y, k=K1, *, s=2.0):\n    return np.sin(x) * y * k, x * s * y\n",
                    [X, Y], (0, 1), "tuple")
    outcome = _check(tmp_path, prog)
    assert outcome.status == "pass", (outcome.reason, outcome.message)


def test_a_decorated_function_whose_wrapper_has_a_keyword_only_default(tmp_path):
    """The forward module of a decorated f takes the wrapper's keyword-only parameter
    before the tangents (seed 39 of the first campaign: passed none, a TypeError)."""
    prog = _program("import functools\n\n\ndef deco(fn):\n    @functools.wraps(fn)\n"
                    "    def wrapper(x, *args, scale=0.75, **kwargs):\n"
                    "        return scale * fn(x, *args, **kwargs) + 1.0\n    return wrapper\n"
                    "\n\n@deco\ndef f(x, y):\n    return np.sum(np.sin(x) * C3) * y\n",
                    [X, Y], (0,))
    outcome = _check(tmp_path, prog)
    assert outcome.status == "pass", (outcome.reason, outcome.message)


def test_globals_changed_in_place_and_rebound(tmp_path):
    """C3 changed in place: the written module reads its new items; C3 or K1 rebound: the
    call raises ReboundNameError; a module that skipped the check is caught."""
    prog = _program(READS_GLOBALS, [X, Y], (0, 1))
    loader = fuzz._Loader(str(tmp_path))
    try:
        f = loader.load(prog.source, "s0").f
        api = cli_mode.CliApi(prog, f)
        rng = np.random.default_rng(0)
        names = [name for _, name, _ in cli_mode._taken(api.module("value_and_grad"), prog)]
        assert {"C3", "C23", "K1"} <= set(names), names
        checks = cli_mode.CHECKS
        assert cli_mode._check_globals(api, prog, f, "value_and_grad", rng, checks) is None
        # a module that does not check its globals gives the old value's derivative
        api.module("value_and_grad").check_globals = lambda taken: None
        kind, message = cli_mode._check_globals(api, prog, f, "value_and_grad", rng, checks)
        assert kind == "cli-rebound" and "instead of ReboundNameError" in message
    finally:
        loader.close()


def test_a_wrong_derivative_written_is_a_failure(tmp_path, monkeypatch):
    """The mode compares numbers: a gradient off by a factor fails, in mode cli."""
    made = cli_mode.CliApi.value_and_grad

    def doubled(self, f, wrt=0):
        fn = made(self, f, wrt)

        def call(*args):
            value, grads = fn(*args)
            return value, tuple(2.0 * g for g in grads)
        return call
    monkeypatch.setattr(cli_mode.CliApi, "value_and_grad", doubled)
    outcome = _check(tmp_path, _program(READS_GLOBALS, [X, Y], (0, 1)))
    assert (outcome.status, outcome.reason, outcome.mode) == ("fail", "wrong-gradient", "cli")


@pytest.mark.skipif(not HAS_NUMBA, reason="numba is not installed")
def test_a_loop_through_the_numba_target(tmp_path):
    prog = _program("def f(x, y):\n    s = 0.0\n    for i in range(3):\n"
                    "        s = s + np.sin(x[i] * C3[i]) * y\n    return s * K1\n",
                    [X, Y], (0, 1))
    outcome = _check(tmp_path, prog, "cli_numba")
    assert outcome.status == "pass", (outcome.reason, outcome.message)


def test_a_module_holding_a_machine_path_is_never_a_pass(tmp_path, monkeypatch):
    """A module written with the source's absolute path in it (README: paths relative to
    the module's directory; `s2sad check` elsewhere would call it stale) is never a
    pass: the open finding "cli-machine-path", its numbers checked all the same."""
    made = cli_mode.run_cli

    def with_a_path(source_path, wrt_names, flags, out_path):
        made(source_path, wrt_names, flags, out_path)
        with open(out_path, "a") as fh:
            fh.write(f"# {source_path}\n")
    monkeypatch.setattr(cli_mode, "run_cli", with_a_path)
    outcome = _check(tmp_path, _program(READS_GLOBALS, [X, Y], (0, 1)))
    assert (outcome.status, outcome.reason) == ("skip", "open:cli-machine-path"), \
        outcome.message


def _tree(name, kind, value):
    spec = (kind, tuple(("leaf", np.shape(v)) for v in value))
    return Param(name, "tree", spec, value)


TUPLE_READS = {
    "index": "def f(x, tp):\n    return np.sum(np.sin(x) * tp[0]) + np.sum(tp[1] * x)\n",
    "unpack": "def f(x, tp):\n    a, b = tp\n    return np.sum(np.sin(x) * a) + np.sum(b * x)\n",
    "loop": "def f(x, tp):\n    s = 0.0\n    for v in tp:\n        s = s + np.sum(v * x)\n"
            "    return s\n",
    "slice": "def f(x, tp):\n    q = tp[1:]\n    return np.sum(np.sin(x) * q[0]) * len(tp)\n",
}


@pytest.mark.parametrize("form", sorted(TUPLE_READS))
def test_a_tuple_parameter_s_derivative_comes_back_as_a_tuple(tmp_path, form):
    """README, "Which values are containers": the derivative of a tuple parameter comes
    back as a tuple, however the code reads it (it was a list after an index, a slice or
    a loop and a tuple after unpacking, while the check took a list for a tuple:
    campaign seeds 1220024 and 50258).  The check is strict now: a list is wrong-type."""
    tp = _tree("tp", "tuple", (np.array([0.2, -0.4, 0.3]), np.array([0.1, 0.7, -0.2])))
    prog = _program(TUPLE_READS[form], [X, tp], wrt=(0, 1))
    outcome = _check(tmp_path, prog)
    assert outcome.status == "pass", (outcome.reason, outcome.message)


def test_list_parameters_added_to_a_list_or_to_themselves(tmp_path):
    """``[x] + xs`` and ``xs + xs`` of a list parameter (README, "Command line"), the
    generator's ``list_param_add``."""
    xs = _tree("xs", "list", [np.array([0.2, -0.4, 0.3]), np.array([0.1, 0.7, -0.2])])
    prog = _program("def f(x, xs):\n    la = [x] + xs\n    lb = xs + xs\n"
                    "    return np.sum(la[0] * la[1]) + np.sum(np.sin(lb[-1]) * lb[0])\n",
                    [X, xs], wrt=(0, 1))
    outcome = _check(tmp_path, prog)
    assert outcome.status == "pass", (outcome.reason, outcome.message)


CLOSURE = ("def make_cl(B, k):\n    def cl(v):\n        return np.tanh(np.sum(v * B)) * k\n"
           "    return cl\n\n\nclf = make_cl(np.array([0.4, -0.3, 0.2]), 1.5)\n\n\n"
           "def f(x, y):\n    cc1 = clf(x)\n    return np.sum(np.sin(x)) * y + cc1\n")


def test_a_closure_of_the_module_through_the_command_line(tmp_path):
    """``module_closure``: f calls a closure the module's factory made; the written module
    reads its array and number from the closure (a NameError at its first call before),
    and the array, changed in place, is read anew (against the finite differences)."""
    prog = _program(CLOSURE, [X, Y], (0, 1))
    outcome = _check(tmp_path, prog)
    assert outcome.status == "pass", (outcome.reason, outcome.message)
    loader = fuzz._Loader(str(tmp_path))
    try:
        f = loader.load(prog.source, "s1").f
        api = cli_mode.CliApi(prog, f)
        names = [name for _, name, _ in cli_mode._taken(api.module("value_and_grad"), prog)]
        assert ("clf", "B") in names and ("clf", "k") in names, names
        rng = np.random.default_rng(0)
        assert cli_mode._check_globals(api, prog, f, "value_and_grad", rng,
                                       cli_mode.CHECKS) is None
    finally:
        loader.close()


def test_the_generator_writes_module_closures():
    found = [seed for seed in range(200)
             if "module_closure" in fuzz.generate(seed, max_statements=5).features]
    assert found
    assert "clf = make_cl(np.array(" in fuzz.generate(found[0], max_statements=5).source


def test_a_written_module_taking_a_misfit_cotangent_or_tangent_is_a_failure(tmp_path):
    """The vjp module's pullback and the forward module refuse a cotangent or tangent
    whose first leaf has an extra axis (CotangentError, TangentError, as the API's do);
    one that took it (its check removed here, as before stranger report r10) is
    "unchecked:cli"."""
    prog = _program("def f(x, y):\n    return np.sin(x) * y, x * y\n", [X, Y], (0, 1), "tuple")
    loader = fuzz._Loader(str(tmp_path))
    try:
        f = loader.load(prog.source, "s0").f
        api = cli_mode.CliApi(prog, f)
        args = prog.args()
        value = f(*args)
        jac = np.zeros((6, 4))   # (the numbers are not compared here)
        for flavor in ("vjp", "jvp"):
            problem = cli_mode._products(api, prog, f, flavor, args, value, jac,
                                         np.random.default_rng(0))[0]
            assert problem is None, problem
        api.module("vjp").check_cotangent = lambda ct, out, where, name: ct
        api.module("jvp").as_tangent = lambda t, like, label, what: t
        for flavor in ("vjp", "jvp"):
            problem = cli_mode._products(api, prog, f, flavor, args, value, jac,
                                         np.random.default_rng(0))[0]
            assert problem is not None and problem[0] == "unchecked:cli", (flavor, problem)
    finally:
        loader.close()


TAKES_HELPERS = ("import functools\n\nGP0 = np.array([0.5, -1.0, 2.0])\nKD = np.array([1.0, 2.0, "
                 "3.0])\n\n\ndef hp0(u, c):\n    return c * np.sin(u) + u * u\n\n\n"
                 "PM0 = functools.partial(hp0, c=GP0)\n\n\ndef h1(a):\n    return np.tanh(a)\n\n\n"
                 "def f(x, d1=KD):\n    return np.sum(PM0(x)) + np.sum(h1(x) * d1)\n")


@pytest.mark.parametrize("skipped", ["none", "check", "defaults"])
def test_a_rebound_partial_helper_and_a_default_s_global(tmp_path, skipped):
    """module_partial and defaults: the partial rebound to other values and the helper
    rebound raise ReboundNameError, the global a default was made of rebound changes
    nothing; a module that skips its check, or reads the default from the global (the
    bug of the repros), is caught."""
    prog = _program(TAKES_HELPERS.replace("import functools\n\n", ""), [X], (0,))
    prog = Program(0, prog.source.replace("import numpy as np\n",
                                          "import functools\nimport numpy as np\n", 1),
                   prog.params, prog.wrt, prog.output, prog.features)
    loader = fuzz._Loader(str(tmp_path))
    try:
        f = loader.load(prog.source, "s0").f
        api = cli_mode.CliApi(prog, f)
        rng = np.random.default_rng(0)
        module = api.module("value_and_grad")
        checks = cli_mode.CHECKS
        if skipped == "check":
            module.check_globals = lambda taken: None
        elif skipped == "defaults":   # (the old module: the default read from KD now)
            owner = vars(module)["f_value_and_grad"]
            module.f_value_and_grad = lambda x, d1=None: owner(
                x, sys.modules[f.__module__].KD if d1 is None else d1)
        args = ("value_and_grad", rng, checks)
        found = (cli_mode._check_helper_rebound(api, prog, f, *args),
                 cli_mode._check_default_global(api, prog, f, *args))
        if skipped == "none":
            assert found == (None, None)
        elif skipped == "check":
            kind, message = found[0]
            assert kind == "cli-rebound" and "PM0 rebound" in message
        else:
            kind, message = found[1]
            assert "KD (a default of f was made of it) rebound" in message
    finally:
        loader.close()


GIVES_HELPERS = ("GP0 = np.array([0.5, -1.0, 2.0])\n\n\ndef hp0(u, c):\n"
                 "    return c * np.sin(u) + u * u\n\n\nPM0 = functools.partial(hp0, c=GP0)\n\n\n"
                 "def gh0(fn, u):\n    v = u * 1.0\n    for i in range(2):\n"
                 "        v = v + 0.1 * fn(v)\n    return v\n\n\nclass Mh0:\n"
                 "    def __init__(self, c):\n        self.c = c\n\n    def rhs(self, u):\n"
                 "        return self.c * np.sin(u) + u * u\n\n\nMH0 = Mh0(GP0)\n\n\n"
                 "def f(x):\n    return np.sum(gh0(PM0, x)) + np.sum(gh0(MH0.rhs, x) * x)\n")


def test_a_partial_and_a_method_given_to_a_helper(tmp_path):
    """module_partial's forms given to a helper (gh0(PM0, x), gh0(MH0.rhs, x)): the written
    modules agree with finite differences (the method was refused, ReboundNameError
    naming MH0.rhs.func) and the partial rebound to other values raises ReboundNameError
    (the module gave the old gradient)."""
    prog = _program(GIVES_HELPERS, [X], (0,))
    prog = Program(0, prog.source.replace("import numpy as np\n",
                                          "import functools\nimport numpy as np\n", 1),
                   prog.params, prog.wrt, prog.output, prog.features)
    (tmp_path / "all").mkdir()
    outcome = _check(tmp_path / "all", prog)
    assert outcome.status == "pass", outcome
    loader = fuzz._Loader(str(tmp_path))
    try:
        f = loader.load(prog.source, "s0").f
        api = cli_mode.CliApi(prog, f)
        for flavor in ("value_and_grad", "vjp", "jvp"):
            found = cli_mode._check_helper_rebound(api, prog, f, flavor,
                                                   np.random.default_rng(0), cli_mode.CHECKS)
            assert found is None, (flavor, found)
    finally:
        loader.close()
