"""Annotations carried on gast nodes between passes.

Each key is a module-level constant whose name says what it holds, so a reader
of any pass can grep for the key to find who writes and who reads it.
"""

#: SourceRef of the user statement a normalized statement came from.
SOURCE = "s2sad_source"
#: The Python object a callee expression resolves to (e.g. ``numpy.tanh``).
CALLEE = "s2sad_callee"
#: on an expression desugar made of a format string: the user's spelling of it
#: (``f"W{i}"``), which messages show (``formatting.spelled``)
SPELLED = "s2sad_spelled"


def get(node, key, default=None):
    return getattr(node, key, default)


def set(node, key, value):  # noqa: A001 - mirrors getattr/setattr
    setattr(node, key, value)
    return node


def copy(src, dst, *keys):
    for key in keys:
        if hasattr(src, key):
            setattr(dst, key, getattr(src, key))
    return dst

#: on a normalized assignment of the user's whose names nothing reads (``L =
#: np.linalg.cholesky(A)`` as a check, ``checked = validate(x)``): Python runs it, and may
#: raise there, so the clean-up keeps it (``optimize.mark_unused_results``)
RUN_UNUSED = "s2sad_run_unused"
#: on a normalized For/While: the names carried from one iteration to the next
CARRIED = "s2sad_carried"
#: on the constant a user's name is bound to, which the normalizer folds (``total =
#: 0.0`` emits nothing): the SourceRef of that statement, which the copy a loop makes
#: of it (``total = 0.0`` before the loop) is placed under, as its comment says
BOUND_AT = "s2sad_bound_at"
#: on a normalized While: the name counting its iterations
TRIPS = "s2sad_trips"
#: on the BinOp a name's augmented assignment ``x += v`` becomes (``x_1 = x + v``): numpy
#: does it in place for an array, keeping x's dtype (checked when the code runs)
IN_PLACE = "s2sad_in_place"
#: on the ``Expr`` statement desugaring puts before a starred assignment's items
#: (``a, *rest = xs``): how many values the unpacked list must hold at least
UNPACK_CHECK = "s2sad_unpack_check"
#: identifier of the forward transform's symbolic zero tangent marker (a ``Name``); it
#: never reaches emitted code
ZERO_ID = "__s2sad_zero__"
#: on a symbolic zero marker: the atom whose shape the zero has (None: a scalar zero)
ZERO_OF = "s2sad_zero_of"
#: attribute of the runtime functions that stand for tape operations ("push" or "pop")
TAPE_OP = "s2sad_tape_op"
#: on a push or pop of a tangent forward mode adds beside a tape push or pop of the
#: gradient code it differentiates (forward over reverse): the key pairing them, so that
#: the pushes and pops of a key whose popped tangents nothing reads go together
#: (``optimize_tapes.without_unread_tangents``)
TAPE_TANGENT = "s2sad_tape_tangent"
#: on a normalized call of a user function: the call as the user wrote it (its location)
CALL_SITE = "s2sad_call_site"
#: on a normalized call from a helper's body put in place of its call (second order): the
#: SourceLocation of the user's call in the helper's file
SITE_LOCATION = "s2sad_site_location"
#: an attribute of an object the function is given, read as it is (normalize.object_attributes):
#: the user's attribute node, to locate a refusal
OBJECT_ATTRIBUTE = "s2sad_object_attribute"
#: on a normalized call of a user function that writes into its arguments: the names of
#: the parameters it writes into, whose new values the call returns after its result
#: (``(result, new_a, ...)``, see ``normalize.functionalize``); on the unpacking of
#: such a call's result, ``(names the result may hold, {new value: the arguments a
#: derivative may reach it from})``
WRITES = "s2sad_writes"

# ---------------------------------------------------------------- every key's prefix
#: the prefix of every annotation key above: ``nodes.clone`` carries such attributes over
#: as they are (they hold plain data and objects, never subtrees)
PREFIX = "s2sad_"

# ---------------------------------------------------------------- syntax passes
#: on a forwarding wrapper's parsed ``FunctionDef``: the ``inspect.Parameter`` list its
#: calls bind (the wrapped function's, as ``syntax.wrappers.rewrite`` gave it)
EFFECTIVE = "s2sad_effective"
#: on a ``FunctionDef`` whose returns desugaring lowered into one: the name holding its
#: result
RESULT = "s2sad_result"
#: on a loop whose ``break``/``return`` desugaring lowered into stop flags: a trip may end
#: early (a loop over a dict then checks its size only where the trip ran whole)
MAY_EXIT = "s2sad_may_exit"
#: on the ``if not broke:`` that desugaring wraps such a ``for`` loop's body in: the body
#: as written, run on every trip until one stops the loop
TRIP_GUARD = "s2sad_trip_guard"
#: on a normalized ``Expr`` call run only for its effect (``print(...)``, a logger's method,
#: ``warnings.warn``, a user's helper that only does such calls, see ``normalize.effects``):
#: every sweep runs it where Python does, once, on the primal values; it has no derivative
EFFECT = "s2sad_effect"
#: on the ``UNBOUND`` name the normalizer gives a name bound on some paths only
UNBOUND = "s2sad_unbound"
#: on a ``Name`` of the user's code spelled like a helper of the generated code's (a
#: global ``zeros_like``), and on a ``Name`` the transforms wrote for such a helper: emitting
#: tells the two apart by these (``emit.emit_module`` imports the helper under another name)
USER_NAME = "s2sad_user_name"
HELPER_NAME = "s2sad_helper_name"

# ---------------------------------------------------------------- transforms
#: on a reverse-mode statement: the call of a user function it stands for
USER_CALL = "s2sad_user_call"
#: identifier of the call that marks a source comment in generated code (``emit`` writes
#: it as ``# ...``)
COMMENT_ID = "__s2sad_comment__"
#: on a reverse-mode ``x_bar = x_bar + g``: ``x_bar`` is a float64 array the sweep made
#: and alone holds, and ``g`` is real and no larger than it: the optimize pass writes
#: ``x_bar += g`` (see ``analysis.dtypes``)
ADD_IN_PLACE = "s2sad_add_in_place"
#: on a reverse-mode ``np.copy(g)`` that only keeps an adjoint from sharing an array
#: with another adjoint or a value: dropped when the function writes nothing in place
#: (``transform.reverse.assembly``), where sharing is harmless and a copy would force
#: a lazy (Dask) array
ALIAS_COPY = "s2sad_alias_copy"

# ---------------------------------------------------------------- markers on functions
#: attribute of a function the API made: which derivative it is ("jvp", "hessian"...)
DERIVATIVE = "_s2sad_derivative"
#: attribute of a generated function that reads a callee under its own name: how to make
#: it again (``(func, name, new)``)
READING_AS = "_s2sad_reading_as"
#: attribute of a gradient function the API made: ``(func, wrt)`` it is the gradient of
#: (``grad(grad(f))`` differentiates its code in forward mode)
GRADIENT_OF = "_s2sad_gradient_of"
#: attribute of a user function holding the API's cache of its transforms
TRANSFORMS = "_s2sad_transforms"
#: attribute of a derivative the API made (``grad(f)``, ``jvp(f)``...): a function of no
#: arguments giving its *composable form*, the generated function that computes the same
#: thing, which a function being differentiated calls in its place (see ``api.composable``)
COMPOSE = "_s2sad_compose"
#: attribute of a function whose parsed tree is rewritten before the fence:
#: ``prepare(parsed)`` (a composable form's tape becomes a list, its output the API's)
PREPARE = "_s2sad_prepare"
#: attribute of a composable form: ``{free name: the user function whose scope binds it}``,
#: so code generated from it reads the user's current values, not the form's copies
FREE_SOURCES = "_s2sad_free_sources"
#: attribute of a composable form: the user's functions its code was made from (code
#: differentiated through it is made again when one of them changes)
COMPOSED_FROM = "_s2sad_composed_from"
#: attribute of the API's transforms (``s2sad.grad``...): a call ``s2sad.grad(f)(x)``
#: written inside a function being differentiated makes the derivative where it is read
TRANSFORM = "_s2sad_transform"
#: attribute of a composable form: ``() -> bool``, whether it still computes the
#: derivative as it is now (code differentiated through it is made again when not)
COMPOSED_CURRENT = "_s2sad_composed_current"
#: on the runtime's copy of a module (``runtime.numpy_view``): the module it copies
VIEW_OF = "_s2sad_view_of"
#: attribute of a composable form that returns derivatives only (``grad``, ``hvp``): its
#: results are new arrays and containers, never an argument or a view of one
RETURNS_NEW = "_s2sad_returns_new"
#: attribute of a composable form: what it computes, as the user wrote it
#: (``"s2sad.grad(energy)"``), for the errors met while differentiating through it
COMPOSED_AS = "_s2sad_composed_as"
#: on the name a call of a derivative calls in place of the callee written, the derivative
#: made for the kinds of its arguments (``syntax.composed_kinds``): the callee written
#: (``s2sad.grad(loss)``, ``G``), which the generated code calls where no derivative
#: goes through the call, and whose function's defaults it reads
COMPOSED_CALLEE = "s2sad_composed_callee"


def derivative_made(func):
    """What derivative s2sad made ``func`` as (``"grad(f)"``, ``"jvp of f"``...), or None
    for a function of the user's."""
    made = getattr(func, DERIVATIVE, None)
    if made is not None:
        return made
    inner = getattr(func, GRADIENT_OF, None)
    return None if inner is None else f"grad({getattr(inner[0], '__name__', '?')})"


def sited(call, node, norm):
    """Annotate the normalized ``call`` with the user's call ``node`` it came from
    (``CALL_SITE``) and, where the normalizer ``norm`` is walking a helper's body put in
    place of its call, with where that call stands (``SITE_LOCATION``: the differentiated
    function's own lines would misplace it)."""
    set(call, CALL_SITE, node)
    if norm.inliner.inlined_functions:
        set(call, SITE_LOCATION, norm.parsed.location(node))
