"""``backend="numba"``: the generated code compiled by numba, or numpy with a warning.

:func:`backend_bound` wraps the :class:`bound.Bound` a transform calls into a
:class:`NumbaBound` with the same interface.  Per generated module (per cache
entry) it runs the numba target pass (``backends.numba_target``) over the numpy
module's text, writes the result to the cache directory (``$S2SAD_CACHE_DIR``,
else ``~/.cache/s2sad/numba``; file name: function name and a hash of the text),
imports it and calls the njit function with the user's current free values as
trailing arguments, the attributes of the user's modules it reads (``cfg.SCALE``:
``backends.numba_free``) too (numba freezes globals as constants; its on-disk cache,
``cache=True``, would not see them change: as arguments, they are read at each
call as the numpy backend reads them).  A second process loads the compiled code
from numba's cache.

Fallback: when the target pass refuses the module, or numba fails to compile it
(a ``numba.core.errors.NumbaError`` at the first call with those argument types),
the numpy code runs instead, with a :class:`errors.NumbaFallbackWarning` naming
the construct and the user's line.  An error raised by the running code (a
ValueError of a helper) propagates as with numpy.

The function a transform returns carries ``compile_seconds`` (seconds of the first
call of each compiled module: numba's compile, or its cache load, and one run;
None before) and ``backend_used`` (``"numba"``, ``"numpy"`` after a fallback,
None before the first call).
"""

import hashlib
import importlib
import importlib.util
import inspect
import operator
import os
import re
import sys
import tempfile
import threading
import time
import warnings
import weakref

from ..errors import NumbaFallbackWarning, NumbaTargetError, ObjectClassError, S2sadError
from .arguments import has_containers, is_container_argument
from .compile_lock import serialize_compiles
from .numba_integers import hazard as integer_hazard
from .numba_messages import (_HELPER, _HELPER_TODO, _OPTIONAL_VALUE, _OWN_LIMITATION,  # noqa: F401
                             UNIFY, inspect_path, own_construct, reflected, reflected_filter,
                             two_types, untyped_argument, untyped_message, user_place)

BACKENDS = ("numpy", "numba")
_LOADED = {}   # module name -> module (imported once per process)
_LOCK = threading.Lock()


def check_backend(backend, transform):
    """The backend name checked: an unknown one, or numba where it is not installed,
    raises an S2sadError saying what to do."""
    if backend not in BACKENDS:
        raise S2sadError(f"unknown backend {backend!r} for s2sad.{transform}",
                         hint="use backend='numpy' (the default) or backend='numba'")
    if backend == "numba" and importlib.util.find_spec("numba") is None:
        raise S2sadError(f"s2sad.{transform}(..., backend='numba') needs numba, which is "
                         f"not installed", hint="pip install 's2sad[numba]'")
    return backend


def refuse_numba(transform, why):
    """The error of a transform that has no numba backend."""
    return S2sadError(f"s2sad.{transform} has no numba backend: {why}",
                      hint=f"use s2sad.{transform} with the default backend='numpy'")


def cache_dir():
    """Where generated numba modules are written (numba's cache sits beside them)."""
    root = os.environ.get("S2SAD_CACHE_DIR")
    if root:
        return os.path.join(root, "numba")
    return os.path.join(os.path.expanduser("~"), ".cache", "s2sad", "numba")


def load_module(text, name):
    """The module of ``text`` written atomically to the cache directory and imported
    (once per process); the file name is ``name`` and a hash of the text."""
    # numba's cache checks only the module's own file: the runtime's sources are part of
    # the name, so an s2sad whose numba runtime changed compiles anew
    digest = hashlib.sha256(text.encode() + _runtime_digest()).hexdigest()[:16]
    module_name = f"s2sad_numba_{name}_{digest}"
    with _LOCK:
        module = _LOADED.get(module_name)
        if module is not None:
            return module
        directory = cache_dir()
        path = os.path.join(directory, f"{name}_{digest}.py")
        try:
            _write_once(directory, path, text)
        except OSError as exc:
            raise S2sadError(f"backend='numba' cannot write its module to {directory}: "
                             f"{exc.strerror or exc}",
                             hint="set S2SAD_CACHE_DIR to a writable directory") from None
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        _LOADED[module_name] = module
        return module


_RUNTIME_DIGEST = []


def _runtime_digest():
    """A hash of the numba runtime's sources (computed once per process)."""
    if not _RUNTIME_DIGEST:
        here = os.path.join(os.path.dirname(os.path.dirname(__file__)), "backends")
        digest = hashlib.sha256()
        for root, _, files in sorted(os.walk(here)):
            for name in sorted(files):
                if name.endswith(".py"):
                    with open(os.path.join(root, name), "rb") as handle:
                        digest.update(name.encode() + handle.read())
        _RUNTIME_DIGEST.append(digest.digest())
    return _RUNTIME_DIGEST[0]


def _write_once(directory, path, text):
    """``text`` at ``path``, written atomically unless it is there already (rewriting
    it would make numba's cache of it stale)."""
    os.makedirs(directory, exist_ok=True)
    if os.path.exists(path) and _read(path) == text:
        return
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


_NUMBA_PLACE = re.compile(r'File "([^"]+)", line (\d+)')


def _through_gradient(entry, message):
    """``message`` with ``line N of the generated G: ...`` (second-order code) made the
    user's line that line of the gradient code comes from."""
    from ..backends.numba_target import user_line
    found = re.search(r"line (\d+) of the generated \w+: .*?(?=\)$)", message)
    if found is None or entry.depends_on is None:
        return message
    where = user_line(entry.depends_on.text.splitlines(), int(found.group(1)))
    return message if where is None else message[:found.start()] + where + message[found.end():]


def _numba_place(message, module, entry, lines, func):
    """The user's place of the last line of ``module`` numba's ``message`` names."""
    place = None
    for path, line in _NUMBA_PLACE.findall(message):
        if os.path.abspath(path) == os.path.abspath(module.__file__):
            place = user_place(entry, lines, int(line), func)
    return place


_REWRITE = ("rewrite that line with numbers and arrays of one type (no dicts, no lists of "
            "mixed types, no helpers numba rejects), or use backend='numpy'")


def fallback_warning(func, what, todo=_REWRITE):
    warnings.warn(
        f"s2sad: backend='numba' runs the numpy backend for {func.__name__}: {what}; "
        f"{todo} (warnings.simplefilter('error', s2sad.NumbaFallbackWarning) makes this an "
        f"error)", NumbaFallbackWarning, stacklevel=_user_level())


def _user_level():
    """The ``stacklevel`` of a warning ``fallback_warning`` gives: the first frame out of
    s2sad's package and of the code it compiles (``<s2sad gradient of f>``...), the user's
    call of the gradient (not a line of s2sad's)."""
    ours = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep, "<s2sad ")
    frame, level = sys._getframe(2), 2   # (the caller of fallback_warning: level 2)
    while frame is not None and frame.f_code.co_filename.startswith(ours):
        frame, level = frame.f_back, level + 1
    return level if frame is not None else 2


def numba_failure(exc, numba_error):
    """Whether ``exc``, raised by calling a dispatcher, is numba failing to compile (or to
    pass a value numba typed as optional: ``expected float64, got None``), not an
    error of the running code."""
    return isinstance(exc, numba_error) or \
        exc.__class__ is TypeError and bool(_OPTIONAL.match(str(exc)))


_OPTIONAL = re.compile(r"expected [\w(), ]+, got None$")


class NumbaBound:
    """A :class:`bound.Bound`'s interface, calling each generated module's njit form."""

    def __init__(self, bound):
        self.bound = bound
        self.func = bound.func
        self.compiled = weakref.WeakKeyDictionary()   # numpy impl -> the callable
        self.shown = []
        self.compile_seconds = None
        self.backend_used = None

    @property
    def fast(self):
        """The gradient's fast path (see ``numba_fastpath``), kept in the numpy
        ``Bound``'s slot: dropped whenever the ``Bound`` rebuilds or takes new defaults."""
        return self.bound.fast

    @fast.setter
    def fast(self, value):
        self.bound.fast = value

    @property
    def ranked(self):
        return self.bound.ranked

    @property
    def entry(self):
        return self.bound.entry

    def text(self):
        return self.bound.text()

    def returns_items(self, args, kwargs):
        return self.bound.returns_items(args, kwargs)

    def show_source(self, wrapper):
        self.bound.show_source(wrapper)
        wrapper.compile_seconds = None
        wrapper.backend_used = None
        self.shown.append(weakref.ref(wrapper))
        return wrapper

    def _entry_of(self, args, kwargs):
        if self.bound.refusal.__class__ is ObjectClassError:   # (made for self's class)
            return self.bound.specialized(args, kwargs).entry
        for value in args:
            if is_container_argument(value):
                return self.bound.specialized(args, kwargs).entry
        if kwargs and has_containers((), kwargs):
            return self.bound.specialized(args, kwargs).entry
        ranked = self.bound.ranked
        if ranked is not None:   # code made for the arguments' ranks (current() made it)
            key = ranked.key(args, kwargs)
            found = None if key is None else self.bound.by_rank.get(key)
            if found is not None:
                return found.entry
        return self.bound.entry

    def current(self, args=(), kwargs=None):
        impl = self.bound.current(args, kwargs or {})
        found = self.compiled.get(impl)
        if found is None:
            found = self.compiled[impl] = self._make(impl, self._entry_of(args, kwargs or {}))
        return found

    def __call__(self, *args, **kwargs):
        return self.current(args, kwargs)(*args, **kwargs)

    def _report(self, seconds, backend):
        if seconds is not None:
            self.compile_seconds = (self.compile_seconds or 0.0) + seconds
        self.backend_used = backend
        for ref in self.shown:
            wrapper = ref()
            if wrapper is not None:
                wrapper.compile_seconds = self.compile_seconds
                wrapper.backend_used = backend

    def _make(self, impl, entry):
        """The callable for the numpy ``impl`` of ``entry``: its njit form, falling back
        to ``impl`` with a warning."""
        from ..backends.numba_target import njit_name, to_numba
        names = _user_values(entry)
        reads, checks = [], []   # (name, "module.attr") read at each call; entry checks
        try:
            text = to_numba(entry.text, entry.emitted.function_name, names,
                            source=inspect_path(self.func), reads=reads,
                            namespace=_passed(impl, names, entry), entry=checks)
        except NumbaTargetError as exc:
            message, loc = exc.message, exc.location
            if loc is not None:
                message += f" ({loc.filename}:{loc.line}:{loc.column}: {loc.code.strip()})"
            return self._fallback(impl, _through_gradient(entry, message), exc.hint)
        text = text.replace("# mode: ", "# target: numba\n# mode: ", 1)
        module = load_module(text, entry.emitted.function_name)
        dispatcher = _checked_first(module, checks, serialize_compiles(
            getattr(module, njit_name(entry.emitted.function_name, names, reads=reads)),
            cache_dir()))
        namespace, lines = impl.__globals__, text.splitlines()
        dotted = [tuple(e.split(".", 1)) for _, e in reads]   # (module's name, attribute path)
        getters = [(root, operator.attrgetter(path)) for root, path in dotted]
        count, keywords = len(inspect.signature(impl).parameters), impl.__code__.co_kwonlyargcount
        state = {"first": True, "scanned": 0}
        # numba is loaded only here, by name: it stays an optional extra that a numpy
        # gradient never imports (tests/test_architecture.py)
        NumbaError = importlib.import_module("numba.core.errors").NumbaError  # noqa: N806
        owner, quiet = self, reflected_filter(module)

        def call(*args, **kwargs):
            if kwargs or len(args) != count or keywords:   # (impl's defaults now: see bound)
                bound_args = inspect.signature(impl).bind(*args, **kwargs)
                bound_args.apply_defaults()   # (keyword-only ones by position: to_numba)
                args = bound_args.args + tuple(bound_args.kwargs.values())
            if state["first"]:
                start = time.perf_counter()
            try:
                if state["first"] or reflected(args, names, namespace):   # (see quiet)
                    result = quiet(dispatcher, *args, *[namespace[n] for n in names],
                                   *[get(namespace[root]) for root, get in getters])
                elif getters:
                    result = dispatcher(*args, *[namespace[n] for n in names],
                                        *[get(namespace[root]) for root, get in getters])
                elif names:
                    result = dispatcher(*args, *[namespace[n] for n in names])
                else:
                    result = dispatcher(*args)
            except Exception as exc:  # noqa: BLE001 - numba's, or the running code's
                if numba_failure(exc, NumbaError):
                    return _as_called(owner._compile_failed(exc, impl, entry, lines,
                                                            module), impl, args)
                failed = exc
            else:
                failed = None
            if failed is not None:
                # an error of the running code: the numpy code decides.  Where it raises
                # too, its error propagates (as with backend="numpy"); where it does not,
                # numba's semantics differ from numpy's (np.take of a 2-d index along an
                # axis): numpy from now on, with the warning
                result = _as_called(impl, impl, args)
                owner._diverged(failed, impl, entry, lines, module)
                return result
            if len(dispatcher.overloads) != state["scanned"]:   # a new compile (overloads:
                # a dict, where .signatures builds a list at each call)
                for compiled in dispatcher.signatures[state["scanned"]:]:
                    found = integer_hazard(dispatcher, compiled, module.__file__)
                    if found is not None:   # numba's integers differ from Python's here
                        result = _as_called(impl, impl, args)
                        owner._integers(found, impl, entry, lines)
                        return result
                state["scanned"] = len(dispatcher.signatures)
            if state["first"]:   # the first call: numba's compile (or cache load)
                state["first"] = False
                owner._report(time.perf_counter() - start, "numba")
            return result

        call.numba_text, call.dispatcher = text, dispatcher
        call.state, call.user_names, call.dotted = state, names, dotted   # (a fast path's)
        return call

    def _integers(self, found, impl, entry, lines):
        """Fall back to ``impl``: the compiled code multiplies integers at ``found``."""
        self.compiled[impl] = impl
        line, symbol = found
        self._fallback(impl, f"numba's integers are 64 bits wide and a negative power of an "
                             f"integer is 0 in numba, but Python's integers grow and "
                             f"2 ** -1 is 0.5: '{symbol}' of two integers "
                             f"({user_place(entry, lines, line, self.func)})",
                       "where the value is a number, not an index, make one operand a float "
                       "(1.0 * k, 2.0 ** -i); an index must stay an integer: there use "
                       "backend='numpy' (products of a size and a small constant, "
                       "x[m:2 * m] with m = x.shape[0] // 2, are not flagged)")

    def _diverged(self, exc, impl, entry, lines, module):
        """Fall back to ``impl``, which ran where numba's code raised ``exc``."""
        self.compiled[impl] = impl
        place = _numba_place(str(exc), module, entry, lines, self.func) \
            or inspect_path(self.func)
        self._fallback(impl, f"numba-compiled code raised {type(exc).__name__}: {exc} where "
                             f"the numpy code runs ({place})",
                       "numba's version of a numpy function differs from numpy's here: use "
                       "backend='numpy' for this function")

    def _compile_failed(self, exc, impl, entry, lines, module):
        """Fall back to ``impl`` after numba's compile error ``exc``."""
        message = str(exc)
        message = re.sub(r"\x1b\[[0-9;]*m", "", message)
        lines_ = [line.strip() for line in message.splitlines() if line.strip()
                  and not line.startswith("Failed in ")]
        construct = re.sub(r" at 0x[0-9a-fA-F]+", "", lines_[0] if lines_ else "this code")[:300]
        construct = re.sub(r"found for signature:$", "found for these argument types", construct)
        construct = re.sub(r", defined at .+? \(\d+\)", "", construct)   # (numba's cache path)
        place = _numba_place(message, module, entry, lines, self.func)
        argument = untyped_argument(message, module, self.func)
        if argument is not None:   # (an argument, or a free value of the user's, numba cannot type)
            self.compiled[impl] = impl
            return self._fallback(impl, *untyped_message(argument, construct, self.func,
                                                          entry.emitted.user_names))
        place = place or inspect_path(self.func)
        self.compiled[impl] = impl
        unify = UNIFY.search(message)
        if unify is not None:
            return self._fallback(impl, *two_types(unify, entry, lines, self.func, place))
        own = own_construct(message, entry.emitted.user_names)
        if own is not None and own.startswith(_HELPER):   # (a listed fallback: README)
            return self._fallback(impl, f"numba cannot compile the generated code's call "
                                        f"of {own[len('its '):]} ({place})", _HELPER_TODO)
        if own is not None or isinstance(exc, TypeError):   # (TypeError: a None it typed)
            own = own or _OPTIONAL_VALUE
            return self._fallback(impl, f"numba cannot compile the code s2sad generates for "
                                        f"{own} ({place}): {construct}", _OWN_LIMITATION)
        return self._fallback(impl, f"numba cannot compile the generated code ({place}): "
                                    f"{construct}")

    def _fallback(self, impl, what, todo=_REWRITE):
        self.bound.drop_fast()   # (a fast path calls the compiled code: numpy from now on)
        fallback_warning(self.func, what, todo)
        self._report(None, "numpy")
        return impl


def _as_called(target, impl, args):
    """``target`` (``impl`` or its stand-in) called with ``args`` as the compiled code is:
    ``impl``'s keyword-only parameters last, by position, given by name again."""
    code = impl.__code__
    last = len(args) - code.co_kwonlyargcount
    names = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    return target(*args[:last], **dict(zip(names, args[last:])))


def _user_values(entry):
    """The names of ``entry``'s module bound to the user's values (not to s2sad's own
    helpers of a runtime submodule, which the numba target ports or refuses)."""
    from ..backends.numba_own import own_names
    own = own_names(entry.text)
    return [n for n in entry.emitted.user_names if n not in own]


def _passed(impl, names, entry):
    """The objects the generated module's names are bound to, with the user's values
    ``names`` its compiled function is passed (``impl``'s globals): the numba target
    refuses one numba cannot take (``backends.numba_unported``)."""
    return {**{n: impl.__globals__[n] for n in names if n in impl.__globals__},
            **entry.emitted.bindings}


def _checked_first(module, checks, dispatcher):
    """``dispatcher``, called after the Python function of ``module`` that ``checks``
    names where there is one (a function writing into a parameter: see ``to_numba``'s
    ``entry``)."""
    return _CheckedFirst(getattr(module, checks[0]), dispatcher) if checks else dispatcher


class _CheckedFirst:
    """``dispatcher`` called after ``check`` (with the same arguments, in Python),
    showing numba's dispatcher's overloads and signatures; the fast path
    (``api.numba_fastpath``) calls it as it calls a dispatcher."""

    def __init__(self, check, dispatcher):
        self.check, self.dispatcher = check, dispatcher

    def __call__(self, *args):
        self.check(*args)
        return self.dispatcher(*args)

    def __getattr__(self, name):
        return getattr(self.dispatcher, name)


def backend_bound(bound, backend):
    """``bound`` for ``backend``: itself for numpy, a :class:`NumbaBound` for numba."""
    return bound if backend == "numpy" else NumbaBound(bound)
