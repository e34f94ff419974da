"""Python's syntax tree -> gast's, as ``gast.ast_to_gast`` makes it, several times faster.

``gast.ast_to_gast`` is a ``NodeTransformer``: per node it looks up a ``visit_``
method by name, builds the field values through a dict comprehension of
``_visit`` calls and sets each location attribute with ``setattr``.  The front end
converts every function it reads (for second order, thousands of lines of
gradient code), so :func:`to_gast` does the same conversion with a table made
once per node class: each node's fields in the order ``ast`` lists them, then its
location attributes, exactly the nodes, values and attribute order gast makes.

Where gast converts a node class specially (Python 3.8 to 3.11 with gast 0.6 or
newer): a ``Name`` gets ``annotation`` and ``type_comment`` (both ``None``), an
``arg`` becomes a ``Name`` whose context is ``Param``, a named ``ExceptHandler``
holds its name as a ``Name`` (``Store``, no location), and ``FunctionDef``,
``AsyncFunctionDef`` and ``ClassDef`` get empty ``type_params``, and before Python 3.10
(whose ``alias`` has no location) an ``alias`` gets gast's four location attributes,
``None``.  Any other Python
or gast is left to gast itself (``tests/syntax/test_gastify.py`` compares the two
on every module of s2sad).
"""

import ast
import sys

import gast

#: this Python and gast convert as the table below says (else gast converts)
_KNOWN = (3, 8) <= sys.version_info[:2] < (3, 12) and \
    gast.FunctionDef._fields[-1] == "type_params" and "type_params" not in ast.FunctionDef._fields

_GENERIC, _NAME, _ARG, _HANDLER, _TYPE_PARAMS, _ABSENT, _ALIAS = range(7)
_MISSING = object()
#: ast class -> (kind, gast class, its ast fields, its ast location attributes, the
#: location attributes both classes have, each with whether it is an ``end_`` one)
_SPECS = {}
_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")
#: ast class without fields or location attributes (a context, an operator) -> gast's
#: class of that name: what the generic case converts it to is a new node of it
_BARE = {}


def parse(text):
    """``gast.parse(text)``."""
    return to_gast(ast.parse(text))


def to_gast(tree, lines=0, columns=0):
    """``gast.ast_to_gast(tree)`` for the ``ast`` tree ``tree`` (a module, a statement...),
    each location moved ``lines`` lines up and ``columns`` columns left: a definition
    taken from its file's tree, located as in its own dedented text (whose margin,
    ``columns`` wide, is on every line of it)."""
    if not _KNOWN:   # pragma: no cover - another Python or gast
        return _moved(gast.ast_to_gast(tree), lines, columns)
    if not lines and not columns:
        return _convert(tree)
    return _converter({"lineno": lines, "end_lineno": lines, "col_offset": columns,
                       "end_col_offset": columns})[0](tree)


def _moved(tree, lines, columns):   # pragma: no cover - another Python or gast
    for node in gast.walk(tree) if lines or columns else ():
        for attribute, by in (("lineno", lines), ("end_lineno", lines),
                              ("col_offset", columns), ("end_col_offset", columns)):
            value = getattr(node, attribute, None)
            if value is not None:
                setattr(node, attribute, value - by)
    return tree


def _spec(cls):
    target = getattr(gast, cls.__name__, None)
    if cls is ast.arg:
        kind, target = _ARG, gast.Name
    elif target is None:
        kind = _ABSENT   # (gast's generic_visit gives None for a class it lacks)
    elif cls is ast.Name:
        kind = _NAME
    elif cls is ast.ExceptHandler:
        kind = _HANDLER
    elif cls in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        kind = _TYPE_PARAMS
    elif cls is ast.alias and "lineno" not in cls._attributes:
        kind = _ALIAS   # (Python 3.9)
    else:
        kind = _GENERIC
    located = () if target is None else tuple(
        (attribute, attribute.startswith("end_")) for attribute in _LOCATION
        if attribute in cls._attributes and attribute in target._attributes)
    spec = _SPECS[cls] = (kind, target, tuple(cls._fields), tuple(cls._attributes), located)
    if kind == _GENERIC and not cls._fields and not cls._attributes:
        _BARE[cls] = target
    return spec


def _converter(moves):
    """``(convert, value)``: the conversion of a node and of a field's value, each
    location attribute named in ``moves`` (a dict) lessened by its number there; no
    location changes when ``moves`` is None."""

    def value_of(value):
        """A field's value converted: a node, a list of them (or of anything), or as it is."""
        if isinstance(value, ast.AST):
            return convert(value)
        if isinstance(value, list):
            return [value_of(item) for item in value]
        return value

    def convert(node):
        bare = _BARE.get(node.__class__)
        if bare is not None:
            return bare.__new__(bare)
        kind, target, fields, attributes, located = _SPECS.get(node.__class__) or \
            _spec(node.__class__)
        if kind == _ABSENT:
            return None
        if kind == _HANDLER and not node.name:
            kind = _GENERIC
        new = target.__new__(target)
        own = new.__dict__
        if kind == _ALIAS:
            own.update(name=node.name, asname=node.asname, lineno=None, col_offset=None,
                       end_lineno=None, end_col_offset=None)
            return new
        if kind == _GENERIC:
            for field in fields:
                value = getattr(node, field, _MISSING)
                if value is _MISSING:
                    continue
                if isinstance(value, ast.AST):
                    value = convert(value)
                elif isinstance(value, list):
                    value = [convert(item) if isinstance(item, ast.AST) else value_of(item)
                             for item in value]
                own[field] = value
            for attribute in attributes:
                value = getattr(node, attribute, _MISSING)
                if value is not _MISSING:
                    own[attribute] = value if moves is None or value.__class__ is not int \
                        else value - moves.get(attribute, 0)
            return new
        if kind == _NAME:
            # (a context holds nothing: converted, a new node of gast's class, as the
            # generic case makes it)
            context = _BARE.get(node.ctx.__class__)
            own.update(id=node.id, ctx=context.__new__(context) if context is not None
                       else convert(node.ctx), annotation=None, type_comment=None)
        elif kind == _ARG:
            own.update(id=node.arg, ctx=gast.Param(), annotation=value_of(node.annotation),
                       type_comment=value_of(node.type_comment))
        elif kind == _HANDLER:
            name = gast.Name(node.name, gast.Store(), None, None)
            own.update(type=value_of(node.type), name=name, body=value_of(node.body))
        else:   # FunctionDef, AsyncFunctionDef, ClassDef: gast's fields, in its order
            for field in fields:
                own[field] = value_of(getattr(node, field))
            own["type_params"] = []
        # ``ast.copy_location(new, node)`` (gast's spells it alike for a node ``ast.parse``
        # made, which has every location attribute), over the attributes both classes have
        for attribute, end in located:
            value = getattr(node, attribute, None)
            if value is not None:
                own[attribute] = value if moves is None else value - moves[attribute]
            elif end and hasattr(node, attribute):
                own[attribute] = value
        return new

    return convert, value_of


_convert, _value = _converter(None)
