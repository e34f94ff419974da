"""Differential fuzzer: random numeric programs, s2sad's derivatives against finite differences.

Run a campaign::

    python -m s2sad.fuzz --count 500 --seed 0
    python -m s2sad.fuzz --count 100000 --seed 1 --max-statements 16 --modes reverse,forward

Each program is generated deterministically from its integer seed (one
``random.Random(seed)``, never the global generator) over the subset of
Python that s2sad supports: straight-line arithmetic and numpy calls on
scalars and small arrays of shapes ``(3,)``, ``(2,)`` and ``(2, 3)`` with
broadcasting, branches on data, ``for`` loops (range, arrays, enumerate,
zip) and ``while`` loops with carried state, and, when this version of
s2sad supports them, ``break``/``continue``, early returns, calls to helper
functions, in-place array updates and ``list.append``.

The constructs of :data:`CLAIMED` are Python's own semantics, which the
README claims s2sad follows: loop targets read after their loop (after
``break``, nested loops reusing the name, loops that may run no trip),
``reversed(range(n))``, writes through a name that may alias another array
(branches, conditional expressions, a helper returning its argument,
containers, a loop-carried name), a ``functools.wraps`` decorator,
parameter defaults and keyword-only parameters, integer counters started from an int parameter,
differentiated values written into integer and bool arrays, zero exponents.
They are checked even where their probe is refused (a false refusal is a
failure); a located refusal of one of the :data:`REFUSABLE` constructs is a
deliberate skip, ``refused:<feature>``, never a pass.

Containers (issue 12): about two programs in five (``CONTAINER_SHARE``) are
container programs, decided at their start; the others are generated as
before.  A container program may take parameters that are containers
(``xs`` a list, ``tup`` a tuple, ``prm`` a dict, ``layers`` a list of
``(W, b)`` tuples or another nesting) and builds lists ``lsN``, tuples
``tpN`` and dicts ``dcN`` of differentiated values (nested too), then uses
them the ways :data:`CONTAINER_FEATURES` name: concatenation, repetition,
slicing, constant, negative and loop indices, ``len``, unpacking (also
``first, *rest = ...``), ``append``/``extend``/``pop``/``insert``, item
assignment and new keys (into parameters too: ``param_write``), ``dict.get``,
loops over lists, tuples, ``zip``, ``enumerate``, ``reversed``, dict keys,
items and values and ``range(len(xs))``, list, tuple and dict comprehensions,
a container mutated through a second name (``caN = coN``; refusable), a
container carried through a loop (``stN``) and helpers ``hcN`` taking and
returning containers.  The generator knows each container's structure, so
every read is valid.  The checker works on the leaves itself: central
differences perturb each element of each leaf of a container parameter, a
gradient must be a container of the parameter's structure (the same types,
lengths, and keys in order; a leaf of its shape), forward mode is given a
tangent of that structure and second mode a direction of it.  ``--probe``
also checks the probe of every claimed construct against finite differences
in each mode and prints one line per construct.

What is supported is not assumed: at start-up every construct and every
numpy operation the generator can emit is *probed* in each mode, by
differentiating a tiny function that uses it.  A feature that raises
``UnsupportedSyntaxError`` or ``NoDerivativeRuleError`` (or any other
deliberate s2sad error) is switched off in that mode.  A program is
generated from the features supported in at least one requested mode and is
checked in each mode that supports all the features it uses ("n/a"
otherwise).

The reference is independent of s2sad: central finite differences in
float64 on the program itself, computed with two step sizes (1e-6 and
1e-4).  When the two disagree, or the one-sided differences of the larger
step do (a kink right at the point, such as a tie of ``max``, leaves central
differences of every step alike), the program is not smooth at the sample
point and it is skipped as "non-smooth"; programs whose values overflow are
skipped as "overflow".

``--modes numba`` checks the numba backend: ``value_and_grad`` (scalar programs) or
``jvp`` with ``backend="numba"`` against the same reference; a program numba cannot
compile falls back to numpy (checked all the same) and counts as a
"numba-fallback" skip.  ``--modes numba_second`` checks ``hvp`` and ``hessian`` with
``backend="numba"`` (scalar programs) as ``second`` checks them, a fallback likewise a
skip.  ``--features`` with ``NUMBA_FEATURES`` (loops over numbers
and small arrays) keeps to the programs the backend is for; ``constructs.NUMBA_LIST_FEATURES``
adds lists built in loops (``acc.append(v)``, then ``sum(acc)``, ``np.stack(acc)``...).

``--modes dask`` runs each program's derivatives (``value_and_grad`` and ``hvp`` of a
scalar output, ``vjp`` of another, ``jvp``) with its arrays as Dask arrays of uneven
chunks (2 along every axis), built under a scheduler that counts computes, and compares
them with the same derivatives on numpy arrays (``--modes reverse,forward,dask`` checks
those against finite differences too).  A program Dask itself cannot run (the function
alone fails on Dask) is "dask-na"; a derivative that errs, differs, or computes while it
is built where the function alone did not ("computes-eagerly") is a failure.
``--modes dask_unknown`` does the same with an array argument of unknown length (Dask's
``nan``: ``x[lazy_mask]``), a ``LazyShapeError`` there counted as a refusal.  The modes
(:mod:`~s2sad.fuzz.dask_mode`, which imports Dask) are loaded only when asked for.

Values from outside ``f`` (:mod:`~s2sad.fuzz.generator.module_reads`, checked by
:mod:`~s2sad.fuzz.outside`): a module global ``GL`` passed as the argument it was made
from (Python's ``f`` on the same objects is the reference value), ``cfg.SCALE`` and
``cfg.VEC`` of a module rebound and changed in place between calls of one derivative
function, and a Python float at a pole (``np.log(x)`` at ``0.0``: inf or nan, or a
``SingularPointError`` on its line).  In the numba mode, a fallback the warning blames on
s2sad's own generated code is a failure, not a skip.

``--modes reverse,second`` also checks second derivatives (scalar programs):
``s2sad.hvp`` along a random direction against central differences of the
gradient reverse mode gives (checked itself against the program's
differences), skipped as "non-smooth" where the one-sided differences of the
gradient disagree.
Domains keep programs smooth and finite by construction: ``log`` and
``sqrt`` see ``x * x + c``, ``exp`` sees bounded arguments, and a running
bound estimate squashes any value that could grow (``np.tanh``) and caps
loop-carried state so it cannot grow from one iteration to the next.

A program is a function of its seed, ``--max-statements`` and the set of
enabled features; when s2sad learns a construct, the same seed may give a
different program (``--features`` pins the set, ``--probe`` prints it).

A failing program is shrunk (statements deleted, compound statements
replaced by their bodies, expressions replaced by their operands, loop
counts reduced, unused parameters dropped) while it still fails in the same
mode in the same way, and printed with its seed, its arguments and a line
that reproduces it with ``s2sad.testing.check_grads``.

The package has a module per job: :mod:`~s2sad.fuzz.ops` (with
:mod:`~s2sad.fuzz.op_record`, a row, and :mod:`~s2sad.fuzz.ops_scipy`, scipy's
elementwise rows) and :mod:`~s2sad.fuzz.constructs` (what can be emitted, and the
probes, with :mod:`~s2sad.fuzz.effect_probes`, :mod:`~s2sad.fuzz.gap_probes` and
:mod:`~s2sad.fuzz.refusal_tables`), :mod:`~s2sad.fuzz.program` (a generated program),
:mod:`~s2sad.fuzz.generator` (programs from seeds), :mod:`~s2sad.fuzz.loader` and
:mod:`~s2sad.fuzz.probes` (what s2sad supports), :mod:`~s2sad.fuzz.checker` (one
program against finite differences, with :mod:`~s2sad.fuzz.finite_differences`,
:mod:`~s2sad.fuzz.derivative_products`, :mod:`~s2sad.fuzz.refusals` and
:mod:`~s2sad.fuzz.open_findings`), :mod:`~s2sad.fuzz.shrinker`,
:mod:`~s2sad.fuzz.campaign` (many programs) and :mod:`~s2sad.fuzz.cli` (``python -m
s2sad.fuzz``).
"""

from s2sad.fuzz.campaign import Fuzzer, Report, run_campaign
from s2sad.fuzz.checker import MODES, Outcome, _check_mode, check_program
from s2sad.fuzz.cli import main
from s2sad.fuzz.constructs import (AFTER_FEATURES, ALIAS_FEATURES, ALL_FEATURES, CLAIMED,
                                   CONSTRUCTS, CONTAINER_FEATURES, CONTAINER_PROGRAM_FEATURES,
                                   CONTAINER_SHARE, NUMBA_FEATURES, REQUIRES, Construct)
from s2sad.fuzz.derivative_products import _shared_leaves
from s2sad.fuzz.finite_differences import _fd_jacobian
from s2sad.fuzz.generator import Generator, generate
from s2sad.fuzz.loader import _Loader
from s2sad.fuzz.ops import BINARY, CONST, CONVERT, LIM, SHAPES, UNARY, Op
from s2sad.fuzz.probes import check_constructs, construct_program, probe_features
from s2sad.fuzz.program import Param, Program, _tree_equal
from s2sad.fuzz.refusal_tables import ALIASING_REFUSALS, MUST_WORK, REFUSABLE
from s2sad.fuzz.refusals import _refused_construct
from s2sad.fuzz.shrinker import _Candidates, shrink

__all__ = ["generate", "Program", "Fuzzer", "probe_features", "shrink", "check_program",
           "run_campaign", "main", "CONSTRUCTS", "UNARY", "BINARY", "CONVERT"]
