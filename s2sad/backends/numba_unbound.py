"""The numba target's names that may hold no value (``i = UNBOUND`` before a loop that
may run no trip, see ``numba_target``): a flag beside each, a placeholder where numba
must see a value before the loop assigns one; and the pieces both modules share
(``user_line``, ``user_location``, the refusal).  Pure text and ``ast``: no numba, no numpy.
"""

import ast
import linecache
import re

from ..errors import SourceLocation
from .numba_bounds import is_reversed_range

_LINE_COMMENT = re.compile(r"^\s*#\s*(?:grad of |tangent of )?line (\d+)(?: of the generated "
                           r"(\w+))?: ?(.*)$")
NUMPY = "use the numpy backend for this function (backend='numpy'; --target numpy)"


def user_line(lines, lineno):
    """``(line N, its code)`` of the user's source the generated line ``lineno`` (1-based)
    differentiates: the nearest comment above it (None when there is none)."""
    for index in range(min(lineno, len(lines)) - 1, -1, -1):
        found = _LINE_COMMENT.match(lines[index])
        if found:
            return found.group(0).strip().lstrip("# ")
    return None


def user_location(source, where, name):
    """The :class:`SourceLocation` of the user's line ``where`` (``line N: code``, ``grad
    of line N: code``) in the file ``source``, at the name ``name`` in it (at its statement
    where no name is given: a runtime helper stands for no name of the user's); None where
    the file's line N is not that code (a helper of another file, generated code)."""
    found = re.match(r"(?:(?:grad|tangent) of )?line (\d+): (.*)$", where or "")
    if not found or not source:
        return None
    linecache.checkcache(source)   # (a name relative to the directory: another file's
    # lines may be cached under it, from a command run in another directory)
    text = linecache.getline(source, int(found.group(1)))
    if not text.strip() or text.strip() != found.group(2).strip():
        return None
    column = re.search(rf"\b{re.escape(name)}\b", text) if name else None
    start = column.start() if column else len(text) - len(text.lstrip())
    return SourceLocation(source, int(found.group(1)), start + 1, text.rstrip("\n"))


class Refusal(Exception):
    def __init__(self, what, node, hint):
        super().__init__(what)
        self.what, self.node, self.hint = what, node, hint


def assigned(target):
    """The names an assignment target binds (tuple targets too)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for t in target.elts for n in assigned(t)]
    if isinstance(target, ast.Starred):
        return assigned(target.value)
    return []


def _is_none(node):
    return isinstance(node, ast.Constant) and node.value is None


def _is_pop(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "pop" and isinstance(node.func.value, ast.Name) \
        and not node.args and not node.keywords


def _is_unbound(node, unbound):
    return isinstance(node, ast.Name) and node.id in unbound


class Unbound:
    """The flags of the names of one function that may hold no value (see the module)."""

    def __init__(self, func, unbound_name, check_name, lines, taken, zeros_name=None):
        self.func, self.lines, self.taken = func, lines, taken
        self.unbound_name, self.check_name = unbound_name, check_name
        self.zeros_name = zeros_name   # the runtime's zeros_like, as the module names it
        self.starts = []

    def _zero_starts(self, names):
        """``v_dot = zeros_like(v)`` at the function's top level where ``v`` holds no value
        yet (forward mode over a gradient: the tangent of a loop's carried name before the
        loop): ``v_dot`` holds none either (its zero is never read, ``v`` being unset),
        where reading ``v`` there is a read numba finds no value for."""
        stored = {}
        for node in ast.walk(self.func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stored.setdefault(node.id, []).append(node.lineno)
        lines = {s.lineno for s in self.starts}
        found = []
        for stmt in self.func.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Name) \
                    and stmt.value.func.id == self.zeros_name and len(stmt.value.args) == 1 \
                    and not stmt.value.keywords and _is_unbound(stmt.value.args[0], names) \
                    and stmt.lineno < min([line for line in stored[stmt.value.args[0].id]
                                           if line not in lines], default=stmt.lineno + 1):
                found.append(stmt)
        return found

    def rewrite(self, edits):
        func = self.func
        starts = self.starts = [s for s in ast.walk(func) if isinstance(s, ast.Assign)
                                and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                                and _is_unbound(s.value, {self.unbound_name})]
        names = {s.targets[0].id for s in starts}
        copies = [s for s in ast.walk(func) if isinstance(s, ast.Assign) and len(s.targets) == 1
                  and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Name)]
        self._grow(names, copies)
        zero_starts = self._zero_starts(names)
        if zero_starts:
            starts = self.starts = starts + zero_starts
            names |= {s.targets[0].id for s in zero_starts}
            self._grow(names, copies)
        if not names:
            return
        flags = {n: self._fresh(f"{n}_set") for n in sorted(names)}
        checked = {id(s.value.args[0]) for s in zero_starts}
        for node in ast.walk(func):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == self.check_name and node.args \
                    and _is_unbound(node.args[0], names):
                edits.replace(node.args[0], flags[node.args[0].id])
                checked.add(id(node.args[0]))
        early = self._read_before_assigned(names, checked)
        for stmt in ast.walk(func):
            if stmt in starts:
                name = stmt.targets[0].id
                if name in early and not self._counts(name, set()):
                    loop = self._loop_of(name, copies) or stmt
                    where = user_line(self.lines, loop.lineno) or ""
                    mine = " of the generated " not in where and re.search(rf"\b{name}\b",
                                                                            where) \
                        or name in self._checked_names()   # (second order: generated lines)
                    whose = "the name" if mine else "s2sad's own name"
                    raise Refusal(f"{whose} {name!r}, which holds no value until a loop "
                                   f"assigns it, and which the generated code copies before "
                                   f"numba sees it assigned: "
                                   f"numba needs a value of its type there, and s2sad knows "
                                   f"that type only for the count of a range() loop", loop,
                                   NUMPY + (f", or assign {name} a value of its type before "
                                             f"the loop" if mine else
                                             " (not a name of your code: nothing to assign)"))
                text = f"{flags[name]} = False"
                if name in early:   # (numba needs a value: never read while the flag is False)
                    text = f"{name} = 0\n{' ' * stmt.col_offset}{text}"
                edits.replace(stmt, text)
            elif isinstance(stmt, ast.Assign) and stmt in copies \
                    and stmt.targets[0].id in names:
                flag = flags[stmt.targets[0].id]
                source = flags.get(stmt.value.id, "True")
                self._after(edits, stmt, f"{flag} = {source}")
            elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for name in sorted({n for t in targets for n in assigned(t)} & names):
                    self._after(edits, stmt, f"{flags[name]} = True")
            elif isinstance(stmt, ast.For):
                for name in sorted(set(assigned(stmt.target)) & names):
                    first = stmt.body[0]
                    edits.insert(first.lineno, " " * first.col_offset + f"{flags[name]} = True\n")
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Attribute) \
                    and any(_is_unbound(a, names) for a in stmt.value.args):
                raise Refusal("a name that may hold no value saved on the tape", stmt, NUMPY)

    def _checked_names(self):
        """The user's names ``check_bound`` calls name (``check_bound(v, 'v', file, line,
        column)``) where the user's file holds that name at that place (s2sad's own
        values are checked under their names too, in its generated code: ``<s2sad ...>``)."""
        found = set()
        for n in ast.walk(self.func):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) \
                    and n.func.id == self.check_name and len(n.args) >= 5 \
                    and all(isinstance(a, ast.Constant) for a in n.args[1:5]):
                name, filename, line, column = (a.value for a in n.args[1:5])
                if isinstance(line, int) and isinstance(column, int) and isinstance(name, str) \
                        and not str(filename).startswith("<") and re.match(rf"{re.escape(name)}\b", linecache.getline(
                            str(filename), line)[max(column - 1, 0):]):
                    found.add(name)
        return found

    def _loop_of(self, name, copies):
        """The first loop (or statement) whose value flows into ``name`` through copies
        (what assigns it, for a message), or None."""
        sources, grown = {name}, True
        while grown:
            grown = False
            for stmt in copies:
                if stmt.targets[0].id in sources and stmt.value.id not in sources:
                    sources.add(stmt.value.id)
                    grown = True
        found = [s for s in ast.walk(self.func) if isinstance(s, ast.For)
                 and set(assigned(s.target)) & sources or isinstance(s, ast.Assign)
                 and s not in copies and s not in self.starts and not _is_none(s.value)
                 and not _is_pop(s.value) and {n for t in s.targets for n in assigned(t)}
                 & sources]
        return min(found, key=lambda s: s.lineno, default=None)

    @staticmethod
    def _grow(names, copies):
        grown = True
        while grown:   # a copy of a name that may hold no value may hold none
            grown = False
            for stmt in copies:
                if stmt.value.id in names and stmt.targets[0].id not in names:
                    names.add(stmt.targets[0].id)
                    grown = True

    def _read_before_assigned(self, names, checked):
        """The names of ``names`` read (not as ``check_bound``'s flag) on a line before the
        first that assigns them: numba types a function's lines in order, and finds such a
        read of a name not defined (``i_2 = i`` in the branch a ``break`` skips)."""
        first_store, first_load = {}, {}
        for node in ast.walk(self.func):
            if isinstance(node, ast.Name) and node.id in names and id(node) not in checked:
                where = first_load if isinstance(node.ctx, ast.Load) else first_store
                where[node.id] = min(where.get(node.id, node.lineno), node.lineno)
        starts = {s.lineno for s in self.starts}
        for node in ast.walk(self.func):   # (the ``i = UNBOUND`` lines assign nothing)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) \
                    and node.lineno in starts and node.id in first_store:
                later = [n.lineno for n in ast.walk(self.func) if isinstance(n, ast.Name)
                         and n.id == node.id and isinstance(n.ctx, ast.Store)
                         and n.lineno not in starts]
                if later:
                    first_store[node.id] = min(later)
                else:
                    del first_store[node.id]
        return {n for n, line in first_load.items() if line < first_store.get(n, line + 1)}

    def _counts(self, name, seen):
        """Whether every value ``name`` is assigned in the function is a count of a
        ``range()`` loop (an integer), through copies: a placeholder ``0`` has its type."""
        if name in seen:
            return True
        seen.add(name)
        known = set()   # the assignments of ``name`` that give it a count
        for stmt in ast.walk(self.func):
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) \
                    and stmt.target.id == name:
                if not (is_reversed_range(stmt.iter) or isinstance(stmt.iter, ast.Call)
                        and isinstance(stmt.iter.func, ast.Name)
                        and stmt.iter.func.id == "range"):
                    return False
                known.add(id(stmt.target))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name:
                if not (stmt in self.starts or _is_none(stmt.value)   # (``j_2 = None``
                        # before the loop that counts with it: numba's optional of its count)
                        or _is_pop(stmt.value)   # (its own value, the tape pairs by name)
                        or isinstance(stmt.value, ast.Name) and self._counts(stmt.value.id, seen)):
                    return False
                known.add(id(stmt.targets[0]))
        stores = [n for n in ast.walk(self.func) if isinstance(n, ast.Name) and n.id == name
                  and isinstance(n.ctx, ast.Store)]
        return bool(stores) and all(id(n) in known for n in stores)

    def _after(self, edits, stmt, text):
        edits.insert(stmt.end_lineno + 1, " " * stmt.col_offset + text + "\n")

    def _fresh(self, base):
        name, n = base, 1
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name


class _Place:
    def __init__(self, lineno):
        self.lineno = lineno


def unshared_refusal(tree, lines):
    """The refusal of the generated ``ensure_unshared(...)`` call of ``tree`` (a function
    writing into a parameter, checked at each call for arguments sharing its memory, a
    check numba cannot run), naming the parameter and placed at the user's line of its
    first write; None when there is no such call of the form."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "ensure_unshared" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Dict) and node.args[1].keys:
            key, value = node.args[1].keys[0], node.args[1].values[0]
            if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
                return None
            name, line = key.value, value.value
            at = next((i + 1 for i, text in enumerate(lines)
                       if (m := _LINE_COMMENT.match(text)) and m.group(1) == str(line)
                       and not m.group(2)), None)
            return Refusal(f"a write into the parameter {name!r}: s2sad writes into a copy "
                           f"and checks, at each call, that no other argument shares its "
                           f"memory (the runtime helper 'ensure_unshared'), a check on "
                           f"Python objects numba cannot compile", _Place(at) if at else node,
                           NUMPY + f", or write into a new array the function makes "
                                   f"instead of into {name!r}")
    return None
