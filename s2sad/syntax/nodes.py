"""The one place that builds gast nodes, so every pass builds them alike."""

import gast

from .anno import PREFIX as ANNOTATION_PREFIX


def name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(),
                     annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def attr(value, attribute):
    return gast.Attribute(value=value, attr=attribute, ctx=gast.Load())


def dotted(path):
    """``"np.linalg.norm"`` -> the attribute chain that spells it."""
    parts = path.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = attr(node, part)
    return node


def call(func, args=(), keywords=()):
    if isinstance(func, str):
        func = dotted(func)
    return gast.Call(func=func, args=list(args),
                     keywords=[gast.keyword(arg=k, value=v) for k, v in keywords])


def assign(target, value):
    if isinstance(target, str):
        target = name(target, store=True)
    return gast.Assign(targets=[target], value=value, type_comment=None)


def expr_stmt(value):
    return gast.Expr(value=value)


def binop(left, op, right):
    return gast.BinOp(left=left, op=op, right=right)


def subscript(value, index, store=False):
    return gast.Subscript(value=value, slice=index,
                          ctx=gast.Store() if store else gast.Load())


def tuple_(elts, store=False):
    return gast.Tuple(elts=list(elts), ctx=gast.Store() if store else gast.Load())


def ret(value):
    return gast.Return(value=value)


def function(name_, params, body, defaults=(), kwonly=(), kw_defaults=()):
    """``def name_(params, *, kwonly):``; ``kw_defaults`` has one entry (None: no
    default) per keyword-only parameter."""
    args = gast.arguments(args=[name(p, store=False) for p in params], posonlyargs=[],
                          vararg=None, kwonlyargs=[name(p, store=False) for p in kwonly],
                          kw_defaults=list(kw_defaults) or [None] * len(kwonly), kwarg=None,
                          defaults=list(defaults))
    for a in args.args + args.kwonlyargs:
        a.ctx = gast.Param()
    fields = dict(name=name_, args=args, body=body, decorator_list=[], returns=None,
                  type_comment=None, type_params=[])
    # gast < 0.6 has no type_params: pass only the fields this gast knows.
    return gast.FunctionDef(**{k: v for k, v in fields.items()
                               if k in gast.FunctionDef._fields})


def is_const(node, value=None):
    if not isinstance(node, gast.Constant):
        return False
    if value is None:
        return True
    v = node.value
    return type(v) in (int, float) and not isinstance(v, bool) and v == value


def clone(node):
    """A copy of a gast tree (or list of trees): new nodes, shared leaves.

    Annotations (``s2sad_*`` attributes) are carried over as they are; they
    hold plain data and objects, never subtrees this pass may change.  Several
    times faster than ``copy.deepcopy``, which the transforms call on every
    statement.
    """
    cls = node.__class__
    if cls is list:
        return [clone(item) for item in node]
    if not isinstance(node, gast.AST):
        return node
    new = cls.__new__(cls)
    fields = new.__dict__
    for key, value in node.__dict__.items():
        if value.__class__ is list:
            if not key.startswith(ANNOTATION_PREFIX):
                value = [clone(item) for item in value]
        elif isinstance(value, gast.AST) and not key.startswith(ANNOTATION_PREFIX):
            # a context or an operator holds nothing: a new one of its class, made here
            marker = value.__class__
            value = marker.__new__(marker) if marker in _MARKERS and not value.__dict__ \
                else clone(value)
        fields[key] = value   # leaves (names, numbers, None) and annotations as they are
    return new


#: classes of expression contexts and operators (``Load``, ``Add``, ...): nodes without
#: fields, which :func:`clone` makes anew without looking into them
_MARKERS = frozenset(cls for base in (gast.expr_context, gast.operator, gast.unaryop,
                                       gast.cmpop, gast.boolop)
                     for cls in base.__subclasses__())


# ------------------------------------------------------------------ walking
#
# ``gast.walk`` builds a chain of generators per node (``iter_child_nodes`` over
# ``iter_fields``) and looks at every field, strings included; the passes walk
# every statement several times, so these list-building walkers do the same
# job at a fraction of the cost.  Both skip expression contexts and operators
# (``Load``, ``Add``, ...): leaf markers that nobody walks to find.

#: Fields that hold only identifiers, numbers or strings in every gast node class.
_SCALAR_FIELDS = frozenset(("id", "attr", "arg", "asname", "kind", "type_comment", "module",
                            "level", "conversion", "is_async", "simple", "lineno", "tag",
                            "nl", "rest", "str"))
#: Fields that hold only expression contexts and operators.
_MARKER_FIELDS = frozenset(("ctx", "op", "ops"))

_CHILD_FIELDS = {}   # class of anything met on a walk -> its fields worth walking into


def _child_fields(cls):
    """The fields of ``cls`` that may hold nodes to walk into: every field of a gast
    node class but scalar and marker fields (none of a ``Constant``); ``()`` for
    any other class (a constant's value, ``None``)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        if cls is gast.Constant:
            fields = ()   # its value is a Python value, never a node
        elif isinstance(cls, type) and issubclass(cls, gast.AST):
            fields = tuple(f for f in cls._fields
                           if f not in _SCALAR_FIELDS and f not in _MARKER_FIELDS)
        else:
            fields = ()
        _CHILD_FIELDS[cls] = fields
    return fields


def child_fields(cls):
    """The fields of gast node class ``cls`` that may hold nodes (no identifiers,
    numbers, contexts or operators), as the walkers below use them."""
    fields = _CHILD_FIELDS.get(cls)
    return fields if fields is not None else _child_fields(cls)


def walk(tree):
    """The list of the nodes in ``tree`` (a node), ``tree`` first, contexts and
    operators left out: otherwise the same nodes in the same (breadth-first)
    order as ``gast.walk``."""
    found = [tree]
    child_fields = _CHILD_FIELDS
    # ``found`` grows while the loop runs: each node's children are appended
    # after it, and the loop reaches them in turn.
    for node in found:
        fields = child_fields.get(node.__class__)
        if fields is None:
            fields = _child_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if isinstance(value, gast.AST):
                found.append(value)
            elif value.__class__ is list:
                found.extend([item for item in value if isinstance(item, gast.AST)])
    return found


def names(tree):
    """The list of every ``gast.Name`` node in ``tree`` (a node or an iterable of nodes).

    Any context: callers pick loads or stores by ``ctx``.  The order is
    deterministic (it depends on the tree only) but unspecified; use the
    result as a set, or use :func:`walk` when order matters.
    """
    if tree.__class__ is gast.Name and getattr(tree, "annotation", None) is None:
        return [tree]   # the commonest case: an atom
    found = []
    stack = [tree] if isinstance(tree, gast.AST) else list(tree)
    pop, push, extend, keep = stack.pop, stack.append, stack.extend, found.append
    child_fields, name_class = _CHILD_FIELDS, gast.Name
    while stack:
        node = pop()
        cls = node.__class__
        if cls is list:
            extend(node)
            continue
        if cls is name_class:
            keep(node)
        fields = child_fields.get(cls)
        if fields is None:
            fields = _child_fields(cls)
        for field in fields:
            value = getattr(node, field, None)
            if value is not None:
                push(value)
    return found


#: Fields through which statements hold nested statements (directly, or through
#: except handlers and match cases).
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(body):
    """The list of every statement in ``body`` (a list of statements), nested blocks
    included, in source order; never looks into expressions."""
    found = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, gast.stmt):
            found.append(node)
        for field in _BLOCK_FIELDS:
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(reversed(block))
    return found
