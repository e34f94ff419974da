"""The numba target: a generated numpy module made into one numba compiles.

Input: the text ``emit`` produces for the numpy backend.  Output: the same readable
text (comments kept) with

* the tape (``tape = Stack()``, ``tape.push(v)``, ``v = tape.pop()``) made one plain list
  per pushed value (``h_tape = []``, ``h_tape.append(h)``, ``h = h_tape.pop()``): numba
  lists hold one type.  A push is paired with its pops by the name pushed and popped
  (``overwritten(x, i)`` with ``x[i] = tape.pop()``), as ``transform.second_order`` pairs
  them; in second-order code, by the gradient line a group of pushes and pops comes from
  (its comment: value then tangent pushed, tangent then value popped);
* the copies of a list made empty (``xs_1 = xs``, carried round a loop) made its one
  name, which numba can type by its appends (``numba_aliases``);
* ``reversed(range(...))`` made a descending ``range``, and an item of a range (``i =
  r[last - index]``: the normalizer's ``reversed()`` of a range object) the number it is
  (``range_item(r, position)``: numba cannot index a range);
* keyword-only parameters made positional (numba compiles none): a helper's (its tangents),
  as each call passes them (``numba_tangents``); the function's, as the wrapper passes them;
* ``x = add_into(x, i, g)`` of a basic index written ``x[i] += g`` (``numba_items``:
  the helper's lazy case is Dask's, which numba never sees);
* a name that may hold no value (``i = UNBOUND`` before a loop that may run no
  trip) given a flag beside it (``i_set = False``, ``i_set = True`` after each
  assignment of it, ``a_set = b_set`` after a copy ``a = b``), which
  ``check_bound`` reads instead of the value: numba has no value for "unbound";
* the runtime helpers imported from ``s2sad.backends.numba_runtime``;
* each function decorated ``@numba.njit(cache=True, boundscheck=True)``, or without
  ``boundscheck`` where every index in it is proven in range, with checks written before
  its loops (``numba_bounds``: numba's boundscheck costs up to 1.8x in indexed loops);
* the user's free values (globals, closure values) made trailing parameters of the function
  (``<name>_njit``; numba would freeze them as constants, and its cache would not see them
  change), with a plain Python ``<name>`` passing them when ``wrapper`` is asked for (the CLI's
  modules, whose wrapper also checks, once per compiled signature, that the code multiplies no
  integers numba would compute differently from Python: ``check_integers``).

Anything it cannot pair or port with certainty, or numba could not compile (``numba_unported``),
raises :class:`NumbaTargetError` naming the construct and the user's line; it never guesses.
Pure text and ``ast``, without numba or numpy (``numba_unported`` asks numba of odd values).
"""

import ast
import os
import re

from ..errors import NumbaTargetError
from .numba_entry import complex_check, entry_check, taken_out, tangent_check_lines, write_entry
from .numba_free import free_reads, helper_values
from .numba_tapes import comment_statement, list_base, split_overwritten, written_index
from .numba_bounds import CHECKS, is_reversed_range, prove, reversed_range
from .numba_tangents import dotted_runtime, none_tangents, positional_keywords
from .numba_aliases import with_list_aliases_merged
from .numba_items import with_item_additions
from .numba_lists import list_forms
from .numba_own import NUMBA_RUNTIME, is_own_module, own_names
from .numba_positions import with_integer_positions
from .numba_presets import dropped_presets, optional_index_refusal
from .numba_unported import refuse_uncompiled
from .numba_unbound import NUMPY as _NUMPY, Refusal as _Refusal, Unbound as \
    _Unbound, unshared_refusal, user_line, user_location  # noqa: F401 (user_line: the API's)

_DECORATOR = "@numba.njit(cache=True, boundscheck=True)"
_DECORATOR_UNCHECKED = "@numba.njit(cache=True)"   # every index proven (numba_bounds)
_CHECKED_BY = "  # indexes checked by the check_index* calls, not by numba"
#: the CLI's modules check the user's globals they took (``emit.with_globals_check``): in the
#: wrapper, which passes them, not in the compiled function
_GLOBALS_CHECK = "check_globals"
_CLOSURE_VALUE = ("closure_value", "taken_code")   # (module level: cli.closures, cli.taken)


def numba_runtime_names():
    """The names ``s2sad.backends.numba_runtime`` provides (its ``__all__``), read from
    its source so that generation needs no numba; empty when it is not there."""
    here = os.path.dirname(__file__)
    for path in (os.path.join(here, "numba_runtime", "__init__.py"),
                 os.path.join(here, "numba_runtime.py")):
        try:
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            break
        except OSError:
            continue
    else:
        return frozenset()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__"
                                                for t in stmt.targets):
            return frozenset(ast.literal_eval(stmt.value))
    return frozenset()


def _push_key(value):
    """The key of a pushed value: its name, ``"x[]"`` for ``overwritten(x, i)``."""
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
            and value.func.id == "overwritten" and value.args \
            and isinstance(value.args[0], ast.Name):
        return f"{value.args[0].id}[]"
    return None


def _pop_key(target):
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        return f"{target.value.id}[]"
    return None


class _Edits:
    """Replacements of spans of the text, applied last first."""

    def __init__(self, lines):
        self.lines = lines
        self.spans = []

    def replace(self, node, text):
        self.spans.append(((node.lineno, node.col_offset),
                           (node.end_lineno, node.end_col_offset), text))

    def insert(self, lineno, text):
        self.spans.append(((lineno, 0), (lineno, 0), text))

    def delete_line(self, lineno):
        self.spans.append(((lineno, 0), (lineno + 1, 0), ""))

    def apply(self):
        text = "".join(self.lines)
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line))
        for start, end, new in sorted(self.spans, key=lambda s: (s[0], s[1]), reverse=True):
            a = starts[start[0] - 1] + start[1]
            b = starts[end[0] - 1] + end[1] if end[0] - 1 < len(starts) else len(text)
            text = text[:a] + new + text[b:]
        return text


#: runtime helpers taking an index second, which they write, save or zero there
_INDEX_HELPERS = frozenset({"overwritten", "zero_at", "add_into", "add_at", "stored_part"})


def _is_ellipsis(node):
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
        {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)} | \
        {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}


def _is_method(node, tape, method):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and isinstance(node.func.value, ast.Name) and node.func.value.id == tape \
        and node.func.attr == method


class _Tape:
    """The tape of one function: each push and pop, keyed, then rewritten."""

    def __init__(self, func, tape, lines, taken):
        self.func, self.tape, self.lines, self.taken = func, tape, lines, taken
        self.ops = []        # (node to rewrite: the call's func, "push"/"pop", key, stmt)
        self.lists = {}      # key -> list name, in order of first use
        self.sizes = {}      # second-order group base -> group size

    def collect(self):
        handled = set()
        for stmt in ast.walk(self.func):
            if isinstance(stmt, ast.FunctionDef) and stmt is not self.func and \
                    any(isinstance(n, ast.Name) and n.id == self.tape for n in ast.walk(stmt)):
                raise _Refusal("the tape used inside a nested function", stmt,
                               "make the nested function a module-level helper")
            if isinstance(stmt, ast.Expr) and _is_method(stmt.value, self.tape, "push") \
                    and len(stmt.value.args) == 1 and not stmt.value.keywords:
                self.ops.append([stmt.value.func, "push", _push_key(stmt.value.args[0]), stmt])
                handled.add(id(stmt.value.func.value))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and _is_method(stmt.value, self.tape, "pop") and not stmt.value.args:
                self.ops.append([stmt.value.func, "pop", _pop_key(stmt.targets[0]), stmt])
                handled.add(id(stmt.value.func.value))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == self.tape:
                handled.add(id(stmt.targets[0]))
        for node in ast.walk(self.func):
            if isinstance(node, ast.Name) and node.id == self.tape and id(node) not in handled:
                raise _Refusal(f"the tape {self.tape!r} used other than by push and pop", node,
                               _NUMPY)
        self.texts = {id(op): written_index(op[3], op[1]) for op in self.ops}
        self._group_second_order()
        self._pair()

    def _group_second_order(self):
        """Second-order code: keys from the gradient line each group comes from."""
        groups = {}
        for op in self.ops:
            found = comment_statement(self.lines, op[3].lineno)
            if found is None:
                continue
            index, stmt = found
            groups.setdefault((index, op[1]), (stmt, []))[1].append(op)
        for (_, kind), (stmt, ops) in groups.items():
            if kind == "push" and isinstance(stmt, ast.Expr) and \
                    _is_method(stmt.value, "tape", "push") and len(stmt.value.args) == 1:
                base = _push_key(stmt.value.args[0])
                order = ops
            elif kind == "pop" and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and _is_method(stmt.value, "tape", "pop"):
                base = _pop_key(stmt.targets[0])
                order = ops[::-1]   # the tangent is popped first
            else:
                raise _Refusal("a tape operation of second-order code whose gradient line "
                               "is not a push or a pop", ops[0][3], _NUMPY)
            if base is None or len(ops) > 2 or self.sizes.setdefault(base, len(ops)) != len(ops):
                raise _Refusal("tape pushes and pops that cannot be paired with certainty",
                               ops[0][3], _NUMPY)
            for position, op in enumerate(order):
                op[2] = base if position == 0 else f"{base} tangent"
                self.texts[id(op)] = written_index(stmt, kind)   # (the gradient line's)

    def _pair(self):
        split_overwritten(self.ops, self.texts)
        pushed = {op[2] for op in self.ops if op[1] == "push"}
        for op in self.ops:
            if op[2] is None:
                raise _Refusal(f"a tape {op[1]} whose value cannot be paired with certainty",
                               op[3], _NUMPY)
            if op[1] == "pop" and op[2] not in pushed:
                raise _Refusal(f"a tape pop of {op[2]!r} with no push of it", op[3],
                               _NUMPY)
        for op in self.ops:
            if op[2] not in self.lists:
                self.lists[op[2]] = self._fresh(op[2])

    def _fresh(self, key):
        base = list_base(key)
        name, n = f"{base}_tape", 1
        while name in self.taken:
            name, n = f"{base}_tape_{n}", n + 1
        self.taken.add(name)
        return name

    def rewrite(self, edits, creation):
        indent = " " * creation.col_offset
        lists = "\n".join(f"{indent}{name} = []" for name in self.lists.values())
        edits.replace(creation, lists.lstrip() if lists else "pass")
        for call_func, kind, key, _ in self.ops:
            edits.replace(call_func, f"{self.lists[key]}.{'append' if kind == 'push' else 'pop'}")


def _helper_import(names):
    line = f"from {NUMBA_RUNTIME} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    body = ",\n".join(f"    {n}" for n in names)
    return f"from {NUMBA_RUNTIME} import (\n{body},\n)"


class _Target:
    def __init__(self, text, function_name, user_names, helpers, wrapper, reads=(),
                 entry=None):
        self.entry = entry   # (a list: the name of the entry check written, see to_numba)
        self.text = text
        self.reads = list(reads)   # (name, "module.attr"): the dotted reads made names
        self.lines = text.splitlines(keepends=True)
        self.tree = ast.parse(text)
        self.function_name = function_name
        self.user_names = [n for n in user_names]
        self.helpers = numba_runtime_names() if helpers is None else frozenset(helpers)
        self.wrapper = wrapper
        self.edits = _Edits(self.lines)
        self.taken = _names(self.tree)
        self.checks = set()      # the index checks the functions call
        self.helpers_used = set()   # numba runtime helpers the target's rewrites call
        self.unchecked = set()   # the functions compiled without boundscheck
        self.checked = set()     # those of them that call index checks

    def run(self):
        runtime, statements = self._runtime()
        functions = [s for s in self.tree.body if isinstance(s, ast.FunctionDef)]
        for func in functions:
            self._function(func, runtime)
        first = next((s for s in self.tree.body if isinstance(s, (ast.Import, ast.ImportFrom))),
                     None)
        helpers = self._imports(runtime, statements, first)
        self._user_values(functions)
        self.edits.insert(first.lineno if first else self.tree.body[0].lineno,
                          "import numba\n" if first else f"import numba\n{helpers}\n\n")
        text = with_integer_positions(self.edits.apply(), self.taken, _helper_import)
        found = optional_index_refusal(text, _INDEX_HELPERS | {n for n, o in runtime.items()
                                              if o in _INDEX_HELPERS})
        if found is not None:
            raise found
        return text

    def _runtime(self):
        """The runtime helpers imported ({name: the helper's name}) and the statements
        importing them; a helper the numba runtime does not provide is refused."""
        runtime, statements = {}, []
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ImportFrom) and is_own_module(stmt.module):
                statements.append(stmt)   # (s2sad.runtime's, or a submodule's of it)
                for alias in stmt.names:
                    runtime[alias.asname or alias.name] = alias.name
        missing = sorted(n for n in runtime.values()
                         if n not in ("Stack", "UNBOUND", _GLOBALS_CHECK, *_CLOSURE_VALUE)
                         and n not in self.helpers)
        moved = ({"ensure_unshared"} if self._entry_check() is not None else set()) | (
            {"as_tangent"} if self.wrapper else set())   # (run by the wrapper: _moved_checks)
        missing = [n for n in missing if n not in moved]
        if missing:
            found = unshared_refusal(self.tree, self.lines) \
                if missing[0] == "ensure_unshared" else None
            if found is not None:
                raise found
            use = self._first_use(missing[0])
            raise _Refusal(f"the runtime helper {missing[0]!r}, which the numba runtime does "
                           f"not provide", use,
                           _NUMPY + " until s2sad.backends.numba_runtime provides it")
        return runtime, statements

    def _entry_check(self):
        """The ``ensure_unshared(...)`` statement a wrapper (the CLI's modules) or the
        caller asking for it (``entry``) runs before the compiled code (``numba_entry``),
        or None."""
        if not self.wrapper and self.entry is None:
            return None
        return entry_check(self.tree, self.function_name)

    def _wrapper_helpers(self):
        """The helpers a wrapper calls: ``written_back`` too where the function writes
        into an argument (a float32 array widened is a copy: see that helper)."""
        return {"check_integers", "float64_arguments", "refuse_complex_arguments",
                "run_compiled"} | (
            {"written_back"} if self._entry_check() is not None else set())

    def _imports(self, runtime, statements, first):
        """The imports rewritten to the numba runtime (and its index checks); in a module
        that imports nothing, the import to write after numba's (returned)."""
        names = sorted({n for n in runtime.values() if n not in ("Stack", "UNBOUND")}
                       | (self._wrapper_helpers() if self.wrapper else set()) | self.checks
                       | self.helpers_used)
        if not statements and names and not first:
            return _helper_import(names) + "\n"
        if not statements and names:   # (the wrapper's check_integers, index checks)
            self.edits.insert(first.end_lineno + 1, _helper_import(names) + "\n")
        for index, stmt in enumerate(statements):
            if index == 0 and names:
                self.edits.replace(stmt, _helper_import(names))
            else:
                for line in range(stmt.lineno, stmt.end_lineno + 1):
                    self.edits.delete_line(line)
        return ""

    def _first_use(self, name):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id == name:
                return node
        return None

    def _function(self, func, runtime):
        if func.args.vararg or func.args.kwarg or func.args.kwonlyargs \
                and func.name != self.function_name:   # (the main one's: by position)
            raise _Refusal(f"the generated function {func.name!r}, which takes *args, "
                           f"**kwargs or keyword-only parameters numba cannot compile and "
                           f"that cannot be passed by position at each of its calls here "
                           f"(s2sad's own code, not yours)", func, _NUMPY)
        tapes = []
        for stmt in ast.walk(func):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Name) \
                    and runtime.get(stmt.value.func.id) == "Stack" and not stmt.value.args:
                tapes.append(stmt)
        for name, original in runtime.items():
            if original == "Stack":
                for node in ast.walk(func):
                    if isinstance(node, ast.Name) and node.id == name and \
                            not any(node is t.value.func for t in tapes):
                        raise _Refusal("a tape made other than once per function", node,
                                       _NUMPY)
        unbound = [n for n, original in runtime.items() if original == "UNBOUND"]
        if unbound:
            check = next((n for n, o in runtime.items() if o == "check_bound"), "check_bound")
            zeros = next((n for n, o in runtime.items() if o == "zeros_like"), None)
            _Unbound(func, unbound[0], check, self.lines, self.taken, zeros).rewrite(self.edits)
        none_tangents(func, self.edits)
        dropped_presets(func, self.edits)   # (the others: optional_index_refusal)
        self.helpers_used |= dotted_runtime(self.tree, func, runtime, self.helpers, self.taken,
                                            self.edits)
        self._bounds(func, runtime, [t.targets[0].id for t in tapes])
        self._range_items(func)
        self.helpers_used |= list_forms(func, self.tree, runtime, self.edits, self.taken)
        for creation in tapes:
            tape = _Tape(func, creation.targets[0].id, self.lines, self.taken)
            tape.collect()
            tape.rewrite(self.edits, creation)
        for node in ast.walk(func):
            # a write through ``...`` (numba takes no bare Ellipsis index): through ``()``,
            # the same elements at every rank; also the index a helper writes or saves at.
            # (a read x[...] stays: of a 0-d x, numpy's is a view, numba's x[()] a number)
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) \
                    and _is_ellipsis(node.slice):
                self.edits.replace(node.slice, "()")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and runtime.get(node.func.id) in _INDEX_HELPERS and len(node.args) >= 2 \
                    and _is_ellipsis(node.args[1]):
                self.edits.replace(node.args[1], "()")
        handled = set()
        for node in ast.walk(func):
            if is_reversed_range(node):
                handled.add(id(node.func))
                new = reversed_range(node, self.text)
                if new is None:
                    raise _Refusal("reversed(range(...)) with a step that is not a number",
                                   node, _NUMPY)
                self.edits.replace(node, new)
            elif isinstance(node, ast.Name) and node.id == "reversed" and id(node) not in handled:
                raise _Refusal("reversed() of other than a range", node,
                               _NUMPY)

    def _range_items(self, func):
        """``r[position]`` of a ``r = range(...)`` (the normalizer's ``reversed()`` of a
        range: ``i = r[last - index]``) made ``range_item(r, position)``: numba cannot
        index a range (the helper computes ``r.start + position * r.step``)."""
        ranges = set()
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Name) and node.value.func.id == "range":
                ranges.add(node.targets[0].id)
        for name in sorted(ranges) if "range_item" not in self.taken else ():
            stores = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name
                      and not isinstance(n.ctx, ast.Load)]
            if len(stores) != 1:
                continue   # (bound to other values too: numba's error names it)
            for item in ast.walk(func):
                if isinstance(item, ast.Subscript) and isinstance(item.value, ast.Name) \
                        and item.value.id == name and isinstance(item.ctx, ast.Load) \
                        and not isinstance(item.slice, (ast.Slice, ast.Tuple)):
                    position = ast.get_source_segment(self.text, item.slice)
                    self.edits.replace(item, f"range_item({name}, {position})")
                    self.helpers_used.add("range_item")

    def _bounds(self, func, runtime, tapes):
        """``func`` without numba's boundscheck where its indexes are proven (checks
        written before its loops: ``numba_bounds``)."""
        if set(CHECKS) & self.taken:
            return
        modules = {a.asname or a.name for s in self.tree.body if isinstance(s, ast.Import)
                   for a in s.names if a.name in ("numpy", "math", "cmath")}
        checks = prove(func, self.text, runtime, set(tapes), modules)
        if checks is None:
            return
        for lineno, text in reversed(checks):   # (inserted at one line: last first)
            self.edits.insert(lineno, text + "\n")
            self.checks.add(text.strip().split("(")[0])
            self.checked.add(func.name)
        self.unchecked.add(func.name)

    def _user_values(self, functions):
        """The user's free values: trailing parameters of ``<name>_njit``; their
        binding lines kept only for the wrapper."""
        names = [n for n in self.user_names] + [n for n, _ in self.reads]
        main = next(f for f in functions if f.name == self.function_name)
        helper_values(self.edits, self.lines, functions, main, names)
        for func in functions:
            decorator = _DECORATOR if func.name not in self.unchecked else \
                _DECORATOR_UNCHECKED + (_CHECKED_BY if func.name in self.checked else "")
            self.edits.insert(func.lineno, decorator + "\n")
        if not self.wrapper and self._entry_check() is not None:
            self.entry.append(write_entry(self.edits, self.lines, self._entry_check(), main,
                                          names, self.taken))
        if not self.wrapper:
            self._drop_bindings(self.user_names)
        params = [a.arg for a in main.args.posonlyargs + main.args.args + main.args.kwonlyargs]
        njit = f"{main.name}_njit" if names or self.wrapper else main.name
        head = self.lines[main.lineno - 1]
        if not head.rstrip().endswith("):"):
            raise _Refusal("a generated signature over several lines", main, _NUMPY)
        signature = head[head.index("(") + 1:head.rindex(")")]
        if njit == main.name and not main.args.kwonlyargs:
            return
        check = self._moved_checks(main)
        self.edits.spans.append(((main.lineno, 0), (main.lineno, len(head.rstrip("\n"))),
                                 f"def {njit}({', '.join(params + names)}):"))
        if self.wrapper:   # (the API checks the compiled code's integers itself)
            call = ", ".join(params + self.user_names + [e for _, e in self.reads])
            widen = f"    result = run_compiled({njit}, float64_arguments({call}), __file__)\n"
            if self._entry_check() is not None:   # (the arrays it writes into: written back)
                given = _fresh("given", set(params) | set(self.user_names)
                               | {main.name, njit, "result"})
                widen = (f"    {given} = float64_arguments({call})\n"
                         f"    result = run_compiled({njit}, {given}, __file__)\n"
                         f"    written_back({_tuple_text(params)}, {given})\n")
            text = (f"\n\ndef {main.name}({signature}):\n{check}"
                    f"{complex_check(self.text, main.name, params) if params else ''}{widen}"
                    f"    check_integers({njit}, __file__)\n"
                    f"    return result\n")
            self.edits.spans.append(((len(self.lines) + 1, 0), (len(self.lines) + 1, 0), text))

    def _globals_check(self, main):
        """The line of ``main`` checking the user's globals (``check_globals(...)``), taken
        out of it for the wrapper; "" where there is none."""
        first = main.body[0]
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
                and isinstance(first.value.func, ast.Name)
                and first.value.func.id.startswith(_GLOBALS_CHECK)):
            return ""
        if not self.wrapper:
            raise _Refusal("a check of the module's globals without a wrapper to run it", first,
                           _NUMPY)
        text = self.lines[first.lineno - 1]
        self.edits.delete_line(first.lineno)
        return text

    def _moved_checks(self, main):
        """The lines the wrapper runs before the compiled code, taken out of ``main``:
        the check of the user's globals, then that of the arguments a function writing
        into one shares (``_entry_check``), then the tangents' (``tangent_check_lines``)."""
        text = self._globals_check(main)
        entry = self._entry_check() if self.wrapper else None
        if entry is not None:
            text += taken_out(self.edits, self.lines, entry.lineno, entry.end_lineno)
        tangents = tangent_check_lines(self.lines, main) if self.wrapper else None
        return text + (taken_out(self.edits, self.lines, *tangents) if tangents else "")

    def _drop_bindings(self, names):
        for stmt in self.tree.body:
            bound = None
            if isinstance(stmt, ast.Assign):
                bound = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            elif isinstance(stmt, ast.ImportFrom) and not is_own_module(stmt.module):
                bound = [a.asname or a.name for a in stmt.names]
            if bound and set(bound) <= set(names):
                for line in range(stmt.lineno, stmt.end_lineno + 1):
                    self.edits.delete_line(line)
        for index, line in enumerate(self.lines):
            found = re.match(r"# (\w+): \w+ object supplied by the caller$", line.strip())
            if found and found.group(1) in names:
                self.edits.delete_line(index + 1)


def to_numba(text, function_name, user_names=(), helpers=None, wrapper=False, source="",
             reads=None, namespace=None, entry=None):
    """The numba module for the generated numpy module ``text`` (see the module doc).

    ``user_names``: the names the module binds to the user's values (they become trailing
    parameters of ``<function_name>_njit``); ``helpers``: the names the numba runtime provides
    (default: its ``__all__``); ``wrapper``: also write a plain ``<function_name>`` passing
    those values (the CLI's modules); ``source``: the user's file, for messages; ``reads`` (a
    list), when given, gets ``(name, "module.attr")`` of each dotted read of a user's module
    made a trailing parameter after the ``user_names`` (``numba_free``): the caller passes its
    value; ``namespace``: the objects the module's names are bound to (where a module ends in
    ``pkg.mod.W``; their values are checked, ``numba_unported``); ``entry`` (a list), when given
    without ``wrapper``, gets the name of the plain Python function the module then holds for a
    function writing into a parameter (the check, at each call, of arguments sharing its memory,
    which numba cannot compile): the caller runs it before the compiled function, with the same
    arguments; without ``entry`` such a function is refused.
    """
    text = positional_keywords(with_list_aliases_merged(with_item_additions(text)),
                               function_name)
    own = own_names(text)   # (s2sad's helpers: ported, or refused at their first use)
    user_names = [n for n in user_names if n not in own]
    text, found = free_reads(text, user_names, namespace)
    if reads is not None:
        reads.extend(found)
    target = _Target(text, function_name, user_names, helpers, wrapper, found,
                     None if wrapper else entry)
    try:
        refuse_uncompiled(target.tree, list(user_names), found, namespace)   # (numba_unported)
        return target.run()
    except _Refusal as refusal:
        lineno = getattr(refusal.node, "lineno", None)
        where = user_line(getattr(refusal, "lines", target.lines), lineno) if lineno else None
        location = user_location(source, where, getattr(refusal, "column_of", None))
        if location is not None:
            place = ""   # (the error's location says it)
        else:
            place = f" ({source}, {where})" if where and source else \
                f" ({where})" if where else ""
        raise NumbaTargetError(f"the numba target cannot take {refusal.what}{place}",
                               location=location, hint=refusal.hint) from None


def _tuple_text(names):
    """``(a, b)``, ``(a,)`` or ``()``."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def _fresh(name, taken):
    """``name``, or the first ``name_<n>`` not in ``taken``."""
    return next(n for n in (f"{name}_{i}" if i else name for i in range(len(taken) + 1))
                if n not in taken)


def njit_name(function_name, user_names, wrapper=False, reads=()):
    """The name of the njit function ``to_numba`` writes for ``function_name``."""
    return f"{function_name}_njit" if user_names or reads or wrapper else function_name
