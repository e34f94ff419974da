"""Attributes of the objects a function is given: ``self.W``, ``cfg.lr``, ``self.layer.W``.

A method reads its parameters from ``self`` (a model whose weights are attributes), a
function from a configuration object it takes.  Where that object is not
differentiated, what it holds is a constant of the call: ``self.W`` is read as it is
(``self_W = self.W``), at each call, as an attribute of a module-level object is
(``cfg.W``).  Whether the owner is differentiated is known only once the activity of
the function's names is: an attribute read of an active value is refused there
(``analysis.attribute_reads``), naming the attribute and the spelling that works.

A method called through such an object (``self.act(x)``) runs the function of the
object's class: the code is made for the class of each call's object (the API keys its
cache on it, ``analysis.kind_lattice.ObjectKind``), and the call is written through the
class, ``Model.act(self, x)`` (:func:`method_through_object`).

Input: the atom of an attribute's owner (a name), the attribute node; a call.  Output:
the attribute read, marked ``anno.OBJECT_ATTRIBUTE`` with the user's node, or None; the
call rewritten.
"""

import inspect

import gast

from ...analysis.kind_lattice import ObjectKind, argument_kind, named_fields
from ...errors import ObjectClassError
from ...rules import registry
from .. import anno, nodes
from ..class_attributes import defining_class, class_function
from ..function_args import specialize_method_call
from ..source import record_path
from .bound_methods import class_method_hint, class_spelling, self_method_refusal


def object_attribute(norm, owner, node):
    """``owner.attr`` read as it is, for an owner the normalizer holds in a name (a
    parameter, an item of a list parameter, an attribute read before) or a module's
    dotted name (``w = CO.inner; w.c``), else None.  Of the dunder attributes, only
    ``__class__`` is read so (``self.__class__.scale``, as ``type(self).scale``)."""
    if nodes.dotted_parts(owner) is None \
            or node.attr.startswith("__") and node.attr != "__class__":
        return None
    read = gast.Attribute(value=owner, attr=node.attr, ctx=gast.Load())
    anno.set(read, anno.OBJECT_ATTRIBUTE, node)
    kind = norm.object_classes.get(owner.id) if owner.__class__ is gast.Name else None
    if kind is not None:   # (a method of its class writing self: see .opaque_state)
        norm.module_names.opaque.note_object(f"{owner.id}.{node.attr}", kind.cls, node)
    return read


def object_classes(kinds):
    """``{parameter: its ObjectKind}`` of the parameters the code is made for objects of
    (``analysis.kind_lattice.ObjectKind``: ``.cls``, and ``.shadowed``, the names of the
    functions set on the object itself), from the arguments' ``kinds``."""
    return {p: k for p, k in (kinds or {}).items() if getattr(k, "cls", None) is not None}


def method_through_object(norm, node):
    """Rewrite, in place, a call ``p.m(a, ...)`` of a method of the class the parameter
    ``p`` is specialized on (``norm.object_classes``) as ``Cls.m(p, a, ...)``
    (``Cls.m(a, ...)`` for a staticmethod), which s2sad differentiates as a helper;
    where ``p``'s class is not known (code made before any call) and ``p.m`` may be a
    method of the user's class, raise ``ObjectClassError`` (the API makes the code again
    for the class of each call's object)."""
    func = node.func = _called_object(norm, node.func)   # (self(a): self.__call__(a))
    if func.__class__ is not gast.Attribute or func.value.__class__ is not gast.Name:
        return
    owner = func.value.id
    atom = norm.env.get(owner)   # (in an inlined helper: the caller's value)
    if atom.__class__ is not gast.Name or atom.id in norm.locals:
        return
    if atom.id in norm.root_params:   # (a parameter the function never rebinds)
        if named_fields((norm.dict_writes.kinds or {}).get(atom.id)) is not None:
            return   # (a namedtuple's method: see tuple_fields)
        kind = norm.object_classes.get(atom.id)
        if kind is None and atom.id in (norm.dict_writes.kinds or {}):
            return   # (code made for a call whose argument there is no object of the
            # user's class: a numpy Generator's draw, an array's method)
    elif atom.id not in norm.defined and norm.inliner.inlined_functions:
        kind = _global_object(norm, atom.id, func.attr)   # (a helper's self is MODEL)
    else:
        return
    cls = kind.cls if kind is not None else None
    if cls is None and not norm.inliner.inlined_functions:
        through = self_method_refusal(norm.parsed, func) or (
            class_method_hint(norm.parsed, func) if func.attr not in registry.METHODS
            else None)
        defining = defining_class(getattr(norm.parsed, "func", None))
        if through is not None or atom.id == _first_param(norm) and defining is not None \
                and inspect.getattr_static(defining, func.attr, None) is not None:
            raise _unknown_class_error(norm, owner, func.attr, node, through)
        return
    if cls is None:
        return
    if func.attr in kind.shadowed or cls.__getattribute__ is not object.__getattribute__:
        raise norm.error(
            f"'{owner}.{func.attr}(...)' calls what the object {owner!r} gives as "
            f"'.{func.attr}', " + ("a function set on the object itself" if func.attr in
                                   kind.shadowed else f"which {cls.__name__}'s own "
                                   f"__getattribute__ decides") +
            f", not a function of its class {cls.__name__}", node,
            hint=f"call the function by its name, or set it on the class")
    found = inspect.getattr_static(cls, func.attr, None)
    if isinstance(found, (classmethod, property)) or \
            found is not None and class_function(cls, func.attr) is None:
        raise norm.error(
            f"'{owner}.{func.attr}(...)' calls {cls.__name__}.{func.attr}, a "
            f"{type(found).__name__}, through the object {owner!r}: s2sad differentiates "
            f"a class's plain functions and staticmethods called through it", node,
            hint=f"make {func.attr} a plain method, or pass what it computes as an argument")
    if found is None:
        return   # (not the class's: an array's method, or refused as unknown)
    spelled = class_spelling(cls, norm.parsed)
    if spelled is None:
        raise norm.error(
            f"'{owner}.{func.attr}(...)' calls {cls.__qualname__}.{func.attr} (the class of "
            f"the object {owner!r} given), but {cls.__qualname__} has no name in the module "
            f"of {norm.function_name}, through which the generated code would call it",
            node, hint=f"import {cls.__name__} into the module that defines "
                       f"{norm.function_name} (or define the class at its top level)")
    method = gast.Attribute(value=gast.Name(id=spelled, ctx=gast.Load(), annotation=None,
                                            type_comment=None), attr=func.attr, ctx=gast.Load())
    for part in (method, method.value):
        gast.copy_location(part, func)
        part.end_lineno, part.end_col_offset = func.end_lineno, func.end_col_offset
    if not isinstance(found, staticmethod):
        node.args.insert(0, func.value)
    node.func = method


def functions_through_objects(norm, walked):
    """Before the walk, rewrite each call ``p.m(...)`` of ``walked`` (the function's
    nodes) giving a function (``self.integrate(rhs, y0)``), ``p`` a parameter the code is
    made for objects of and never rebound, as the call of ``Cls.m`` read with that
    function (``function_args.specialize_method_call``), as ``Cls.m(self, rhs, y0)`` is;
    a call giving none is left to :func:`method_through_object`.  Before the walk: the
    helpers second order puts in place of calls are found then (``inline``).  Returns
    the names of the functions so made (reserved: no temporary takes one)."""
    made = set()
    for call in walked if norm.object_classes else ():
        func = call.func if call.__class__ is gast.Call else None
        if func.__class__ is not gast.Attribute or func.value.__class__ is not gast.Name \
                or func.value.id in norm.locals:
            continue
        kind = norm.object_classes.get(func.value.id)
        cls = kind.cls if kind is not None else None
        if cls is None or func.attr in kind.shadowed \
                or cls.__getattribute__ is not object.__getattribute__ \
                or isinstance(inspect.getattr_static(cls, func.attr, None), staticmethod):
            continue
        helper, spelled = class_function(cls, func.attr), class_spelling(cls, norm.parsed)
        if helper is None or spelled is None:
            continue
        owner = gast.Name(id=spelled, ctx=gast.Load(), annotation=None, type_comment=None)
        through = gast.Attribute(value=owner, attr=func.attr, ctx=gast.Load())
        for part in (through, owner):
            gast.copy_location(part, func)
            part.end_lineno, part.end_col_offset = func.end_lineno, func.end_col_offset
        args = call.args
        call.func, call.args = through, [func.value] + args
        specialize_method_call(norm.parsed, call, helper)
        if call.func is through:   # (no function given: left as it was)
            call.func, call.args = func, args
        elif call.func.__class__ is gast.Name:
            made.add(call.func.id)
    return made


def _unknown_class_error(norm, owner, attr, node, through):
    """The refusal of ``owner.attr(...)`` where the class of ``owner`` is not known where
    the code is made (``through``: a spelling through the class, or None): the API makes
    the code again for the class of each call's object (``ObjectClassError``); a callee
    given an object its caller cannot tell the class of says so."""
    spelled = f"; to write the code without a call, spell the class: " \
        f"{through[1].split(': ', 1)[-1]}" if through is not None else ""
    return ObjectClassError(
        f"'{owner}.{attr}(...)' calls a method through the object {owner!r}: "
        f"which function runs is the one of the class of the object each call "
        f"passes, so the code is made when the derivative is called" + (
            f", for the classes of its arguments; {norm.function_name} is given "
            f"{owner!r} by a caller that cannot tell its class (an item or an "
            f"attribute of an object: L = self.layers[0]; Dense.fwd(L, x))"
            if norm.callee else ""),
        norm.parsed.location(node),
        hint=(f"give the object to the function you differentiate as an argument "
              f"(s2sad.grad(loss, wrt=1)(layer, x)), whose class is known at each "
              f"call" if norm.callee else
              f"call the derivative with the object (s2sad.grad(f, wrt=1)(obj, x))")
        + spelled)


def _called_object(norm, func):
    """``p.__call__`` (located at ``func``) for the callee ``func`` naming ``p``, an object
    of the user's class with a plain ``__call__``: a parameter the code is made for objects
    of, ``self`` of a method of such a class (code made before any call), or a module's
    object an inlined helper reads; else ``func``."""
    atom = norm.env.get(func.id) if func.__class__ is gast.Name else None
    if atom.__class__ is not gast.Name or atom.id in norm.locals:
        return func
    if atom.id in norm.root_params:
        kind = norm.object_classes.get(atom.id)
        cls = kind.cls if kind is not None else defining_class(
            getattr(norm.parsed, "func", None)) if atom.id == _first_param(norm) \
            and not norm.dict_writes.kinds else None
    else:
        value = norm.module_names.free_objects.get(atom.id) \
            if atom.id not in norm.defined and norm.inliner.inlined_functions else None
        cls = type(value) if argument_kind(value).__class__ is ObjectKind else None
    if cls is None or class_function(cls, "__call__") is None:
        return func
    called = gast.Attribute(value=func, attr="__call__", ctx=gast.Load())
    gast.copy_location(called, func)
    called.end_lineno, called.end_col_offset = func.end_lineno, func.end_col_offset
    return called


def _first_param(norm):
    args = norm.parsed.node.args.posonlyargs + norm.parsed.node.args.args
    return args[0].id if args else None


def _global_object(norm, name, attr):
    """The ``ObjectKind`` of the module-level object ``name`` the differentiated function
    reads (an inlined helper's ``self``), noting ``name.attr`` (the code is made again
    when it is set on the object), else None."""
    value = norm.module_names.free_objects.get(name)   # (read by f, or a helper inlined)
    scope = next((fn for fn in [norm.module_names.root.func] + list(
        norm.inliner.inlined_functions) if value is not None
        and getattr(fn, "__globals__", {}).get(name) is value), None)
    kind = argument_kind(value)
    if kind.__class__ is not ObjectKind or scope is None:
        return None
    record_path(name, scope, [attr], getattr(value, attr, None))
    return kind


def class_methods(func, classes):
    """The functions ``owner.m`` may call where ``owner`` is an object of one of
    ``classes`` (each one's ``m``, in their order, once: helpers to parse, for second
    derivatives; two objects of two classes, each read as a method's ``self``, call
    their own ``m``)."""
    if func.__class__ is not gast.Attribute or func.value.__class__ is not gast.Name:
        return []
    found = []
    for f in (class_function(c, func.attr) for c in classes):
        if f is not None and not any(f is g for g in found):
            found.append(f)
    return found


def objects_passed(call, parsed, classes):
    """``classes`` (a list, extended in place) with the classes of the module-level
    objects of the user's that ``call`` passes by position or calls a method of
    (``Model.step(MODEL, x)``, ``MODEL.step(x)``: the ``self.act(z)`` of ``step`` runs
    ``type(MODEL).act``): the classes whose methods ``self.m(...)`` may call."""
    receiver = [call.func.value] if call.func.__class__ is gast.Attribute else []
    for arg in receiver + call.args:
        if arg.__class__ is gast.Name and arg.id in parsed.globals:
            kind = argument_kind(parsed.globals[arg.id])
            if kind.__class__ is ObjectKind and kind.cls not in classes:
                classes.append(kind.cls)
    return classes
