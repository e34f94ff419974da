"""Format strings, lowered to the builtin calls Python makes for them.

``f"W{i}"`` and ``"W{}".format(i)`` build a string (a dict key, most often:
``params[f"W{i}"]``); no derivative flows through one.  Python formats each field
with ``format(value, spec)``, after ``str``, ``repr`` or ``ascii`` where the field
asks for a conversion (``{v!r}``), and joins the pieces: so is each lowered, into
``"W" + format(i, "")``, which later passes read as any other string expression.

``lowered(node)`` gives the expression for an f-string (``gast.JoinedStr``) or for a
``.format(...)`` call on a string literal, or None where the form is not one lowered
here (a field reading an attribute or an item, ``{0.x}`` or ``{0[1]}``; a nested field
in a ``.format`` spec; starred arguments): those keep their refusal.
``builtins_named(node)``: the builtin names the lowering calls (``fence`` checks that
the function does not rebind them).  ``with_literal_formats(fn)``: ``key.format(i)``
where ``key`` is bound once, to a string literal, by a statement of the function's
body before the one calling it, and never rebound, as ``"W{}".format(i)`` (a copy of
``fn``; the literal keeps the name's spelling for messages).
"""

import ast
import string

import gast

from . import anno, nodes

#: a field's conversion (``FormattedValue.conversion``) -> the builtin applied first
_CONVERSIONS = {115: "str", 114: "repr", 97: "ascii"}
_LETTERS = {"s": "str", "r": "repr", "a": "ascii"}


def is_format_call(node):
    """Whether ``node`` is a call of ``.format`` on a string literal."""
    return node.__class__ is gast.Call and node.func.__class__ is gast.Attribute \
        and node.func.attr == "format" and node.func.value.__class__ is gast.Constant \
        and isinstance(node.func.value.value, str)


def builtins_named(node, text=None):
    """The builtins the lowering of ``node`` (an f-string, or a ``.format`` call on a
    string literal, or on a name bound to the literal ``text``) calls."""
    names = {"format"}
    if node.__class__ is gast.Call:
        try:
            fields = list(string.Formatter().parse(
                node.func.value.value if text is None else text))
        except ValueError:
            return names
        return names | {_LETTERS[c] for _, _, _, c in fields if c in _LETTERS}
    for sub in gast.walk(node):
        if sub.__class__ is gast.FormattedValue and sub.conversion in _CONVERSIONS:
            names.add(_CONVERSIONS[sub.conversion])
    return names


def spelled(node):
    """The source text of the expression ``node`` as the user wrote it: the format
    strings desugar lowered (marked ``anno.SPELLED``) in their own spelling."""
    copy = nodes.clone(node)
    if anno.get(copy, anno.SPELLED) is not None:
        return anno.get(copy, anno.SPELLED)
    for sub in gast.walk(copy):
        for field, value in gast.iter_fields(sub):
            if isinstance(value, gast.AST) and anno.get(value, anno.SPELLED) is not None:
                setattr(sub, field, gast.Name(id=anno.get(value, anno.SPELLED),
                                              ctx=gast.Load(), annotation=None,
                                              type_comment=None))
            elif isinstance(value, list):
                value[:] = [gast.Name(id=anno.get(v, anno.SPELLED), ctx=gast.Load(),
                                      annotation=None, type_comment=None)
                            if isinstance(v, gast.AST) and anno.get(v, anno.SPELLED) is not None
                            else v for v in value]
    return ast.unparse(gast.gast_to_ast(copy))


def user_spelling(node):
    """``ast.unparse`` of the format string or ``.format`` call ``node`` (a literal
    standing for a name, see :func:`with_literal_formats`, spelled as the name)."""
    return spelled(node)


def literal_formats(fn):
    """``[(call, literal)]``: each ``name.format(...)`` call in ``fn``'s own scope (not
    in a function defined in it) whose ``name`` is bound once in ``fn``, by a statement
    of its body (not nested in a block) assigning a string literal (``key = "W{}"``),
    before the statement holding the call, and nowhere else (no other assignment,
    loop target, ``del``, ``global`` or ``nonlocal``, import, parameter, nested
    definition or ``except ... as``): the call then always reads that literal."""
    bindings = {}   # name -> (index of the statement in fn.body, the literal)
    for index, stmt in enumerate(fn.body):
        value = getattr(stmt, "value", None)
        target = stmt.targets[0] if stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
            else stmt.target if stmt.__class__ is gast.AnnAssign else None
        if target.__class__ is gast.Name and value.__class__ is gast.Constant \
                and isinstance(value.value, str):
            bindings.setdefault(target.id, []).append((index, value))
    if not bindings:
        return []
    bound = {}   # name -> how many times fn binds it (anywhere, nested scopes too)
    for node in gast.walk(fn):
        names = ()
        if node.__class__ is gast.Name and node.ctx.__class__ is not gast.Load:
            names = (node.id,)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            names = tuple(node.names) * 2   # (never once)
        elif node.__class__ is gast.alias:
            names = ((node.asname or node.name).split(".")[0],)
        elif isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            names = (node.name,)
        for name in names:
            bound[name] = bound.get(name, 0) + 1
    for arguments in (fn.args,):
        for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + [
                a for a in (arguments.vararg, arguments.kwarg) if a is not None]:
            bound[getattr(arg, "id", None)] = 2
    once = {name: found[0] for name, found in bindings.items()
            if len(found) == 1 and bound.get(name) == 1}
    if not once:
        return []
    calls = []
    for index, stmt in enumerate(fn.body):
        for node in _same_scope(stmt):
            if node.__class__ is gast.Call and node.func.__class__ is gast.Attribute \
                    and node.func.attr == "format" and node.func.value.__class__ is gast.Name \
                    and node.func.value.id in once and once[node.func.value.id][0] < index:
                calls.append((node, once[node.func.value.id][1]))
    return calls


def with_literal_formats(fn):
    """``fn`` itself where :func:`literal_formats` finds no call, else a copy of ``fn``
    with the name each one calls ``.format`` on replaced by its literal (marked
    ``anno.SPELLED`` with the name)."""
    if not literal_formats(fn):
        return fn
    fn = nodes.clone(fn)
    for call, literal in literal_formats(fn):
        name = call.func.value
        constant = gast.copy_location(nodes.const(literal.value), name)
        call.func.value = anno.set(constant, anno.SPELLED, name.id)
    return fn


def _same_scope(node):
    """The nodes under ``node`` (itself included) outside functions and classes
    defined in it."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef,
                             gast.Lambda)):
            continue
        stack.extend(gast.iter_child_nodes(node))


def lowered(node):
    """The string expression ``node`` (an f-string, or a ``.format`` call on a string
    literal) stands for, made of literals, ``+`` and builtin calls; None where it is
    not lowered (see the module's text)."""
    if node.__class__ is gast.JoinedStr:
        return _joined([_piece(value) for value in node.values])
    if is_format_call(node):
        return _format_call(node)
    return None


def _piece(value):
    if value.__class__ is gast.Constant:
        return nodes.const(value.value)
    field = value.value
    if value.conversion in _CONVERSIONS:
        field = nodes.call(_CONVERSIONS[value.conversion], [field])
    spec = nodes.const("") if value.format_spec is None else lowered(value.format_spec)
    return nodes.call("format", [field, spec])


def _joined(pieces):
    """``a + b + ...`` of the string expressions ``pieces`` ('' for none)."""
    pieces = [p for p in pieces if not (p.__class__ is gast.Constant and p.value == "")]
    if not pieces:
        return nodes.const("")
    result = pieces[0]
    for piece in pieces[1:]:
        result = gast.BinOp(left=result, op=gast.Add(), right=piece)
    return result


def _format_call(node):
    if any(a.__class__ is gast.Starred for a in node.args) or \
            any(k.arg is None for k in node.keywords):
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    try:
        parsed = list(string.Formatter().parse(node.func.value.value))
    except ValueError:   # (Python's call raises it too: keep the call)
        return None
    pieces, automatic, numbered = [], 0, False
    for text, field, spec, conversion in parsed:
        if text:
            pieces.append(nodes.const(text))
        if field is None:
            continue
        if "{" in (spec or "") or conversion not in (None, *_LETTERS):
            return None
        if field == "":
            if numbered or automatic >= len(node.args):
                return None
            value, automatic = node.args[automatic], automatic + 1
        elif field.isdigit():
            if automatic or int(field) >= len(node.args):
                return None
            value, numbered = node.args[int(field)], True
        elif field.isidentifier() and field in keywords:
            value = keywords[field]
        else:
            return None   # ({0.x}, {0[1]}, a name not given: Python's error stays)
        value = nodes.clone(value)
        if conversion is not None:
            value = nodes.call(_LETTERS[conversion], [value])
        pieces.append(nodes.call("format", [value, nodes.const(spec or "")]))
    return _joined(pieces)
