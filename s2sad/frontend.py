"""The front end, in one place: parse -> (prepare) -> fence -> normalize.

Input: a Python function (the user's, a callee, or generated gradient code).
Output: ``(parsed, normal)``: the :class:`~s2sad.syntax.parse.ParsedFunction`
(resolved names, after ``prepare`` rewrote it when given) and the
:class:`~s2sad.syntax.normalize.NormalFunction` (SSA/ANF) of the fenced
subset.  A refusal of the fence or of normalize is raised with its location.
Every composer (the pipeline, the derivative-for-callee service, the graph,
second order) calls :func:`front_end`, so the chain is written once.
"""

import dataclasses

from .emit import render_function
from .syntax import fence, nodes
from .syntax.normalize import normalize
from .syntax.normalize.argwrites import ArgumentWrites
from .syntax.parse import parse_function
from .transform.second_order import LEAVES_TREE


def front_end(func, stages=None, prepare=None, narrow=None, passed=None, **options):
    """``(parsed, normal)`` of ``func``.

    ``prepare(parsed)``, when given, rewrites the parsed tree before the fence
    (a ``*args`` callee's expansion, second order's tape markers); ``stages``,
    when a dict, receives the ``"parse"`` and ``"normalize"`` code for
    ``--dump-after``; ``options`` go to ``normalize`` (``inline_helpers``,
    ``kinds``, ``callee``).  ``narrow(parsed, kinds)``, when given, is tried first
    (after ``prepare``): the normal form of code it knows meets its preconditions
    (s2sad's own gradient code: ``transform.gradient_normal``), made without the fence
    and the general normalizer, else None, and they run.
    """
    # (passed: the functions given, function_args; kinds: those of the arguments)
    parsed = parse_function(func, passed, options.get("kinds"))
    if prepare is not None:
        # the tree as read, for what reads the source (which arguments it writes into):
        # a copy costs less than reading the source again; none is needed when
        # ``prepare`` puts a new tree in ``parsed.node`` and changes no node of this one
        # (``second_order.LEAVES_TREE``), which nothing changes after it either (the
        # fence reads it, normalize reads a copy)
        tree = parsed.node if getattr(prepare, LEAVES_TREE, False) \
            else nodes.clone(parsed.node)
        as_read = dataclasses.replace(parsed, node=tree, closure=dict(parsed.closure))
        prepare(parsed)
        parsed.rewritten = True
        parsed.as_read = as_read
    if stages is not None:
        stages["parse"] = render_function(parsed.node, [])
    normal = narrow(parsed, options.get("kinds")) if narrow is not None else None
    if normal is None:
        writes = options.get("callee") and ArgumentWrites().written(func)
        fence.check(parsed, writes=bool(writes))
        normal = normalize(parsed, **options)
    if stages is not None:
        stages["normalize"] = render_function(normal.node, [])
    return parsed, normal
