"""Checks generated code makes on the values it gets: a scalar output, arguments that
share memory with one the function writes, real dtypes, and results the caller may
write into (``unshared``).  Each returns its input (or a copy) or raises an s2sad error.
"""

import importlib
import sys as _sys

from .numpy_view import np
from .checks import _shares, source_file, source_location
from .closures import TakenCode, held_value, shown_path
from .duck import ndim_of, shape_meta
from ..errors import SharedArgumentsError, UnsupportedSyntaxError, ValueTypeError, located_line_of
from ..values import refuse_value
from ..rules.records import tangent_beside
from .shapes import _SCALAR_TYPES, _ndarray


def _containers_in(value, found, depth=0):
    """The ids of the lists and dicts ``value`` is or holds (tuples looked into)."""
    if isinstance(value, (list, dict)):
        found.add(id(value))
    if depth < 6 and isinstance(value, (list, tuple)):
        for item in value:
            _containers_in(item, found, depth + 1)
    elif depth < 6 and isinstance(value, dict):
        for item in value.values():
            _containers_in(item, found, depth + 1)
    return found



def ensure_own_dicts(function_name, written, arguments, outside=None):
    """Refuse a dict argument the function writes items into (``p["b"] = ...``) when
    another argument is that dict or holds it (or a dict inside it).

    Generated code writes such items into new dicts (the caller's dict never
    changes), so the other argument would not see the write that Python's own call
    makes it see.  ``written``: the parameter's name -> the line of its first item
    write; ``arguments``: every parameter's value by name; ``outside``: the globals
    and closure values the function reads.
    """
    for name, line in written.items():
        mine = _containers_in(arguments[name], set())
        for other, given in list(arguments.items()) + list((outside or {}).items()):
            if (other != name or given is not arguments[name]) \
                    and mine & _containers_in(given, set()):
                raise SharedArgumentsError(
                    f"{function_name} writes items into its argument {name!r} (line {line}), "
                    f"and {other!r} is (or holds) that dict or one inside it: "
                    f"s2sad writes into a new dict (it never changes the caller's dicts), so "
                    f"{other!r} would not see the write that {function_name} makes it see",
                    located_line_of(function_name, line, name),
                    hint=f"pass a copy of one of them, e.g. dict({name})")
    return None



_REAL_SCALAR_TYPES = _SCALAR_TYPES - {np.complex128}



def ensure_scalar_output(value, function_name):
    """Refuse to seed a gradient from a non-scalar output (that would silently sum it)."""
    if value.__class__ in _REAL_SCALAR_TYPES:
        return   # the common case, without numpy's dispatch
    refuse_value(value, "the output", function_name)   # None, a string, a complex value
    if isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"the gradient of {function_name} is only defined for a scalar output, "
            f"but it returned a {type(value).__name__}; use s2sad.vjp for non-scalar outputs")
    if ndim_of(value) != 0:   # (metadata: a lazy Dask scalar is not computed)
        raise ValueError(
            f"the gradient of {function_name} is only defined for a scalar output, "
            f"but it returned an array of shape {shape_meta(value)}; "
            f"use s2sad.vjp for non-scalar outputs")


def scalar_checked(value, function_name):
    """``value``, once :func:`ensure_scalar_output` accepted it: the check of a gradient
    code's output where that code is differentiated again (see ``api.composable``),
    written so that the value flows through it (its derivative is the identity)."""
    ensure_scalar_output(value, function_name)
    return value



def ensure_unshared(function_name, written, arguments, outside=None, dicts=None,
                    defaults=None):
    """Refuse arguments that share memory with an argument the function writes into.

    ``written``: the parameters the function writes into (the generated code
    writes into copies of them, or computes ``x op= v`` into a new value), each
    with the line of its first write; ``arguments``: every parameter's value by
    name; ``outside``: the module globals and closure values the function reads,
    by name.  Python's own call would let the other arguments (and those globals)
    see the writes; the copies would not, so the two would compute different things.
    Arrays inside tuples, lists and dicts count too.  ``dicts``: the parameters
    the function writes dict items into, each with its first line (see
    :func:`ensure_own_dicts`).  ``defaults``: the parameters the function writes into
    whose default a write changes (a list, a dict, an array), each with ``(the default
    now, the line of the first write, the default's source text)``: a call leaving one
    to its default is refused (Python's call changes the default itself, for every later
    call; s2sad writes into a copy).
    """
    if defaults:
        for name, (default, line, text) in defaults.items():
            if arguments[name] is default:
                raise UnsupportedSyntaxError(
                    f"{function_name} writes into its parameter {name!r} (line {line}), "
                    f"and this call leaves it to its default {text}: Python's call changes "
                    f"the default value itself, and every later call sees the change; "
                    f"s2sad writes into a copy and cannot follow that",
                    located_line_of(function_name, line, name),
                    hint=f"pass {name} at every call, or default it to None and make the "
                         f"value in the function: {name}=None in the signature, then "
                         f"'if {name} is None: {name} = {text}' as the first statement")
    if dicts:
        ensure_own_dicts(function_name, dicts, arguments, outside)
    for name, line in written.items():
        value = arguments[name]
        if value.__class__ in _SCALAR_TYPES:
            continue   # a number: op= makes a new one, as in Python
        if isinstance(value, dict):
            raise ValueTypeError(
                f"{function_name} writes items into its argument {name!r} (line {line}) "
                f"with keys its code does not show to be a dict's, so s2sad read {name!r} "
                f"as an array; it is a dict", located_line_of(function_name, line, name),
                hint=f"write into a dict made in the function ({name} = dict({name}) "
                     f"right before the write), or read it once with a string key or "
                     f"{name}.get(k)")
        for other, given in arguments.items():
            if other != name and _shares(value, given):
                raise SharedArgumentsError(
                    f"{function_name} writes into its argument {name!r} (line {line}), and "
                    f"{name!r} shares memory with its argument {other!r}: s2sad writes into a copy of "
                    f"{name!r} (it never changes the caller's arrays), so {other!r} would "
                    f"not see the write that {function_name} itself makes it see",
                    located_line_of(function_name, line, name),
                    hint=f"pass a copy of one of them, e.g. {name}.copy()")
        for other, given in (outside or {}).items():
            if _shares(value, given):
                raise SharedArgumentsError(
                    f"{function_name} writes into its argument {name!r} (line {line}), and "
                    f"{name!r} shares memory with {other!r}, a global or closure value "
                    f"{function_name} (or a function it calls) reads: s2sad writes into a copy of {name!r} (it never "
                    f"changes the caller's arrays), so {other!r} would not see the write "
                    f"that {function_name} itself makes it see",
                    located_line_of(function_name, line, name),
                    hint=f"pass a copy: {function_name}({other}.copy()), or have "
                         f"{function_name} write into a copy of {name!r}")



def _refuse_read_only(filename, line, column):
    """A write into a read-only array: Python's numpy raises ValueError there, and so
    does generated code (which may compute the write as a new array)."""
    raise ValueError(f"assignment destination is read-only ({source_file(filename)}:{line}:"
                     f"{column}: a "
                     f"view such as np.diagonal(a) or np.broadcast_to(a, ...) gives; write "
                     f"into np.copy(...) of it)")


def ensure_real_target(array, filename, line, column, tangent=0.0):
    """Refuse a differentiated value written into an integer or bool array.

    numpy truncates (or tests for nonzero) what such a write stores, so the
    derivative the adjoint would carry is not the function's.  The dtype is
    known only now: ``filename:line:column`` is where the write stands.
    Returns ``array`` (second-order code keeps the check as ``x = check(x, ...)``).
    Forward mode passes the ``tangent`` it writes next: a complex one would lose its
    imaginary part in the real tangent array.
    """
    if array.__class__ is _ndarray and not array.flags.writeable:
        _refuse_read_only(filename, line, column)
    if array.__class__ is _ndarray and array.dtype.kind == "f":
        if tangent.__class__ is float or not _is_complex(tangent):
            return array   # the common case
        raise ValueTypeError(
            "a complex value reached the derivative here (its imaginary part would be "
            "dropped in a real array); s2sad does not differentiate complex values",
            source_location(filename, line, column),
            hint="compute with real arrays only")
    if not isinstance(array, np.ndarray) or array.dtype.kind in "fc":
        return array   # a list, or a complex array (refused where it is made)
    if array.dtype.kind == "O" and array.ndim == 0 and isinstance(array[()], dict):
        # a dict argument the code does not show to be a dict, copied as an array
        raise ValueTypeError(
            "this item write reads its target as an array, but the value is a dict: the "
            "function's code shows no string key or dict method on it",
            source_location(filename, line, column),
            hint="write into a dict made in the function (d = dict(d) first), or read it "
                 "once with a string key or d.get(k)")
    kind = "a bool" if array.dtype.kind == "b" else "an integer"
    raise ValueTypeError(
        f"a differentiated value is written into {kind} array (dtype {array.dtype}): numpy "
        f"{'keeps only whether it is nonzero' if kind == 'a bool' else 'truncates it'}, "
        f"so it has no useful derivative",
        source_location(filename, line, column),
        hint="make the array a float array (np.zeros(n) or dtype=float), or write a value "
             "that does not depend on the differentiated inputs (np.floor(v) is still "
             "differentiated: use int(v) outside, or s2sad.nondifferentiable)")



def _is_complex(value):
    return value.__class__ is complex or isinstance(value, np.complexfloating) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "c")



def ensure_same_kind(array, value, filename, line, column):
    """Before ``x += v`` (``x = x + v`` in generated code): for an integer or bool
    array ``x``, numpy works in place and refuses a float result (Python raises
    UFuncTypeError), so s2sad refuses too, at the statement.  A read-only array (the
    view ``np.diagonal`` or ``np.broadcast_to`` gives) cannot be updated in place:
    Python raises ValueError, and so does this.  Returns ``array``."""
    if array.__class__ is _ndarray and not array.flags.writeable:
        _refuse_read_only(filename, line, column)
    if array.__class__ is not _ndarray or array.dtype.kind in "fc":
        return array   # numbers and float arrays (the common case)
    if np.can_cast(np.result_type(array, value), array.dtype, "same_kind"):
        return array
    raise ValueTypeError(
        f"an augmented assignment updates an array of dtype {array.dtype} in place, and "
        f"numpy refuses to store its result ({np.result_type(array, value)}) there: Python "
        f"raises here too (UFuncTypeError)",
        source_location(filename, line, column),
        hint="make the array a float array (np.zeros(n) or dtype=float), or write "
             "'x = x + v' for a new array")



def kept_argument(a, message, hint, filename, line, column):
    """``a`` itself, as the argument of a user's function whose pullback keeps it
    (reverse mode passes a copy of a value this function writes into after the
    call): a number (``s[i]`` of a 1-D ``s``), ``None`` or a tuple, which nothing
    writes into, so what the callee returns shares memory with nothing as Python's
    does.  Raise the refusal ``message`` when ``a`` is an array or a list, of which
    the callee, which may return it, would return a copy: Python's result would
    share ``a``'s memory and see the writes after the call."""
    if a is None or isinstance(a, _KEPT_ARGUMENTS):
        return a
    raise UnsupportedSyntaxError(message, source_location(filename, line, column), hint=hint)


#: what ``copy_of`` keeps as it is (``runtime.indexing._KEPT``): values nothing writes into
_KEPT_ARGUMENTS = (bool, int, float, complex, str, bytes, tuple, np.generic)


def unshared(g, others):
    """``g``, or a copy of it if it shares memory with one of ``others``.

    A generated derivative returns arrays the caller owns and may write into
    (``g *= 0.5``): never an argument, a global, a returned value or another
    derivative it returns.  The generator wraps a result in this call where it
    cannot prove that; lists, tuples and dicts of arrays are checked item by
    item, and their items against each other.
    """
    if g.__class__ is _ndarray:   # the common case: one array, a few others
        # two arrays whose owners hold their own memory share it only if the owners are
        # one array; any other pair (a view of a view of a buffer...) asks numpy
        owner = g if g.base is None else g.base
        plain = owner.__class__ is _ndarray and owner.base is None
        for other in others:
            if other.__class__ is not _ndarray:
                if isinstance(other, (np.ndarray, list, tuple, dict)):
                    break   # array subclasses and containers: the general case below
                continue    # a number, None: nothing to share
            theirs = other.base
            if theirs is None:
                theirs = other
            elif theirs.__class__ is not _ndarray or theirs.base is not None:
                theirs = None   # not an array holding its own memory: ask numpy
            if (theirs is owner or theirs is None or not plain) \
                    and np.may_share_memory(g, other):
                return g.copy()
        else:
            return g
    held = []
    _arrays_in(others, held)
    return _own(g, held)



def _arrays_in(value, found):
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _arrays_in(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _arrays_in(item, found)



def _own(g, held):
    """``g`` with every array in it sharing memory with none of ``held`` (nor with
    another of its own items); the arrays kept are added to ``held``."""
    if isinstance(g, np.ndarray):
        if any(np.may_share_memory(g, other) for other in held):
            g = g.copy()
        held.append(g)
        return g
    if type(g) in (list, tuple):
        return type(g)([_own(item, held) for item in g])
    if type(g) is dict:
        return {key: _own(item, held) for key, item in g.items()}
    return g


# ------------------------------------------- tangent rules (second order)

@tangent_beside(ensure_real_target)
def ensure_real_target_tangent(out, array, filename, line, column, tangent, array_dot):
    return array_dot


@tangent_beside(ensure_same_kind)
def ensure_same_kind_tangent(out, array, value, filename, line, column, array_dot):
    return array_dot


@tangent_beside(kept_argument)
def kept_argument_tangent(out, a, message, hint, filename, line, column, a_dot):
    return a_dot


@tangent_beside(unshared)
def unshared_tangent(out, g, others, g_dot):
    return g_dot   # the value is g's; the forward transform guards its own results



def check_globals(taken):
    """In a module ``s2sad grad`` wrote: raise a located s2sad error when a value it took
    from a user's module when imported (``taken``: ``(module, name there, value)``
    rows) is no longer that module's: another object, or for a number or string
    copied in, another value.  An array changed in place is the same object: it passes,
    and the module reads its new items, as the source's function does."""
    modules = _sys.modules
    for module_name, name, value in taken:
        module = modules.get(module_name)
        if module is None:
            continue
        if "." in module_name:   # (a package's module: loaded once, the program's)
            _one_copy(modules, module_name, module, name)
        current = held_value(module, name, _ABSENT) if isinstance(name, tuple) \
            else module.__dict__.get(name, _ABSENT)   # (a tuple: a closure's value)
        if current is value or same_number(current, value) \
                or value.__class__ is TakenCode and value.fits(current):
            continue   # (the same object, or an equal copy, or the function made from)
        raise _rebound(module_name, name, value, current,
                       _sys._getframe(1).f_code.co_filename)   # (the written module)


def closure_value(module_name, path):
    """In a module ``s2sad grad`` wrote: the value of a closure of the user's module
    ``module_name`` that ``path`` names (imported if it is not yet); a located s2sad error
    where that module no longer holds it."""
    module = _sys.modules.get(module_name) or importlib.import_module(module_name)
    absent = object()
    value = held_value(module, path, absent)
    if value is absent:
        from ..errors import ReboundNameError
        location, command, _ = _binding_place(path[-1], _sys._getframe(1).f_code.co_filename)
        raise ReboundNameError(f"{shown_path(module_name, path)} is not there: the module "
                               f"was changed since this one was written", location,
                               hint=f"regenerate this module ({command})")
    return value


def given_function(helper, fixed):
    """In a module ``s2sad grad`` wrote: the function s2sad made of the user's helper with
    functions given for some of its parameters (``euler(rhs, y0, k)`` read as
    ``euler_rhs(y0, k)``: ``syntax.function_args.specialized``), made again from the values
    the places ``helper`` and ``fixed`` (``{parameter: place}``; a place ``(module name,
    path)``, see ``closure_value``) name, when the module is imported."""
    from ..syntax.function_args import specialized
    return specialized(closure_value(*helper), {name: closure_value(*place)
                                                for name, place in fixed.items()})


def taken_code(qualname, line):
    """In a module ``s2sad grad`` wrote: the value of the row of a function of the user's
    module it inlined or differentiated (``TakenCode``): ``check_globals`` checks at each
    call that the path of the row names a function of that name and first line, not
    another one (one the program put there, before or after this module's import)."""
    return TakenCode(qualname, line)


_COPIED = (bool, int, float, complex, str)


def same_number(a, b):
    """Whether ``a`` and ``b`` are numbers (or strings) of one type and the same value:
    a float's or a complex number's sign of zero counts (``-0.0`` is not ``0.0``:
    ``math.copysign`` and ``1 / x`` tell them apart) and NaN is NaN's, as their ``repr``
    tells; ints, bools and strings compare equal."""
    cls = a.__class__
    if cls is not b.__class__ or cls not in _COPIED:
        return False
    return repr(a) == repr(b) if cls is float or cls is complex else a == b
_ABSENT = object()


def _shown_object(obj):
    if obj is _ABSENT:
        return "not there"
    name = getattr(obj, "__qualname__", None) or type(obj).__name__
    code = getattr(obj, "__code__", None)
    return f"{name}, line {code.co_firstlineno}" if code is not None else name


def _one_copy(modules, module_name, module, name):
    """Raise where the file of the package's module ``module_name`` is also loaded under
    a shorter name (``pkg.src`` as ``src`` too, its directory on ``sys.path``): a second
    module with its own globals, which the program may be changing instead of these."""
    parts, file = module_name.split("."), getattr(module, "__file__", None)
    for start in range(1, len(parts)):
        other = modules.get(".".join(parts[start:]))
        if file and other is not None and other is not module \
                and getattr(other, "__file__", None) == file:
            from ..errors import ReboundNameError
            location, _, _ = _binding_place(name, _sys._getframe(2).f_code.co_filename)
            raise ReboundNameError(
                f"{module_name} is also imported as {other.__name__}, from the same file: two "
                f"modules, each with its own {name}, and this module reads {module_name}.{name}, "
                f"so a change the program makes to {other.__name__}.{name} would not be seen",
                location, hint=f"import {module_name} one way only, as this module does (a "
                               f"directory inside a package put on sys.path loads its modules "
                               f"a second time, by their short names)")


def _binding_place(name, module_file):
    """``(location of the line of the written module ``module_file`` binding ``name``,
    its header's ``regenerate:`` command, the function of its ``source:``)``."""
    import linecache
    import os
    import re
    from ..errors import SourceLocation
    lines = [line.rstrip("\n") for line in linecache.getlines(module_file)]
    command = next((line.split("regenerate:", 1)[1].strip() for line in lines
                    if line.startswith("# regenerate:")), "s2sad grad ...")
    source = next((line.split(":")[-1].strip() for line in lines
                   if line.startswith("# source:")), "the function")
    binding = re.compile(rf"^(?:from \S+ import .*\b{re.escape(name)}\b|{re.escape(name)} = )")
    found = next((i for i, line in enumerate(lines) if binding.match(line)), None)
    location = None if found is None else SourceLocation(
        os.path.basename(module_file), found + 1, 1, lines[found])
    return location, command, source


def _rebound(module_name, name, value, current, module_file):
    """The error of ``check_globals``: located at the line of ``module_file`` binding
    ``name``, its hint the ``regenerate:`` command of the module's header."""
    from ..errors import ReboundNameError
    if isinstance(name, tuple):
        return _rebound_in_closure(module_name, name, value, current, module_file)
    location, command, source = _binding_place(name, module_file)
    copied = value.__class__ in _COPIED or value is None
    what = "deleted" if current is _ABSENT else "rebound"
    if copied:
        message = (f"{module_name}.{name} is no longer {value!r}, the value this module copied "
                   f"in when it was written: its gradient would be for the old {name}")
        hint = (f"if the source file's value changed, regenerate the module ({command}); if "
                f"the program sets {name} while it runs, make it a parameter of {source} and "
                f"regenerate")
    else:
        message = (f"{module_name}.{name} was {what} after this module imported it: its "
                   f"gradient would be for the old {name} (changing its items in place is read)")
        hint = (f"import this module after the program sets {module_name}.{name} "
                f"(importlib.reload), or make {name} a parameter of {source} and regenerate "
                f"the module ({command})")
    return ReboundNameError(message, location, hint=hint)


def _rebound_in_closure(module_name, path, value, current, module_file):
    """The error of ``check_globals`` for a closure's value (``runtime.closures``)."""
    from ..errors import ReboundNameError
    name, shown = path[-1], shown_path(module_name, path)
    location, command, source = _binding_place(name, module_file)
    if value.__class__ is TakenCode:
        return ReboundNameError(
            f"{shown} is not the function {value.qualname} (line {value.line}) this module "
            f"inlined or differentiated (it is {_shown_object(current)}: it was replaced, or "
            f"its class): its gradient would be for the old one", location,
            hint=f"a written module is made for the function of the source file (s2sad.grad "
                 f"makes the code again for the new one): keep that function there, or "
                 f"regenerate the module from the source of the new one ({command})")
    if any(p[:1] in ".[" for p in path):   # (a default, a partial's value: no closure's)
        old = f"{value!r}, the value" if value.__class__ in _COPIED else "the object"
        return ReboundNameError(
            f"{shown} is no longer {old} this module took when it was written or imported: "
            f"its gradient would be for the old value", location,
            hint=f"import this module after the program sets it, or make the value a "
                 f"parameter of {source} and regenerate the module ({command})")
    old = f"{value!r}, the value this module copied in" if value.__class__ in _COPIED \
        else "the object this module took"
    what = "no longer there" if current is _ABSENT else f"no longer {old}"
    return ReboundNameError(
        f"{shown} is {what} when it was written: its gradient would be for the old {name}",
        location, hint=f"if the program sets {name} while it runs (nonlocal), make it a "
                       f"parameter of {source} (or an array it changes in place) and "
                       f"regenerate the module ({command}); else regenerate it, or import "
                       f"it after the program made the function again")
