"""The names one generation keeps away from the values it names.

Generated code reads the free names of the rules it splices (``np``, ``unbroadcast``, the
helper ``power_bar`` a user's rule calls): no value the generation names may take one.
Which names those are must depend on the function and the rules it uses, never on what
the process did before (which rules it registered, which libraries it imported): the
text of a derivative is the same in every process.

- The transforms' own helpers and the free names of s2sad's rule tables that are always
  loaded are reserved in every generation (``registry.HELPER_NAMES``).
- The free names of any other rule (a user's, or s2sad's rules for an optional library,
  loaded once the user's code imports it) are reserved by the generations that splice
  it, and only by them: a generation runs under :func:`reserving_used`, which makes it
  again, reserving those names, when it spliced such a rule whose names it did not
  reserve yet.
"""

import contextvars
import functools

from . import optional


class _Generation:
    """The names reserved for one generation, and those of the rules it spliced."""

    __slots__ = ("reserved", "used")

    def __init__(self, reserved):
        self.reserved = reserved
        self.used = set()


_CURRENT = contextvars.ContextVar("s2sad_generation", default=None)
#: (registry.HELPER_NAMES, which only grows, its size then, and a frozen copy of it)
_FROZEN = [(None, -1, frozenset())]


def helper_names(always):
    """The names the current generation reserves: ``always`` (``registry.HELPER_NAMES``)
    and those of the rules it uses that are not s2sad's always-loaded ones."""
    held, size, frozen = _FROZEN[0]
    if held is not always or size != len(always):
        frozen = frozenset(always)
        _FROZEN[0] = (always, len(always), frozen)
    generation = _CURRENT.get()
    return frozen | generation.reserved if generation is not None and generation.reserved \
        else frozen


def always_loaded(template):
    """Whether ``template`` is one of s2sad's rules loaded before any generation (its free
    names reserved by all of them); not a user's, nor one for an optional library."""
    module = getattr(template.fn, "__module__", None) or ""
    return module.startswith("s2sad.") and not optional.for_optional_library(module)


def note_spliced(template):
    """Record that the current generation splices ``template`` (see the module docstring)."""
    generation = _CURRENT.get()
    if generation is not None and not always_loaded(template):
        generation.used.update(template.free)


def reserving_used(generate):
    """``generate`` (a function making one module, its first argument the user's function)
    run until the free names of every rule it splices are reserved: once with none of the
    per-use names, then, when it spliced a rule whose names were not reserved, again with
    them (the same result however the process got here: the reserved names follow from
    the function and its rules).  The names the last generation of the same code
    reserved are tried first: taken when exactly those are the ones it splices (the
    result then is the one the rounds from none give, as which rules a generation splices
    never depends on the names it reserves), which saves the second round."""
    @functools.wraps(generate)
    def run(func, *args, **kwargs):
        key = (run, getattr(func, "__code__", None))
        hint = _HINTS.get(key)
        if hint:
            try:
                result, used = _generated(generate, hint, func, args, kwargs)
            except Exception:   # noqa: BLE001 (a refusal is raised by the rounds from none:
                used = None     # its message names what they name)
            if used == hint:
                return result
        reserved = frozenset()
        while True:
            result, used = _generated(generate, reserved, func, args, kwargs)
            if used <= reserved:
                break
            reserved = reserved | used
        if key[1] is not None:
            if len(_HINTS) >= 1024:
                _HINTS.clear()
            _HINTS[key] = reserved
        return result
    return run


#: (reserving_used's function, a user function's code) -> the names its last generation
#: reserved for the rules it spliced (a first guess only: see reserving_used)
_HINTS = {}


def _generated(generate, reserved, func, args, kwargs):
    """``generate(func, *args, **kwargs)`` reserving ``reserved``; with the names of the
    rules it spliced that are reserved per use."""
    generation = _Generation(reserved)
    token = _CURRENT.set(generation)
    try:
        return generate(func, *args, **kwargs), frozenset(generation.used)
    finally:
        _CURRENT.reset(token)
