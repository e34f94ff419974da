"""The shrinker: a failing program made smaller while it fails the same way."""

import ast
import builtins
import copy
import re
import time

from s2sad.fuzz.checker import check_program
from s2sad.fuzz.program import Param, Program, _format


# ------------------------------------------------------------------ shrinking

class _Candidates:
    """Smaller variants of a module's source, biggest reductions first."""

    def __init__(self, source):
        self.source = source

    def __iter__(self):
        tree = ast.parse(self.source)
        # 1. drop whole module-level statements (constants, helpers)
        for i, node in enumerate(tree.body):
            if isinstance(node, ast.Import) or (isinstance(node, ast.FunctionDef)
                                                 and node.name == "f"):
                continue
            t = copy.deepcopy(tree)
            del t.body[i]
            yield t
        # 2. statements inside functions: delete, or replace by their bodies
        for path in self._statement_paths(tree):
            yield from self._statement_variants(tree, path)
        # 3. copies: drop "a = b" and read b wherever a was read
        yield from self._copy_variants(tree)
        # 4. expressions: replace by a sub-expression, or numbers by simpler ones
        nexpr = sum(1 for _ in self._expr_nodes(tree))
        for k in range(nexpr):
            yield from self._expr_variants(tree, k)

    @staticmethod
    def _statement_paths(tree):
        """(list-owner path) for each statement in a function body, outermost first."""
        paths = []

        def visit(owner_path, body):
            for i, stmt in enumerate(body):
                paths.append((owner_path, i))
                for attr in ("body", "orelse"):
                    sub = getattr(stmt, attr, None)
                    if isinstance(sub, list) and sub and isinstance(sub[0], ast.stmt):
                        visit(owner_path + ((i, attr),), sub)

        for fi, node in enumerate(tree.body):
            if isinstance(node, ast.FunctionDef):
                visit(((fi, "body"),), node.body)
        return paths

    @staticmethod
    def _resolve(tree, owner_path):
        node = tree
        body = None
        for index, attr in owner_path:
            container = node.body if body is None else body
            node = container[index]
            body = getattr(node, attr)
        return body

    def _statement_variants(self, tree, path):
        owner_path, i = path
        body = self._resolve(tree, owner_path)
        stmt = body[i]
        is_final_return = len(owner_path) == 1 and i == len(body) - 1 and isinstance(
            stmt, ast.Return)
        if not is_final_return:
            t = copy.deepcopy(tree)
            b = self._resolve(t, owner_path)
            del b[i]
            if not b:
                b.append(ast.Pass())
            yield t
        replacements = []
        if isinstance(stmt, ast.If):
            replacements.append(stmt.body)
            if stmt.orelse:
                replacements.append(stmt.orelse)
        elif isinstance(stmt, ast.While):
            replacements.append(stmt.body)
        elif isinstance(stmt, ast.For):
            first = self._first_item(stmt)
            if first is not None:
                replacements.append([first] + stmt.body)
        for rep in replacements:
            t = copy.deepcopy(tree)
            b = self._resolve(t, owner_path)
            b[i:i + 1] = copy.deepcopy(rep)
            yield t

    @staticmethod
    def _copy_variants(tree):
        for fi, fn in enumerate(tree.body):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for k, stmt in enumerate(list(ast.walk(fn))):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and isinstance(stmt.targets[0], ast.Name)
                        and isinstance(stmt.value, ast.Name)):
                    continue
                old, new = stmt.targets[0].id, stmt.value.id
                t = copy.deepcopy(tree)
                tfn = t.body[fi]
                target = list(ast.walk(tfn))[k]
                for node in ast.walk(tfn):
                    for attr in ("body", "orelse"):
                        block = getattr(node, attr, None)
                        if isinstance(block, list) and target in block:
                            block.remove(target)
                            if not block:
                                block.append(ast.Pass())
                for node in ast.walk(tfn):
                    if isinstance(node, ast.Name) and node.id == old and isinstance(
                            node.ctx, ast.Load):
                        node.id = new
                yield t

    @staticmethod
    def _first_item(loop):
        """``target = <first item>`` for a for-loop, when it is easy to say."""
        it = loop.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name):
            if it.func.id == "range":
                start = it.args[0] if len(it.args) > 1 else ast.Constant(0)
                return ast.Assign([copy.deepcopy(loop.target)], copy.deepcopy(start))
            if it.func.id == "enumerate" and len(it.args) == 1:
                value = ast.Tuple([ast.Constant(0), ast.Subscript(copy.deepcopy(it.args[0]),
                                                                  ast.Constant(0), ast.Load())],
                                  ast.Load())
                return ast.Assign([copy.deepcopy(loop.target)], value)
            if it.func.id == "zip":
                value = ast.Tuple([ast.Subscript(copy.deepcopy(a), ast.Constant(0), ast.Load())
                                   for a in it.args], ast.Load())
                return ast.Assign([copy.deepcopy(loop.target)], value)
            return None
        return ast.Assign([copy.deepcopy(loop.target)],
                          ast.Subscript(copy.deepcopy(it), ast.Constant(0), ast.Load()))

    @staticmethod
    def _expr_nodes(tree):
        """Expressions that may be replaced (inside functions, not assignment targets)."""
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for sub in ast.walk(node):
                for name, value in ast.iter_fields(sub):
                    if isinstance(value, ast.expr):
                        values = [(name, None, value)]
                    elif isinstance(value, list):
                        values = [(name, j, v) for j, v in enumerate(value)
                                  if isinstance(v, ast.expr)]
                    else:
                        continue
                    for fname, j, v in values:
                        if isinstance(getattr(v, "ctx", None), (ast.Store, ast.Del)):
                            continue
                        if isinstance(sub, ast.Call) and fname == "func":
                            continue
                        if isinstance(sub, ast.Attribute):
                            continue
                        yield sub, fname, j, v

    def _expr_variants(self, tree, k):
        parent, fname, j, node = list(self._expr_nodes(tree))[k]
        options = []
        if isinstance(node, ast.BinOp):
            options += [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            options.append(node.operand)
        elif isinstance(node, ast.Call):
            options += [a for a in node.args if not isinstance(a, ast.Starred)]
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.expr) \
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "np"):
                options.append(node.func.value)
        elif isinstance(node, ast.IfExp):
            options += [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            options += node.values
        elif isinstance(node, ast.Subscript):
            if not _container_base(node.value):
                # (an item of a generated container is never replaced by the container:
                # ``dc2['u'] = dc2`` is another program, not a smaller one)
                options.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            options.append(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            v = node.value
            simpler = [0, 1] if isinstance(v, int) else [1.0, 0.5, 0.0]
            options += [ast.Constant(s) for s in simpler if s != v and abs(s) <= abs(v)]
        for option in options:
            if isinstance(option, (ast.List, ast.Tuple, ast.Slice, ast.Starred)):
                continue
            t = copy.deepcopy(tree)
            p, fn, jj, _ = list(self._expr_nodes(t))[k]
            new = copy.deepcopy(option)
            if jj is None:
                setattr(p, fn, new)
            else:
                getattr(p, fn)[jj] = new
            yield t


_CONTAINER_NAME = re.compile(r"((ls|tp|dc|st|co|ca|hold|box)\d+|xs|n?tup|prm|layers|c)$")


def _container_base(node):
    """Whether ``node`` is a generated container, or an item of one (``layers[0]``)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and bool(_CONTAINER_NAME.match(node.id))


def _well_formed(source):
    """No name read that nothing defines, no statement after a return/break/continue."""
    tree = ast.parse(source)
    module_names = {"np"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            module_names.add(node.name)
        elif isinstance(node, ast.Assign):
            module_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module_names.update((a.asname or a.name).split(".")[0] for a in node.names)
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        defined = set(module_names) | {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
        defined |= {d.name for d in ast.walk(fn) if isinstance(d, ast.FunctionDef)}
        defined |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store)}
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) \
                    and n.id not in defined and not hasattr(builtins, n.id):
                return False
            for attr in ("body", "orelse"):
                block = getattr(n, attr, None)
                if isinstance(block, list):
                    for i, stmt in enumerate(block[:-1]):
                        if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
                            return False
    return True


def _drop_unused_params(prog):
    """Variants of ``prog`` without one parameter that ``f`` never reads."""
    tree = ast.parse(prog.source)
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    read = {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
    for i, arg in enumerate(f.args.args):
        if arg.arg in read:
            continue
        if i in prog.wrt and len(prog.wrt) == 1:
            continue
        t = copy.deepcopy(tree)
        tf = next(n for n in t.body if isinstance(n, ast.FunctionDef) and n.name == "f")
        first_default = len(tf.args.args) - len(tf.args.defaults)
        if i >= first_default:      # its default goes with it (not to the one before it)
            del tf.args.defaults[i - first_default]
        del tf.args.args[i]
        wrt = tuple(w - (w > i) for w in prog.wrt if w != i)
        params = prog.params[:i] + prog.params[i + 1:]
        yield Program(prog.seed, _format(ast.unparse(t)), params, wrt, prog.output, prog.features)
    if len(prog.wrt) > 1:
        for w in prog.wrt:
            yield Program(prog.seed, prog.source, prog.params,
                          tuple(x for x in prog.wrt if x != w), prog.output, prog.features)
    for i, p in enumerate(prog.params):
        if p.kind == "int" and p.value is not None and p.value > 1:
            params = list(prog.params)
            params[i] = Param(p.name, "int", (), 1)
            yield Program(prog.seed, prog.source, params, prog.wrt, prog.output, prog.features)


def shrink(prog, outcome, modes, supported, loader, max_attempts=3000, time_limit=120.0):
    """The smallest variant of ``prog`` found that fails in the same mode the same way.

    Greedy: try candidate edits in order (drop a module-level statement or a
    parameter, delete a statement, replace a compound statement by its body,
    replace an expression by one of its operands, simplify a number); keep
    the first that still fails, start again; stop when no edit keeps the
    failure.  Returns ``(program, attempts)``.
    """
    target = outcome.signature
    attempts = 0
    start = time.perf_counter()
    current = prog
    seen = {prog.source}

    def still_fails(candidate):
        nonlocal attempts
        attempts += 1
        if not _well_formed(candidate.source):
            return False
        result = check_program(candidate, modes, supported, loader, only=target[:2])
        return result.status == "fail" and result.signature == target

    progress = True
    while progress and attempts < max_attempts and time.perf_counter() - start < time_limit:
        progress = False
        for variant in _drop_unused_params(current):
            if still_fails(variant):
                current, progress = variant, True
                break
        if progress:
            continue
        for tree in _Candidates(current.source):
            if attempts >= max_attempts or time.perf_counter() - start > time_limit:
                break
            try:
                text = _format(ast.unparse(ast.fix_missing_locations(tree)))
            except Exception:
                continue
            if text in seen:
                continue
            seen.add(text)
            candidate = Program(current.seed, text, current.params, current.wrt,
                                current.output, current.features)
            if still_fails(candidate):
                current, progress = candidate, True
                break
        loader.forget()
    return current, attempts
