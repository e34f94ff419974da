"""The fast path folded into the generated function's own text: one call, not two.

``fastpath`` writes its checks as a function that calls the generated one.  Where
the generated function returns once, at its end (straight-line code such as the
seed example's), the checks can run in the generated function itself: ``fold``
compiles, in the generated module's namespace and under its file name (an error
still names the user's line), a copy of it that takes the call's arguments as one
tuple, checks them first and checks its gradients before it returns them:

    def seed_value_and_grad(_s2sad_args):   # (named as the generated function)
        try:
            _s2sad_a0, _s2sad_a1, _s2sad_a2 = _s2sad_args
            _s2sad_fits = (...the checks of fastpath...)
        except (KeyError, ValueError, AttributeError):
            _s2sad_fits = False
        if not _s2sad_fits:
            return _s2sad_general(_s2sad_args, {}, True)
        x, w, y = _s2sad_a0, _s2sad_a1, _s2sad_a2
        ...the generated function's body...
        _s2sad_value, _s2sad_grads = z, w_bar
        if ...the gradient needs no fixing...:
            return _s2sad_grads
        return _s2sad_finish(_s2sad_value, _s2sad_grads, _s2sad_args)

Every name of the checks (their values are closure cells of a function that makes
``fast``) and the builtins they call are prefixed, so that none is a name of the
generated code.  The user reads the general module (``.source``); this copy is
never shown.
"""

import ast
import builtins
import types

PREFIX = "_s2sad_"
LONGEST = 400
_RESULT = "__s2sad_result__"   # where the returned expression goes
_CALLED = ("type", "len", "float", "KeyError", "ValueError", "AttributeError")   # (builtins)


def generated_function(emitted):
    """The generated function of the module ``emitted`` (an ``ast.FunctionDef``) where it
    returns once, at its end, else None.  Not for long modules (``LONGEST`` lines): a
    syntax tree costs more than compiling the text, and a long function's run makes
    one call more or less no matter."""
    if emitted.text.count("\n") > LONGEST:
        return None
    tree = ast.parse(emitted.text)
    found = [s for s in tree.body
             if isinstance(s, ast.FunctionDef) and s.name == emitted.function_name]
    if len(found) != 1 or not _returns_at_end(found[0]):
        return None
    return found[0]


def fold(generated, head, tail, env, drop=()):
    """The folded fast path (see the module's text) of ``generated`` (the generated
    function, from ``generated_function``) compiled in the namespace ``env["ns"]``.
    ``head``: fastpath's lines up to its call of the generated function (``def
    fast(args):`` first), ``tail``: those after it; ``env``: the values of the names
    they read; ``drop``: the statements of the generated body the fast path leaves out
    (a value it does not return, see ``fastpath``)."""
    params = [a.arg for a in generated.args.args]
    fast = _renamed(ast.parse("\n".join(head + [f"    value, grads = {_RESULT}"] + tail)))
    fast = fast.body[0]
    fast.name = generated.name   # (a traceback shows the generated function's name)
    at = [i for i, stmt in enumerate(fast.body) if isinstance(stmt, ast.Assign)
          and isinstance(stmt.value, ast.Name) and stmt.value.id == _RESULT][0]
    taking = fast.body[at]
    _place(fast, generated.lineno)
    ret = generated.body[-1]
    _place(taking, ret.lineno)
    for stmt in fast.body[at + 1:]:
        _place(stmt, ret.lineno)
    taking.value = ret.value
    if drop:   # (the value left out: what the fast path's end reads of it is None)
        taking.value = ast.Tuple([ast.Constant(None), ret.value.elts[1]], ast.Load())
    arguments = ast.parse(f"{', '.join(params)}, = "
                          f"{', '.join(f'{PREFIX}a{i}' for i in range(len(params)))},").body[0]
    _place(arguments, generated.lineno)
    body = [stmt for stmt in generated.body[:-1] if not any(stmt is d for d in drop)]
    fast.body[at:at + 1] = [arguments] + body + [taking]
    names = sorted(env) + list(_CALLED)
    make = ast.FunctionDef(name=f"{PREFIX}make",
                           args=ast.arguments(posonlyargs=[], args=[ast.arg(PREFIX + n)
                                                                    for n in names],
                                              kwonlyargs=[], kw_defaults=[], defaults=[]),
                           body=[fast, ast.Return(ast.Name(fast.name, ast.Load()))],
                           decorator_list=[], returns=None, type_comment=None)
    _place(make, generated.lineno, every=False)
    _place(make.body[-1], ret.lineno)
    module = ast.fix_missing_locations(ast.Module([make], type_ignores=[]))
    code = compile(module, env["impl"].__code__.co_filename, "exec")
    made = [c for c in code.co_consts if isinstance(c, types.CodeType)][0]
    values = dict(env)
    values.update((n, getattr(builtins, n)) for n in _CALLED)
    return types.FunctionType(made, env["ns"])(*[values[n] for n in names])


def _returns_at_end(func):
    """Whether ``func`` (plain positional parameters, no decorator) returns a value
    once, as its last statement, and nowhere else (nested functions aside)."""
    args = func.args
    if func.decorator_list or args.vararg or args.kwarg or args.kwonlyargs \
            or args.posonlyargs or not func.body:
        return False
    last = func.body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        return False
    stack = list(func.body[:-1]) + [last.value]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return True


class _Prefixed(ast.NodeTransformer):
    def visit_Name(self, node):
        if node.id != _RESULT:
            node.id = PREFIX + node.id
        return node

    def visit_arg(self, node):
        node.arg = PREFIX + node.arg
        return node


def _renamed(tree):
    """``tree`` with each name prefixed (see the module's text)."""
    return _Prefixed().visit(tree)


def _place(node, lineno, every=True):
    """Give ``node`` (and, with ``every``, each node in it) the line ``lineno``."""
    for sub in ast.walk(node) if every else (node,):
        if "lineno" in sub._attributes:
            sub.lineno = sub.end_lineno = lineno
            sub.col_offset = sub.end_col_offset = 0
