"""Global name resolution: the module names the generated code reads.

Input: a name (or a dotted path ``np.linalg.norm``) the normalizer's walk reads
that the function does not bind, in the scope of the function being normalized
now (the differentiated one, or a helper inlined into it).
Output: the object it denotes (a rule is chosen by identity), and the record of
the free names the generated code reads: ``free_names``, ``free_objects`` (name
-> object, one object per name across inlined helpers of other modules) and
``free_sources`` (name -> the helper whose module binds it).  A name that would
mean two things in one generated function is refused.

:class:`GlobalNames` is the normalizer's collaborator for this job; its state
(the three records and the differentiated function) is set in its ``__init__``.
"""

import importlib
from typing import Any, Dict, Set

import gast

from ...errors import UnsupportedSyntaxError
from ..parse import record_path
from ..source import composable, free_source
from .opaque_state import OpaqueState


class _NoCode:
    co_freevars = ()


_NO_CODE = _NoCode()


class GlobalNames:
    """Resolves and records the module names the code reads (see the module docstring)."""

    def __init__(self, normalizer, root):
        self.norm = normalizer
        self.root = root   # the differentiated function (norm.parsed: the one inlined now)
        self.free_names: Set[str] = set()
        self.free_objects: Dict[str, Any] = {}
        self.free_sources: Dict[str, Any] = {}
        self.opaque = OpaqueState(normalizer)   # (state an opaque call changes)

    def use_global(self, name, node):
        """Record that the code reads the module's ``name``; an inlined helper may not
        read one the differentiated function takes as a parameter."""
        norm = self.norm
        inlined = norm.inliner.inlined_functions   # the helpers being inlined now
        if inlined and name in norm.params:
            closure = name in norm.parsed.closure or name in getattr(
                free_source(norm.parsed.func, name), "__code__", _NO_CODE).co_freevars
            where = "its closure's" if closure else "the module's"
            raise norm.error(
                f"{inlined[-1].__name__} reads {where} {name!r}, which "
                f"{norm.function_name} takes as a parameter: its body cannot go in place "
                f"of the call for second derivatives", node,
                hint=f"rename the parameter or the {'closure variable' if closure else 'global'} "
                     f"{name!r}")
        obj = norm.parsed.resolve(name, None, compose=False)   # (the value the code reads)
        source = free_source(norm.parsed.func, name)
        if source is None or name in norm.parsed.made_names:
            # s2sad's own name, in a derivative's composable form, or one s2sad bound
            # itself (an import in the function, a function passed: see made_names)
            if norm.helpers.get(name, obj) is not obj:
                raise norm.error(
                    f"{name!r} here is another object than the {name!r} of a helper whose "
                    f"body went in place of its call before: second derivatives cannot "
                    f"tell them apart", node, hint=f"rename {name!r} in one of them")
            norm.helpers[name] = obj
            return
        self.opaque.note(name, obj, node)
        if norm.parsed is not self.root and norm.parsed.globals is not self.root.globals:
            # a helper of another module: the name must mean one thing in the code
            # generated for both, and is read from the helper's module
            if self.free_objects.get(name, obj) is not obj:
                raise norm.error(
                    f"{inlined[-1].__name__} reads {name!r} from its module, "
                    f"where it is another object than the {name!r} the code read before: "
                    f"its body cannot go in place of the call for second derivatives", node,
                    hint=f"import {name!r} into one module from the other, or rename it")
            if self.root.resolve(name, None) is not obj:
                self.free_sources.setdefault(name, source)
        elif self.free_objects.get(name, obj) is not obj:
            raise norm.error(
                f"{name!r} here is another object than the {name!r} an inlined helper of "
                f"another module reads: second derivatives cannot tell them apart", node,
                hint=f"import {name!r} into one module from the other, or rename it")
        self.free_objects.setdefault(name, obj)
        self.free_names.add(name)

    def global_path(self, node):
        """``np.linalg.norm`` -> ["np", "linalg", "norm"] when rooted at a free name."""
        norm = self.norm
        parts = []
        while isinstance(node, gast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, gast.Name) and node.id not in norm.env and node.id not in norm.locals:
            parts.append(node.id)
            return parts[::-1]
        return None

    def resolve_path(self, node, call=None):
        """The object the dotted path ``node`` (``np.linalg.norm``) denotes, recorded
        for the choice of rules by identity (the callee of ``call``, when given: noted for
        ``opaque_state``)."""
        norm = self.norm
        path = self.global_path(node)
        root = path[0]
        try:   # (an attribute's owner as the code reads it: a derivative, not its form)
            obj = norm.parsed.resolve(root, compose=len(path) == 1)
        except KeyError:
            raise norm.undefined(root, node) from None
        self.use_global(root, node)
        owner = obj
        for part in path[1:]:
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise norm.error(f"{'.'.join(path)} does not exist", node) from None
        if len(path) == 2 and isinstance(owner, type):   # (Cls.m: G.m() is read so)
            self.opaque.note_method(path, owner, obj, node)
        record_path(root, norm.parsed.func, path[1:], obj)   # rules are chosen by identity
        if call is not None:
            self.opaque.note_call(obj, call)
        return composable(obj)

    def use_numpy(self, dotted, target=None):
        """Generated code calls ``np.<...>``: bind ``np`` to numpy unless the user's is.

        ``target``: the function the rule is for (a method ``x.sum()`` is computed as
        ``np.sum(x)``), which ``numpy.<...>`` must still be: generated code reads
        the attribute, so a replaced (monkeypatched) one would pair another
        function's call with the rule.
        """
        norm = self.norm
        root, *attrs = dotted.split(".")
        # (numpy itself, the module the generated code calls: loaded only when a
        # method or attribute of an array is written as its numpy function)
        numpy = importlib.import_module("numpy")
        if target is not None:
            obj = numpy
            for attr in attrs:
                obj = getattr(obj, attr, None)
            if obj is not target:
                raise UnsupportedSyntaxError(
                    f"numpy.{'.'.join(attrs)} is not numpy's own function now (it was replaced "
                    f"by {obj!r}), and s2sad computes an array method or attribute of this "
                    f"function with it", norm.parsed.location(norm.parsed.node),
                    hint=f"restore numpy.{'.'.join(attrs)}, or call your function by its "
                         f"own name")
            record_path(root, numpy, attrs, obj)
        mine = norm.parsed.resolve(root, None)
        if mine is numpy:
            self.use_global(root, norm.parsed.node)
        elif mine is None:
            norm.helpers[root] = numpy
        else:
            raise UnsupportedSyntaxError(
                f"the name {root!r} is bound to {mine!r}, not numpy, but the method calls of "
                f"this function are written as numpy calls", norm.parsed.location(
                    norm.parsed.node), hint="import numpy as np in the function's module")
