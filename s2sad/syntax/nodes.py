"""The one place that builds gast nodes, so every pass builds them alike."""

import gast


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


def function(name_, params, body, defaults=()):
    args = gast.arguments(args=[name(p, store=False) for p in params], posonlyargs=[],
                          vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                          defaults=list(defaults))
    for a in args.args:
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
    if isinstance(node, list):
        return [clone(item) for item in node]
    if not isinstance(node, gast.AST):
        return node
    new = node.__class__.__new__(node.__class__)
    fields = new.__dict__
    for key, value in node.__dict__.items():
        fields[key] = value if key.startswith("s2sad_") else clone(value)
    return new
