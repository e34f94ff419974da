"""The one place that builds gast nodes, so every pass builds them alike."""

import gast

from .anno import HELPER_NAME, PREFIX as ANNOTATION_PREFIX
from .own_builtins import NAMES as OWN_BUILTINS


def name(id_, store=False):
    # (the fields set as ``gast.Name(id=..., ...)`` sets them, without its constructor:
    # the passes make tens of thousands of names)
    node = _NAME.__new__(_NAME)
    context = _STORE if store else _LOAD
    node.__dict__.update(id=id_, ctx=context.__new__(context), annotation=None,
                         type_comment=None)
    return node


def const(value):
    node = _CONSTANT.__new__(_CONSTANT)
    node.__dict__.update(value=value, kind=None)
    return node


#: the classes the makers above make without gast's constructor (which only sets the
#: fields it is given, as these do)
_NAME, _CONSTANT, _LOAD, _STORE = gast.Name, gast.Constant, gast.Load, gast.Store
_ATTRIBUTE, _CALL, _ASSIGN, _EXPR = gast.Attribute, gast.Call, gast.Assign, gast.Expr


def attr(value, attribute):
    node = _ATTRIBUTE.__new__(_ATTRIBUTE)
    node.__dict__.update(value=value, attr=attribute, ctx=_LOAD.__new__(_LOAD))
    return node


def builtin(id_):
    """A read of the builtin ``id_`` the generated code calls on its own, marked so that
    emitting tells it from a user's name of the same spelling (see .own_builtins)."""
    node = name(id_)
    setattr(node, HELPER_NAME, True)
    return node


def dotted(path):
    """``"np.linalg.norm"`` -> the attribute chain that spells it."""
    parts = path.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = attr(node, part)
    return node


def dotted_parts(node):
    """``("np", ["linalg", "norm"])`` for the expression ``np.linalg.norm`` (a name and
    the attributes read from it, in order), or None for any other expression."""
    path = []
    while isinstance(node, gast.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, gast.Name):
        return None
    return node.id, path[::-1]


def call(func, args=(), keywords=()):
    if isinstance(func, str):
        # (a builtin named here is s2sad's own read of it: see .own_builtins)
        func = builtin(func) if func in OWN_BUILTINS else dotted(func)
    node = _CALL.__new__(_CALL)
    node.__dict__.update(func=func, args=list(args),
                         keywords=[gast.keyword(arg=k, value=v) for k, v in keywords])
    return node


def assign(target, value):
    if isinstance(target, str):
        target = name(target, store=True)
    node = _ASSIGN.__new__(_ASSIGN)
    node.__dict__.update(targets=[target], value=value, type_comment=None)
    return node


def expr_stmt(value):
    node = _EXPR.__new__(_EXPR)
    node.__dict__.update(value=value)
    return node


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
    if cls is _NAME:
        # the commonest node: a name with a bare context, nothing else set but its
        # location (the general case below, in fewer steps)
        old = node.__dict__
        context = old.get("ctx")
        kind = context.__class__
        if kind in _MARKERS and old.get("annotation") is None and not context.__dict__ \
                and _NAME_KEYS.issuperset(old):
            new = cls.__new__(cls)
            fields = new.__dict__
            fields.update(old)
            fields["ctx"] = kind.__new__(kind)
            return new
    elif cls is list:
        return [clone(item) for item in node]
    plan = _CLONE_PLANS.get(cls)
    if plan is None:
        if cls in _LEAF_CLASSES or not isinstance(node, gast.AST):
            return node
        plan = _clone_plan(cls)
    new = cls.__new__(cls)
    fields = new.__dict__
    old = node.__dict__
    fields.update(old)   # leaves (names, numbers, None) and annotations as they are
    keys, known = plan
    for key in keys:   # the fields that may hold nodes, contexts and operators
        value = old.get(key)
        if value is None:
            continue
        kind = value.__class__
        if kind is list:
            fields[key] = [clone(item) for item in value]
        elif kind in _MARKERS and not value.__dict__:
            # a context or an operator holds nothing: a new one of its class, made here
            fields[key] = kind.__new__(kind)
        elif kind not in _LEAF_CLASSES:
            fields[key] = clone(value)
    if not known.issuperset(old):
        for key in old.keys() - known:   # anything else set on the node but annotations
            value = old[key]
            if not key.startswith(ANNOTATION_PREFIX) and (
                    value.__class__ is list or isinstance(value, gast.AST)):
                fields[key] = clone(value)
    return new


#: every field and attribute of a name: what :func:`clone` copies as they are, but ``ctx``
#: and ``annotation``
_NAME_KEYS = frozenset(gast.Name._fields) | frozenset(gast.Name._attributes)


#: class of node -> (its fields that may hold nodes, contexts or operators; the keys
#: :func:`clone` need not look at besides: every field and attribute of the class)
_CLONE_PLANS = {}


def _clone_plan(cls):
    keys = tuple(f for f in cls._fields if f not in _SCALAR_FIELDS)
    plan = _CLONE_PLANS[cls] = (keys, frozenset(cls._fields) | frozenset(cls._attributes))
    return plan


#: classes of the values in syntax trees that are never nodes (identifiers, numbers,
#: ``None``): what :func:`clone` and the walkers pass over without a closer look
_LEAF_CLASSES = frozenset((str, int, float, bool, complex, bytes, type(None),
                           type(Ellipsis)))


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
    child_fields, ast_class = _CHILD_FIELDS, gast.AST
    # ``found`` grows while the loop runs: each node's children are appended
    # after it, and the loop reaches them in turn.
    for node in found:
        fields = child_fields.get(node.__class__)
        if fields is None:
            fields = _child_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if value is None:
                continue   # (the commonest leaf, and the slowest to test as a node)
            if value.__class__ is list:
                found.extend([item for item in value if isinstance(item, ast_class)])
            elif isinstance(value, ast_class):
                found.append(value)
    return found


def by_class(walked):
    """``{class: [the nodes of walked of that class, in walked's order]}``: what a pass
    looking for a few classes of node reads instead of testing every node (gast's
    classes have no subclasses).  Plain data, made once and only read."""
    index = {}
    get = index.get
    for node in walked:
        found = get(node.__class__)
        if found is None:
            index[node.__class__] = [node]
        else:
            found.append(node)
    return index


class Walk(list):
    """The nodes of a tree as :func:`walk` lists them (:func:`indexed_walk`), with
    ``classes``, the same nodes by class (:func:`by_class`): a pass reading a few
    classes of node reads them with :func:`of_class`.  Valid while the tree keeps its
    shape (a pass renaming names may run; one adding or moving nodes walks again)."""

    __slots__ = ("classes",)


def indexed_walk(tree):
    """``walk(tree)`` as a :class:`Walk`."""
    found = Walk(walk(tree))
    found.classes = by_class(found)
    return found


def indexed(walked):
    """``walked`` (nodes as :func:`walk` lists them) as a :class:`Walk`: itself when it
    is one."""
    if walked.__class__ is Walk:
        return walked
    found = Walk(walked)
    found.classes = by_class(found)
    return found


def of_class(walked, cls):
    """The nodes of ``walked`` (a list of nodes, such as :func:`walk` gives) of class
    ``cls``, in its order: read off the index of a :class:`Walk`."""
    classes = getattr(walked, "classes", None)
    if classes is not None:
        return classes.get(cls, ())
    return [node for node in walked if node.__class__ is cls]


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


def loads(node):
    """Names ``node`` (a node or a list of them) reads: every ``Name`` not in a store
    context.  The set :func:`names` would give, filtered, made in one walk: the
    passes ask it of every statement."""
    name_class = gast.Name
    if node.__class__ is name_class and getattr(node, "annotation", None) is None:
        return set() if isinstance(node.ctx, gast.Store) else {node.id}
    found = set()
    stack = [node] if isinstance(node, gast.AST) else list(node)
    pop, push, extend, add = stack.pop, stack.append, stack.extend, found.add
    fields_of, store, constant = child_fields, gast.Store, gast.Constant
    while stack:
        node = pop()
        cls = node.__class__
        if cls is list:
            extend(node)
            continue
        if cls is name_class:
            if not isinstance(node.ctx, store):
                add(node.id)
        elif cls is constant:
            continue   # (no field of a constant holds a node)
        for field in fields_of(cls):
            value = getattr(node, field, None)
            if value is not None:
                push(value)
    return found


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


def index_expr(index):
    """An index as an expression usable as a call argument (slices become slice())."""
    if isinstance(index, gast.Slice):
        parts = [index.lower, index.upper, index.step]
        return call(builtin("slice"), [clone(p) if p is not None else const(None)
                                       for p in parts])
    if isinstance(index, gast.Tuple):
        return tuple_([index_expr(e) for e in index.elts])
    return clone(index)
