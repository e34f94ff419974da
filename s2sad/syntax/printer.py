"""Source text of a gast function, written straight from the gast tree.

The emitter's printer.  It writes the very text ``astor.to_source`` writes for the
same tree (after ``emit``'s conversion to ``ast``): the same parentheses, numbers
and spacing, so generated modules read as before, only several times faster (no
``ast`` copy of the tree, no visitor dispatch, one string per line).

Parentheses follow one rule: each node has a binding strength (``_STRENGTH``), its
parent says how strong a child must be to stand bare there, and a weaker child is
parenthesized.  A child whose parent states nothing must bind strongest (so
``(a + b).c``, ``(1).real``, ``[(a + b) for x in y]``, ``{(1): v}``), as with astor.

What this printer does not write (an f-string, a string across lines or standing
as a statement, ``yield``, ``await``, a class, a decorator, an annotation, a
``match``) raises :class:`Unprintable`; the emitter then prints the function with
astor.  ``tests/syntax/test_printer.py`` compares the two texts.
"""

import math
import threading

import gast


class Unprintable(Exception):
    """A construct this printer leaves to astor."""


def _strengths():
    """{name: strength}: astor's order of bindings, weakest first; a name marked 1
    binds more strongly than the one before it (by two, leaving room for ``+ 1``)."""
    order = """GeneratorExp 1 Assign 1 AnnAssign 1 AugAssign 0 Expr 0 Yield 1 YieldFrom 0
        If 1 For 0 AsyncFor 0 While 0 Return 1 Slice 1 Subscript 0 Index 1 ExtSlice 1
        comprehension_target 1 Tuple 0 FormattedValue 0 Comma 1 NamedExpr 1 Assert 0
        Raise 0 call_one_arg 1 Lambda 1 IfExp 0 comprehension 1 Or 1 And 1 Not 1 Eq 1
        Gt 0 GtE 0 In 0 Is 0 NotEq 0 Lt 0 LtE 0 NotIn 0 IsNot 0 BitOr 1 BitXor 1 BitAnd 1
        LShift 1 RShift 0 Add 1 Sub 0 Mult 1 Div 0 Mod 0 FloorDiv 0 MatMult 0 PowRHS 1
        Invert 1 UAdd 0 USub 0 Pow 1 Await 1 Num 1 Constant 1""".split()
    found, level = {}, None
    for name, step in zip(order[::2], order[1::2]):
        level = int(step) if level is None else level + 2 * int(step)
        found[name] = level
    found["highest"] = level + 2
    return found


_STRENGTH = _strengths()
S = type("Strengths", (), _STRENGTH)   # S.Add, S.Comma, ... as attributes
_SYMBOLS = {
    gast.Or: "or", gast.And: "and", gast.Not: "not", gast.Eq: "==", gast.Gt: ">",
    gast.GtE: ">=", gast.In: "in", gast.Is: "is", gast.NotEq: "!=", gast.Lt: "<",
    gast.LtE: "<=", gast.NotIn: "not in", gast.IsNot: "is not", gast.BitOr: "|",
    gast.BitXor: "^", gast.BitAnd: "&", gast.LShift: "<<", gast.RShift: ">>", gast.Add: "+",
    gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Mod: "%", gast.FloorDiv: "//",
    gast.MatMult: "@", gast.Invert: "~", gast.UAdd: "+", gast.USub: "-", gast.Pow: "**"}
_OP_STRENGTH = {cls: _STRENGTH[cls.__name__] for cls in _SYMBOLS}
_HIGHEST = S.highest
_NUMBERS = (int, float, complex)


def _wrap(text, strength, needed):
    """``text`` of a node binding with ``strength``, where ``needed`` is asked."""
    return text if strength >= needed else f"({text})"


def _number_part(value, suffix):
    """One real number as astor writes it (infinities as ``1e1000``)."""
    try:
        if math.isinf(value):
            return ("-1e1000" if value < 0 else "1e1000") + suffix
        if math.isnan(value):
            return f"(1e1000{suffix}-1e1000{suffix})"
    except OverflowError:   # an int too large for a float
        pass
    return repr(value) + suffix


def _number(value):
    if value.__class__ is not complex:
        return _number_part(value, "")
    real, imag = _number_part(value.real, ""), _number_part(value.imag, "j")
    if value.real == 0:
        return imag
    if value.imag == 0:
        return f"({real}+0j)"
    return f"({real}{'' if imag.startswith('-') else '+'}{imag})"


def _constant(node, needed):
    value = node.value
    if isinstance(value, _NUMBERS):   # (bool too, as astor)
        return _wrap(_number(value), S.Constant, needed)
    if isinstance(value, str):
        # astor may write a string across lines, or one starting a line, in triple
        # quotes: those are astor's to print (see ``_statement``)
        if "\n" in value:
            raise Unprintable("string")
        return (node.kind or "") + repr(value)
    if value is Ellipsis:
        return "..."
    return repr(value)   # None, bytes


def _comma_list(items, trailing=False):
    text = ", ".join([expr(item, S.Comma) for item in items])
    return text + "," if trailing else text


def _call(node, needed):
    args, keywords = node.args, node.keywords
    strength = S.Comma if len(args) + len(keywords) > 1 else S.call_one_arg
    parts = [expr(arg, strength) for arg in args]
    for keyword in keywords:
        value = expr(keyword.value, S.Comma)
        parts.append(f"{keyword.arg}={value}" if keyword.arg else f"**{value}")
    return f"{expr(node.func, _HIGHEST)}({', '.join(parts)})"


def _binop(node, needed):
    op, left = node.op.__class__, node.left
    strength = _OP_STRENGTH[op]
    if op is gast.Pow:
        if left.__class__ is gast.Constant and isinstance(left.value, _NUMBERS) \
                and left.value.__class__ is not bool and str(left.value).startswith("-"):
            # a negative literal base: written as a minus, which is parenthesized
            left = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=-left.value,
                                                                        kind=None))
        text = f"{expr(left, S.Pow + 1)} ** {expr(node.right, S.PowRHS)}"
    else:
        text = f"{expr(left, strength)} {_SYMBOLS[op]} {expr(node.right, strength + 1)}"
    return _wrap(text, strength, needed)


def _unaryop(node, needed):
    op = node.op.__class__
    strength, symbol = _OP_STRENGTH[op], _SYMBOLS[op]
    operand = expr(node.operand, strength)
    return _wrap(f"{symbol} {operand}" if op is gast.Not else symbol + operand, strength, needed)


def _boolop(node, needed):
    strength = _OP_STRENGTH[node.op.__class__]
    symbol = f" {_SYMBOLS[node.op.__class__]} "
    return _wrap(symbol.join([expr(v, strength + 1) for v in node.values]), strength, needed)


def _compare(node, needed):
    if len(node.ops) != len(node.comparators) and _SEEN.names is not None:
        _SEEN.whole = False   # (operands not written: their names not seen)
    strength = _OP_STRENGTH[node.ops[0].__class__]
    parts = [expr(node.left, strength + 1)]
    for op, right in zip(node.ops, node.comparators):
        parts.append(f" {_SYMBOLS[op.__class__]} {expr(right, strength + 1)}")
    return _wrap("".join(parts), strength, needed)


def _subscript(node, needed):
    return f"{expr(node.value, _HIGHEST)}[{expr(node.slice, S.Subscript)}]"


def _optional(node, needed):
    return "" if node is None else expr(node, needed)


def _slice(node, needed):
    text = f"{_optional(node.lower, S.Slice)}:{_optional(node.upper, S.Slice)}"
    step = node.step
    if step is not None:
        text += ":"
        if not (step.__class__ is gast.Name and step.id == "None"):
            text += expr(step, S.Slice)
        elif _SEEN.names is not None:
            _SEEN.names.append(step)   # (not written, but a name of the tree)
    return text


def _tuple(node, needed):
    elts = node.elts
    text = _comma_list(elts, len(elts) == 1)
    return text if elts and S.Tuple >= needed else f"({text})"


def _dict(node, needed):
    if len(node.keys) != len(node.values) and _SEEN.names is not None:
        _SEEN.whole = False   # (items not written: their names not seen)
    parts = []
    for key, value in zip(node.keys, node.values):
        value = expr(value, S.Comma)
        parts.append(f"{expr(key, _HIGHEST)}: {value}" if key is not None else f"**{value}")
    return "{" + ", ".join(parts) + "}"


def _set(node, needed):
    return "{" + _comma_list(node.elts) + "}" if node.elts else "{1}.__class__()"


def _ifexp(node, needed):
    strength = S.IfExp
    text = (f"{expr(node.body, strength + 1)} if {expr(node.test, strength + 1)} "
            f"else {expr(node.orelse, strength)}")
    return _wrap(text, strength, needed)


def _lambda(node, needed):
    return _wrap(f"lambda {arguments(node.args)}: {expr(node.body, S.Lambda)}", S.Lambda, needed)


def _generators(node):
    parts = []
    for gen in node.generators:
        head = " async for " if getattr(gen, "is_async", 0) else " for "
        parts.append(f"{head}{expr(gen.target, S.comprehension_target)} in "
                     f"{expr(gen.iter, S.comprehension)}")
        parts.extend(f" if {expr(cond, S.comprehension)}" for cond in gen.ifs)
    return "".join(parts)


def _generator_exp(node, needed):
    text = expr(node.elt, S.Comma) + _generators(node)
    return text if needed == S.call_one_arg or S.GeneratorExp >= needed else f"({text})"


def _named(node, needed):
    strength = S.NamedExpr
    return f"({expr(node.target, strength)} := {expr(node.value, strength + 1)})"


_EXPRESSIONS = {
    gast.Constant: _constant,
    gast.Attribute: lambda node, needed: f"{expr(node.value, _HIGHEST)}.{node.attr}",
    gast.Call: _call, gast.BinOp: _binop, gast.UnaryOp: _unaryop, gast.BoolOp: _boolop,
    gast.Compare: _compare, gast.Subscript: _subscript, gast.Slice: _slice, gast.Tuple: _tuple,
    gast.List: lambda node, needed: f"[{_comma_list(node.elts)}]",
    gast.Set: _set, gast.Dict: _dict, gast.IfExp: _ifexp, gast.Lambda: _lambda,
    gast.Starred: lambda node, needed: "*" + expr(node.value, _HIGHEST),
    gast.ListComp: lambda node, needed: f"[{expr(node.elt, _HIGHEST)}{_generators(node)}]",
    gast.SetComp: lambda node, needed: f"{{{expr(node.elt, _HIGHEST)}{_generators(node)}}}",
    gast.DictComp: lambda node, needed: (f"{{{expr(node.key, _HIGHEST)}: "
                                         f"{expr(node.value, _HIGHEST)}{_generators(node)}}}"),
    gast.GeneratorExp: _generator_exp, gast.NamedExpr: _named,
}


def expr(node, needed):
    """The text of expression ``node`` where binding ``needed`` is asked."""
    cls = node.__class__
    if cls is gast.Name:
        if node.annotation is not None:
            raise Unprintable("annotation")
        seen = _SEEN.names
        if seen is not None:
            seen.append(node)
        return node.id
    write = _EXPRESSIONS.get(cls)
    if write is None:
        raise Unprintable(cls.__name__)
    return write(node, needed)


def _parameter(node):
    if node.__class__ is not gast.Name or node.annotation is not None:
        raise Unprintable("parameter")
    seen = _SEEN.names
    if seen is not None:
        seen.append(node)
    return node.id


def arguments(node):
    """A parameter list (of a ``def`` or a ``lambda``)."""
    if getattr(node, "posonlyargs", None):
        raise Unprintable("positional-only parameters")
    parts = []
    args, defaults = node.args, node.defaults
    padding = [None] * (len(args) - len(defaults))
    for arg, default in zip(args, padding + list(defaults)):
        parts.append(_parameter(arg) if default is None
                     else f"{_parameter(arg)}={expr(default, S.Comma)}")
    if node.vararg is not None:
        parts.append("*" + _parameter(node.vararg))
    if node.kwonlyargs:
        if node.vararg is None:
            parts.append("*")
        for arg, default in zip(node.kwonlyargs, node.kw_defaults):
            parts.append(_parameter(arg) if default is None
                         else f"{_parameter(arg)}={expr(default, S.Comma)}")
    if node.kwarg is not None:
        parts.append("**" + _parameter(node.kwarg))
    if (len(defaults) > len(args) or len(node.kw_defaults) > len(node.kwonlyargs)) \
            and _SEEN.names is not None:
        _SEEN.whole = False   # (defaults not written: their names not seen)
    return ", ".join(parts)


INDENT = "    "


def function_lines(node):
    """The lines of ``def`` ``node`` (a module-level gast function), as astor writes it."""
    out = []
    _function(node, 0, out)
    return out


class _Seen(threading.local):
    """What :func:`function_lines_and_names` collects while it writes (per thread)."""

    names = None   # the Name nodes written (expressions and parameters), or None
    defs = None    # the names of the nested functions written
    whole = True   # False: some part of the tree was not written (its names not seen)


_SEEN = _Seen()


def function_lines_and_names(node):
    """``(lines, free)``: :func:`function_lines` of ``node``, and the names the function
    reads but neither assigns nor takes as a parameter (``emit.free_names_of``), seen
    as they are written: every ``Name`` node of the tree is written once, as an
    expression or a parameter, but a slice's step ``None`` and an except handler's
    name, which are looked at here; a nested function's name is local.  ``free`` is
    None when a part of the tree was not written (the caller walks it instead)."""
    saved = (_SEEN.names, _SEEN.defs, _SEEN.whole)
    names, defs = _SEEN.names, _SEEN.defs = [], []
    _SEEN.whole = True
    try:
        lines = function_lines(node)
        whole = _SEEN.whole
    finally:
        _SEEN.names, _SEEN.defs, _SEEN.whole = saved
    if not whole:
        return lines, None
    loads, local, local_contexts = set(), set(defs), _LOCAL_CONTEXTS
    for name in names:   # (gast's contexts have no subclasses: their classes looked up)
        (local if name.ctx.__class__ in local_contexts else loads).add(name.id)
    return lines, loads - local


#: the contexts of a ``Name`` that binds it in its function
_LOCAL_CONTEXTS = frozenset((gast.Store, gast.Param))


def _function(node, depth, out):
    if node.__class__ is not gast.FunctionDef or node.decorator_list or node.returns \
            or getattr(node, "type_params", None):
        raise Unprintable("function")
    if depth:
        out.append("")   # astor's blank line before a nested definition
    out.append(f"{INDENT * depth}def {node.name}({arguments(node.args)}):")
    _block(node.body, depth + 1, out)


def _block(body, depth, out):
    for stmt in body:
        write = _STATEMENTS.get(stmt.__class__)
        if write is None:
            raise Unprintable(stmt.__class__.__name__)
        write(stmt, depth, out)


def _else(body, depth, out):
    if body:
        out.append(INDENT * depth + "else:")
        _block(body, depth + 1, out)


def _line(text):
    """A simple statement's writer: ``text(stmt)`` is its line."""
    def write(stmt, depth, out):
        out.append(INDENT * depth + text(stmt))
    return write


def _expr_statement(stmt):
    text = expr(stmt.value, S.Expr)
    if text[:1] in ("'", '"') or text[:2] in ("u'", 'u"'):
        raise Unprintable("string")   # astor may triple-quote a string starting a line
    return text


def _assign(stmt):
    targets = "".join([expr(target, S.Assign) + " = " for target in stmt.targets])
    return targets + expr(stmt.value, S.Assign)


def _augassign(stmt):
    return (f"{expr(stmt.target, S.AugAssign)} {_SYMBOLS[stmt.op.__class__]}= "
            f"{expr(stmt.value, S.AugAssign)}")


def _return(stmt):
    return "return" if stmt.value is None else "return " + expr(stmt.value, S.Return)


def _raise(stmt):
    if stmt.exc is None:
        return "raise"
    text = "raise " + expr(stmt.exc, _HIGHEST)
    return text if stmt.cause is None else f"{text} from {expr(stmt.cause, _HIGHEST)}"


def _assert(stmt):
    text = "assert " + expr(stmt.test, S.Assert)
    return text if stmt.msg is None else f"{text}, {expr(stmt.msg, S.Assert)}"


def _alias(alias):
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def _import_from(stmt):
    return (f"from {'.' * (stmt.level or 0)}{stmt.module or ''} import "
            f"{', '.join([_alias(a) for a in stmt.names])}")


def _if(stmt, depth, out):
    indent = INDENT * depth
    out.append(f"{indent}if {expr(stmt.test, S.If)}:")
    _block(stmt.body, depth + 1, out)
    while True:
        orelse = stmt.orelse
        if len(orelse) == 1 and orelse[0].__class__ is gast.If:
            stmt = orelse[0]
            out.append(f"{indent}elif {expr(stmt.test, S.If)}:")
            _block(stmt.body, depth + 1, out)
        else:
            _else(orelse, depth, out)
            return


def _for(stmt, depth, out):
    out.append(f"{INDENT * depth}for {expr(stmt.target, S.For)} in "
               f"{expr(stmt.iter, _HIGHEST)}:")
    _block(stmt.body, depth + 1, out)
    _else(stmt.orelse, depth, out)


def _while(stmt, depth, out):
    out.append(f"{INDENT * depth}while {expr(stmt.test, S.While)}:")
    _block(stmt.body, depth + 1, out)
    _else(stmt.orelse, depth, out)


def _with(stmt, depth, out):
    items = []
    for item in stmt.items:
        text = expr(item.context_expr, _HIGHEST)
        if item.optional_vars is not None:
            text += " as " + expr(item.optional_vars, _HIGHEST)
        items.append(text)
    out.append(f"{INDENT * depth}with {', '.join(items)}:")
    _block(stmt.body, depth + 1, out)


def _try(stmt, depth, out):
    indent = INDENT * depth
    out.append(indent + "try:")
    _block(stmt.body, depth + 1, out)
    for handler in stmt.handlers:
        text = "except"
        if handler.type is not None:
            text += " " + expr(handler.type, _HIGHEST)
            if handler.name is not None:
                text += " as " + (handler.name if isinstance(handler.name, str)
                                  else handler.name.id)
        if handler.name is not None and not isinstance(handler.name, str) \
                and _SEEN.names is not None:
            _SEEN.names.append(handler.name)   # (a name of the tree, written or not)
        out.append(f"{indent}{text}:")
        _block(handler.body, depth + 1, out)
    _else(stmt.orelse, depth, out)
    if stmt.finalbody:
        out.append(indent + "finally:")
        _block(stmt.finalbody, depth + 1, out)


_STATEMENTS = {
    gast.Assign: _line(_assign), gast.AugAssign: _line(_augassign),
    gast.Expr: _line(_expr_statement), gast.Return: _line(_return),
    gast.Pass: _line(lambda stmt: "pass"), gast.Break: _line(lambda stmt: "break"),
    gast.Continue: _line(lambda stmt: "continue"), gast.Raise: _line(_raise),
    gast.Assert: _line(_assert),
    gast.Delete: _line(lambda stmt: "del " + _comma_list(stmt.targets)),
    gast.Global: _line(lambda stmt: "global " + ", ".join(stmt.names)),
    gast.Nonlocal: _line(lambda stmt: "nonlocal " + ", ".join(stmt.names)),
    gast.Import: _line(lambda stmt: "import " + ", ".join([_alias(a) for a in stmt.names])),
    gast.ImportFrom: _line(_import_from),
    gast.If: _if, gast.For: _for, gast.While: _while, gast.With: _with, gast.Try: _try,
    gast.FunctionDef: lambda stmt, depth, out: _nested_function(stmt, depth, out),
}


def _nested_function(stmt, depth, out):
    if _SEEN.defs is not None:
        _SEEN.defs.append(stmt.name)   # (a local of the function it stands in)
    _function(stmt, depth, out)


def symbol(op):
    """How the operator node ``op`` is spelled (``"|"``, ``"not in"``...), or None."""
    return _SYMBOLS.get(type(op))
