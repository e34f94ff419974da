"""Index safety for the numba target: which generated functions may run without numba's
``boundscheck``, and the checks that make them safe.

numba reads past the end of an array silently unless a function is compiled with
``boundscheck=True``, which checks every index at every use (in ``s = s + x[i] * x[i]``
over 20,000 elements, the gradient then costs 1.8 times a hand-written numba one).  A
function keeps ``boundscheck=True`` unless *every* subscript in it is proven in range by
a check written before it (``numba_runtime.bounds``), each raising numpy's IndexError:

* ``x[i + c]`` (``x[i]``, ``x[i - c]``) at the top level of the body of
  ``for i in range(...)`` (or ``reversed(range(...))``, as the backward sweep reads
  them): one ``check_indexes`` before the loop covers every trip, provided the loop
  cannot leave early (no ``break``, ``continue`` or ``return`` in it), neither ``x`` nor
  ``i`` is bound in it, no list may change its length in it (no ``y += ...``, no slice
  assigned: the other methods that would are not called at all), and the range's
  arguments are plain (names, numbers, ``len``, ``.shape[k]``);
* an index the loop does not change (a number, the variable of an enclosing loop):
  ``check_index_in_loop`` before the loop (nothing when it runs no trip);
* anything else of those forms: ``check_index`` just before the statement, which must
  evaluate the subscript unconditionally (not in ``a if c else b``, nor after ``and``).

A component of an index is a slice (never out of range), an integer, or the variable of
an enclosing ``for ... in range(...)`` loop that binds it nowhere else, plus or minus an
integer: integer arrays, other names and expressions as indexes are never proven.  A
function is not proven at all when it calls anything that may index (or change a list's
length) out of sight: only builtins, numpy functions that take no index, array methods
that take none, the runtime helpers that take none and the tape's push and pop.  Pure
``ast``: it imports neither numba nor numpy.
"""

import ast

CHECKS = ("check_index", "check_indexes", "check_index_in_loop")

_BUILTINS = frozenset({"len", "range", "reversed", "float", "int", "abs", "min", "max",
                       "bool", "complex", "round"})
# runtime helpers that take no index and loop over no container (the others: add_at,
# overwritten, add_item... index arrays; add_tree, times_bar... index containers in loops
# numba would compile unchecked here: they are inlined)
_HELPERS = frozenset({
    "check_bound", "check_not_shared", "ensure_same_kind", "ensure_plain_item", "clip_lower_mask", "clip_mask", "clip_upper_mask",
    "power_log", "power_slope", "quotient_slope", "tie_mask", "xlogy", "finite_mask", "sinc_slope",
    "broadcast_like", "writable_copy", "xdivy", "ensure_scalar_output", "scalar_checked",
    "transpose_bar", "mT", "unshared", "ensure_real_target", "dot_lhs_bar", "dot_rhs_bar",
    "matmul_lhs_bar", "matmul_rhs_bar", "sum_bar", "mean_bar", "prod_bar", "reduced_count",
    "nonzero_checked", "unbroadcast", "unbroadcast_to", "shape_of", "zeros_like",
    "loop_items", "range_item", "Stack"})
_NUMPY_INDEXING = frozenset({"take", "put", "take_along_axis", "put_along_axis", "choose",
                             "compress", "delete", "insert", "item", "itemset", "place",
                             "putmask", "select", "unravel_index", "ravel_multi_index"})
_METHODS = frozenset({"copy", "sum", "mean", "prod", "max", "min", "reshape", "astype",
                      "transpose", "ravel", "flatten", "dot", "conj", "conjugate", "all", "any",
                      "cumsum", "cumprod", "std", "var"})
_UNSAFE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
           ast.NamedExpr, ast.Try, ast.Delete, ast.Global, ast.Nonlocal, ast.Starred,
           ast.With)


class _Unproven(Exception):
    pass


def _bound_names(node):
    """The names ``node`` (a statement or a block of them, nested ones included) binds."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            out.add(n.name)
    return out


def reversed_range(node, source):
    """The descending range for ``reversed(range(...))`` (None: not that form)."""
    args = node.args[0].args
    seg = [f"({ast.get_source_segment(source, a)})" if not isinstance(a, (ast.Name, ast.Constant))
           else ast.get_source_segment(source, a) for a in args]
    if len(args) == 1:
        return f"range({seg[0]} - 1, -1, -1)"
    if len(args) == 2:
        return f"range({seg[1]} - 1, {seg[0]} - 1, -1)"
    step = args[2]
    value = step.value if isinstance(step, ast.Constant) else \
        -step.operand.value if isinstance(step, ast.UnaryOp) and isinstance(step.op, ast.USub) \
        and isinstance(step.operand, ast.Constant) else None
    if not isinstance(value, int) or isinstance(value, bool) or value == 0:
        return None
    a, b = seg[0], seg[1]
    # the last value, a + d // step * step, written d - d % step: no product of
    # integers (numba's wrap where Python's grow: api.numba_integers refuses them)
    if value > 0:
        d = f"({b} - {a} - 1)"
        return f"range({a} + {d} - {d} % {value}, {a} - 1, {-value})"
    d = f"({b} - {a} + 1)"
    return f"range({a} + {d} - {d} % ({value}), {a} + 1, {-value})"


def is_reversed_range(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "reversed" and len(node.args) == 1 and not node.keywords \
        and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name) \
        and node.args[0].func.id == "range" and not node.args[0].keywords


def _range_args(loop, text):
    """The argument texts of ``loop``'s range (a descending one written out for
    ``reversed(range(...))``), or None when it is not a plain range."""
    it = loop.iter
    if is_reversed_range(it):
        new = reversed_range(it, text)
        if new is None or not all(_plain(a) for a in it.args[0].args):
            return None
        return [ast.get_source_segment(new, a) for a in ast.parse(new).body[0].value.args]
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
            and not it.keywords and 1 <= len(it.args) <= 3 and all(_plain(a) for a in it.args):
        args = [ast.get_source_segment(text, a) for a in it.args]
        if len(args) == 1:
            return ["0", args[0], "1"]
        return args + ["1"] * (3 - len(args))
    return None


def _plain(node):
    """Names, numbers and arithmetic of them, ``len(name)`` and ``name.shape[k]``: what may
    be evaluated once more before a loop."""
    if isinstance(node, ast.Name) or isinstance(node, ast.Constant) and \
            isinstance(node.value, int) and not isinstance(node.value, bool):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _plain(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult,
                                                            ast.FloorDiv)):
        return _plain(node.left) and _plain(node.right)
    if isinstance(node, ast.Subscript):   # x.shape[0]
        return isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and isinstance(node.value.value, ast.Name) and _integer(node.slice)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "len" and len(node.args) == 1 and not node.keywords \
        and isinstance(node.args[0], ast.Name)


def _integer(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, int) \
        and not isinstance(node.value, bool)


def _component(node):
    """``(name or None, offset)`` of an index component ``name + offset`` or a number;
    "slice" for a slice; None for anything else."""
    if isinstance(node, ast.Slice):
        return "slice"
    if _integer(node):
        return None, node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _integer(node.operand):
        return None, -node.operand.value
    if isinstance(node, ast.Name):
        return node.id, 0
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        if isinstance(node.left, ast.Name) and _integer(node.right):
            return node.left.id, node.right.value if isinstance(node.op, ast.Add) \
                else -node.right.value
        if isinstance(node.op, ast.Add) and _integer(node.left) and isinstance(node.right,
                                                                               ast.Name):
            return node.right.id, node.left.value
    return None


def _may_resize(stmt):
    """Whether ``stmt`` may change the length of a list some other name holds too:
    ``y += [...]`` (a list extended in place), a slice assigned (``y[a:b] = [...]``)."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        return True
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, ast.AugAssign) else []
    return any(isinstance(n, ast.Slice) for t in targets for n in ast.walk(t))


class _Prover:
    """The checks that prove every subscript of one function (see the module)."""

    def __init__(self, func, text, runtime, tapes, modules):
        self.func, self.text, self.lines = func, text, text.splitlines()
        self.runtime, self.tapes, self.modules = runtime, tapes, modules
        self.parents = {child: parent for parent in ast.walk(func)
                        for child in ast.iter_child_nodes(parent)}
        self.checks = {}   # (line to insert before, its text) -> None, in order

    def prove(self):
        subscripts = []
        for node in ast.walk(self.func):
            if isinstance(node, _UNSAFE) or isinstance(node, (ast.FunctionDef, ast.ClassDef,
                                                              ast.AsyncFunctionDef)) \
                    and node is not self.func:
                raise _Unproven
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Subscript):
                subscripts.append(node)
        for node in sorted(subscripts, key=lambda n: (n.lineno, n.col_offset)):
            self._subscript(node)   # (in the order of the text: the checks too)
        return list(self.checks)

    def _call(self, call):
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in _BUILTINS or self.runtime.get(func.id) in _HELPERS:
                return
        elif isinstance(func, ast.Attribute):
            root = func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in self.modules:
                if func.attr not in _NUMPY_INDEXING:
                    return
            elif isinstance(func.value, ast.Name) and func.value.id in self.tapes:
                if func.attr in ("push", "pop"):
                    return
            elif func.attr in _METHODS:
                return
        raise _Unproven

    def _subscript(self, sub):
        index = sub.slice
        if isinstance(sub.value, ast.Attribute) and sub.value.attr == "shape" \
                and _component(index) not in (None, "slice") and _component(index)[0] is None:
            return   # a shape's item: numba checks a number's position in a tuple as it types
        if not isinstance(sub.value, ast.Name):
            raise _Unproven
        stmt = self._statement(sub)
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        for axis, part in enumerate(parts):
            found = _component(part)
            if found is None:
                raise _Unproven
            if found == "slice":
                continue
            name, offset = found
            if name is not None:
                self._loop_of(name, stmt)
            self._place(sub.value.id, axis, part, name, offset, stmt)

    def _statement(self, node):
        """The statement evaluating ``node`` at every execution (else _Unproven)."""
        child, parent = node, self.parents[node]
        while not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.IfExp) and child is not parent.test or \
                    isinstance(parent, ast.BoolOp) and child is not parent.values[0]:
                raise _Unproven
            child, parent = parent, self.parents[parent]
        if isinstance(parent, ast.For) and child is parent.iter or \
                isinstance(parent, ast.If) and child is parent.test:
            return parent
        if isinstance(parent, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr,
                               ast.Return)):
            return parent
        raise _Unproven

    def _loop_of(self, name, stmt):
        """The ``for name in range(...)`` loop whose body holds ``stmt`` (else _Unproven)."""
        child, node = stmt, self.parents.get(stmt)
        while node is not None and node is not self.func:
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                if child not in node.body or _range_args(node, self.text) is None or \
                        name in set().union(*(_bound_names(s) for s in node.body + node.orelse)):
                    raise _Unproven
                return node
            child, node = node, self.parents.get(node)
        raise _Unproven

    def _place(self, array, axis, part, name, offset, stmt):
        loop = self.parents.get(stmt)
        if isinstance(loop, ast.For) and stmt in loop.body and self._hoistable(loop, array):
            args = ", ".join(_range_args(loop, self.text))
            if name is not None and name == loop.target.id:
                return self._add(loop, f"check_indexes({array}, {axis}, {offset}, {args})")
            text = ast.get_source_segment(self.text, part)
            return self._add(loop, f"check_index_in_loop({array}, {axis}, {text}, {args})")
        if not isinstance(stmt, (ast.For, ast.If)) and {array, name} & _bound_names(stmt):
            raise _Unproven
        self._add(stmt, f"check_index({array}, {axis}, {ast.get_source_segment(self.text, part)})")

    def _hoistable(self, loop, array):
        """Whether every trip of ``loop`` runs its body's top level with ``array`` unchanged."""
        if _range_args(loop, self.text) is None or array in _bound_names(loop):
            return False
        for node in ast.walk(loop):
            if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) or _may_resize(node):
                return False
            if isinstance(node, (ast.Break, ast.Continue)) and self._owner(node) is loop:
                return False
        return True

    def _owner(self, node):
        child, parent = node, self.parents[node]
        while not (isinstance(parent, (ast.For, ast.While)) and child in parent.body):
            child, parent = parent, self.parents[parent]
        return parent

    def _add(self, stmt, text):
        line = self.lines[stmt.lineno - 1]
        if line[:stmt.col_offset].strip() or line[stmt.col_offset:].startswith("elif"):
            raise _Unproven
        self.checks.setdefault((stmt.lineno, " " * stmt.col_offset + text), None)


def prove(func, text, runtime, tapes, modules):
    """``[(line, check)]``: the checks (indented lines) to write before each line of
    ``func`` (an ``ast.FunctionDef`` of ``text``) so that it may run without numba's
    boundscheck; None when some subscript cannot be proven.  ``runtime``: {name in the
    module: runtime helper}; ``tapes``: the tapes' names; ``modules``: the names of
    numpy and math."""
    try:
        return _Prover(func, text, runtime, tapes, modules).prove()
    except _Unproven:
        return None
