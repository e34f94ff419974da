"""Statements the README claims that no generator wrote, the other half of
``claim_forms`` (each from a stream of its own; a program without them is the program of
the same seed without the features):

- ``maybe_view_write``: a write through ``mvN = np.asfortranarray(a)``,
  ``np.ascontiguousarray(a)``, ``np.asarray(a, order='F')`` or ``a.astype(float,
  copy=False)``, which numpy returns as ``a`` itself only where the layout and dtype fit
  (README, "Method spellings"): of an array ``f`` made, read again after the write, or of a
  parameter.  Right numbers or s2sad's located refusal (``REFUSABLE``: the write's name);
- ``print_in_branch``: ``print(...)`` (or the module logger's ``log.info``) inside an
  ``if`` on data inside a loop that also carries a value (the checker compares what each
  derivative call prints with what ``f`` prints);
- ``foreign_arg``: a ``collections.deque`` or an instance of the program's own iterable
  class passed as an argument (a module global, ``fq``/``fb``), read by ``f`` as a
  container: s2sad must refuse it, located (``MUST_REFUSE``);
- ``unseen_view_write``: a write through ``uwN = np.asanyarray(ubN)`` (np.require,
  np.asarray_chkfinite, np.array(copy=None), np.float64...: ``ubN`` itself) where only
  ``ubN`` is read afterwards: s2sad must refuse it, located on ``uwN`` (it was dropped as
  dead code: wrong numbers);
- ``slice_update``: ``vbN op= ...`` on ``vbN = vsN[1:]`` beside ``vaN = vsN[:1]``, views
  of one array that share no memory, both read afterwards: right numbers (``MUST_WORK``);
- ``overwrite_position``: a scipy.linalg call given its overwrite flag True by position
  (``_ = sla.lu_factor(owN, True)``, ``oyN = sla.solve(owN, C..., False, True)``) of a
  Fortran-ordered ``owN`` (which scipy then writes into) read afterwards: s2sad must
  refuse it, located on the call (an unused result was dropped: wrong gradients).
"""

import random
from collections import deque

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.effect_forms import LOGGER
from s2sad.fuzz.generator.python_forms import float_params
from s2sad.fuzz.program import Param

FEATURES = ("maybe_view_write", "print_in_branch", "foreign_arg", "unseen_view_write",
            "slice_update", "overwrite_position")
SALTS = (0x53AB, 0x65BD, 0x77CF, 0x89E1, 0x9BF3, 0xAD05)
RATE = {"maybe_view_write": 0.06, "print_in_branch": 0.1, "foreign_arg": 0.03,
        "unseen_view_write": 0.03, "slice_update": 0.06, "overwrite_position": 0.03}
#: scipy.linalg calls given the overwrite flag True by position, of ``{0}`` (square,
#: Fortran-ordered: scipy writes into it), ``{1}`` a vector of its size; the result
#: unused (``_``) or read
OVERWRITES = ("_ = sla.lu_factor({0}, True)", "_ = sla.inv({0}, True)",
              "_ = sla.cholesky({0}, False, True)", "_ = sla.det({0}, True)",
              "oy = sla.solve({0}, {1}, False, True)", "oy = sla.lu_factor({0}, True)[0]")
#: calls that return their argument itself (a float64 array) without a rule of s2sad's
UNSEEN_VIEWS = ("np.asanyarray({0})", "np.require({0})", "np.asarray_chkfinite({0})",
                "np.array({0}, copy=None)", "np.float64({0})", "np.trim_zeros({0})")
#: the maybe-views of an array (``{0}``)
MAYBE_VIEWS = ("np.asfortranarray({0})", "np.ascontiguousarray({0})",
               "np.asarray({0}, order='F')", "{0}.astype(float, copy=False)",
               "np.asarray({0}, order='C')")
#: where a write through a maybe-view lands (by shape)
FIRST = {V: "[0]", W: "[1]", M: "[0, 1]"}
#: the names of the foreign arguments (and the module globals they are)
FOREIGN = {"fq": "FQ", "fb": "FB"}


def streams(seed):
    """Each feature's own random stream, by feature."""
    return {feature: random.Random(seed ^ salt) for feature, salt in zip(FEATURES, SALTS)}


def choose(draft):
    """At the top of ``f``'s body: maybe each statement."""
    rs = streams(draft.seed)
    rolls = {feature: r.random() for feature, r in rs.items()}
    if draft.output == "container":
        return
    for feature in FEATURES:
        if draft.has(feature) and rolls[feature] < RATE[feature]:
            MAKERS[feature](draft, rs[feature])


def _maybe_view_write(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    view, at = f"mv{n}", FIRST[param.shape]
    of_parameter = r.random() < 0.4 and not param.global_name
    if of_parameter:
        source = x
        # (a second name for the parameter: no later write into it, which s2sad refuses
        # by design, "a pullback cannot restore both": param_writes reads this flag)
        for var in draft.env:
            if var.name == x:
                var.aliased = True
    else:
        source = f"ma{n}"
        draft.emit(f"{source} = np.sin({x}) * 1.0")
    draft.emit(f"{view} = {r.choice(MAYBE_VIEWS).format(source)}")
    if r.random() < 0.5:
        draft.emit(f"{view}{at} = {view}{at} * 0.5 + np.tanh({x}{at})")
    else:
        draft.emit(f"{view}{at} += 0.5 * np.sin({source}{at})")
    # both names read right after the write (right only where the two share memory as
    # numpy's), then never again: a later write into a parameter has no second name
    term = f"mq{n}"
    draft.emit(f"{term} = 0.25 * np.sum(np.tanh({source} * 0.5 + {view}))")
    draft.return_terms.append(term)
    draft.use("maybe_view_write")


def _print_in_branch(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    i, acc = f"i{n}", f"pb{n}"
    size = {S: 3, V: 3, W: 2, M: 2}[param.shape]
    item = x if param.shape == S else f"{x}[{i}]"
    read = item if param.shape in (S, V, W) else f"np.sum({item})"
    draft.emit(f"{acc} = 0.0")
    draft.emit(f"for {i} in range({size}):")
    draft.emit(f"    {acc} = {acc} + np.sin({read}) * ({i} + 1.0)")
    draft.emit(f"    if {read} > {r.choice(('0.0', '-0.2', '0.3'))}:")
    if r.random() < 0.3:
        if not any(line.startswith("log = logging.getLogger") for line in draft.module_lines):
            draft.module_lines.append(f"log = logging.getLogger('{LOGGER}')")
        draft.emit(f"        log.info('step %d: %.4f', {i}, {acc})")
    else:
        draft.emit(f"        print('step', {i}, round(float({acc}), 4))")
    if r.random() < 0.5:
        draft.emit("    else:")
        draft.emit(f"        print('skip', {i})")
    draft.return_terms.append(f"0.25 * np.tanh({acc})")
    draft.use("print_in_branch")


def _foreign_arg(draft, r):
    """A deque or an object of the program's own class, a module global passed as an
    argument (before ``ob``, whose default must come last), read by ``f``."""
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    name = r.choice(sorted(FOREIGN))
    glob, read = FOREIGN[name], f"fl{n}"
    if name == "fq":
        draft.module_lines.append(f"{glob} = deque([0.5, -0.25])")
        draft.emit(f"{read} = " + r.choice((f"len({name}) * 0.5", f"{name}[0]",
                                            f"sum(v for v in {name})")))
    else:
        # (the global after the class: helpers come after the module's globals)
        # (iterable without len: used as a container, refused; its attributes alone would
        # be constants of the call, objattr23, as self.W is)
        draft.box_helpers.append("class Bag:\n\n    def __init__(self, items):\n"
                                 "        self.items = items\n\n    def __iter__(self):\n"
                                 f"        return iter(self.items)\n\n\n"
                                 f"{glob} = Bag([0.5, -0.25])")
        draft.emit(f"{read} = sum(v for v in {name})")
    at = next((i for i, p in enumerate(draft.params) if p.name == "ob"), len(draft.params))
    # (the checker's finite differences call f on the Param's value: the deque, or an
    # object with the same items; s2sad is given the module's global)
    value = deque([0.5, -0.25]) if name == "fq" else [0.5, -0.25]
    draft.params.insert(at, Param(name, "none", (), value, global_name=glob))
    draft.return_terms.append(f"0.25 * {read} * np.sum(np.sin({x}))")
    draft.use("foreign_arg")


def _unseen_view_write(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    base, view, at = f"ub{n}", f"uw{n}", FIRST[param.shape]
    draft.emit(f"{base} = np.cos({x}) * 1.0")
    draft.emit(f"{view} = {r.choice(UNSEEN_VIEWS).format(base)}")
    draft.emit(r.choice((f"{view}{at} = {view}{at} * 0.5", f"{view} *= 0.5",
                         f"{view} += np.sin({x})")))
    draft.return_terms.append(f"0.25 * np.sum(np.tanh({base}))")
    draft.use("unseen_view_write")


def _slice_update(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    whole, head, tail = f"vs{n}", f"va{n}", f"vb{n}"
    draft.emit(f"{whole} = np.sin({x}) * 1.0")
    draft.emit(f"{head} = {whole}[:1]")
    draft.emit(f"{tail} = {whole}[1:]")
    draft.emit(f"{tail} {r.choice(('-', '+', '*'))}= 0.5 * {head}")
    draft.return_terms.append(f"0.25 * np.sum(np.tanh({tail})) + 0.5 * np.sum({head})")
    draft.use("slice_update")


def _overwrite_position(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    size = 2 if param.shape == M else param.shape[0]
    square = f"{x} @ {x}.T" if param.shape == M else f"np.outer({x}, {x})"
    a = f"ow{n}"
    draft.emit(f"{a} = np.asfortranarray({square} + np.eye({size}))")
    call = r.choice(OVERWRITES).format(a, "C2" if size == 2 else "C3")
    draft.emit(call.replace("oy = ", f"oy{n} = "))
    read = f" + 0.25 * np.sum(np.tanh(oy{n}))" if call.startswith("oy") else ""
    draft.return_terms.append(f"0.25 * np.sum(np.tanh({a})){read}")
    draft.use("overwrite_position")


MAKERS = {"maybe_view_write": _maybe_view_write, "print_in_branch": _print_in_branch,
          "foreign_arg": _foreign_arg, "unseen_view_write": _unseen_view_write,
          "slice_update": _slice_update, "overwrite_position": _overwrite_position}
