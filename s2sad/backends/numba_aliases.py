"""The numba target's one name per list built from empty: the copies generated code makes
of a list (``xs_1 = xs``, ``xs_2 = xs_1`` then ``xs_1 = xs_2`` each trip, every name the
one list appended to in place) written as the list's first name.

numba types an empty list (``xs = []``) by what is appended to it, but not through a copy
carried around a loop: ``xs_1 = xs_2`` at a loop's end leaves it "list(undefined)", and
the function does not compile.  Where a list is made empty once, at the top of the
function, and every other name of it is bound only to a copy of one of its names (or to
``list_push(name, v)`` of forward code, which appends in place and returns the list),
those names always hold that one list: each read of them is made a read of the first
name, each copy is dropped and each ``list_push`` written ``xs.append(v)``.  A tangent
list made as the zeros of such a list before anything is appended to it
(``xs_dot = zeros_like(xs)`` right after ``xs = []``) is an empty list too.
Pure text and ``ast``: it imports neither numba nor numpy.
"""

import ast

from .numba_items import RUNTIMES


def with_list_aliases_merged(text):
    """``text`` with the names of each list made empty merged (see the module)."""
    tree = ast.parse(text)
    helpers = {a.asname or a.name: a.name for s in tree.body if isinstance(s, ast.ImportFrom)
               and s.module in RUNTIMES for a in s.names}
    lines = text.splitlines(keepends=True)
    spans = []
    for func in tree.body:
        if isinstance(func, ast.FunctionDef):
            spans.extend(_Merge(func, helpers, lines).spans())
    for start, end, new in sorted(spans, reverse=True):
        if end[1] == 0 and start[1] == 0 and not new:   # (a whole line dropped)
            del lines[start[0] - 1:end[0] - 1]
            continue
        first, last = lines[start[0] - 1], lines[end[0] - 1]
        lines[start[0] - 1:end[0]] = [first[:start[1]] + new + last[end[1]:]]
    return "".join(lines)


class _Merge:
    """The lists made empty in one function, and the edits merging their names."""

    def __init__(self, func, helpers, lines):
        self.func, self.helpers, self.lines = func, helpers, lines
        self.bindings = {}   # name -> its binding statements (None: another kind of store)
        targets = set()
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name):
                self.bindings.setdefault(node.targets[0].id, []).append(node)
                targets.add(id(node.targets[0]))
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) \
                    and id(node) not in targets:
                self.bindings.setdefault(node.id, []).append(None)
            elif isinstance(node, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
                                   ast.SetComp, ast.DictComp, ast.GeneratorExp)) \
                    and node is not func or isinstance(node, ast.arg):
                for inner in ast.walk(node):   # (names of a nested scope: never merged)
                    name = inner.id if isinstance(inner, ast.Name) else \
                        inner.arg if isinstance(inner, ast.arg) else None
                    if name is not None:
                        self.bindings.setdefault(name, []).append(None)
        self.root = {}      # name -> the name of the creation of its list
        self.made = {}      # name -> its creation statement
        self.zeros = []     # the zeros_like(...) creations, written []

    def _source(self, stmt):
        """The name whose list ``stmt`` binds its target to: a copy's or a push's."""
        value = stmt.value
        if isinstance(value, ast.Name):
            return value.id
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                and self.helpers.get(value.func.id) == "list_push" and len(value.args) == 2 \
                and not value.keywords and isinstance(value.args[0], ast.Name):
            return value.args[0].id
        return None

    def _creations(self):
        """The creations ``xs = []`` (or ``zeros_like`` of an empty list) at the
        function's top level, on one line, their name's only binding but copies."""
        for index, stmt in enumerate(self.func.body):
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name)
                    and stmt.lineno == stmt.end_lineno):
                continue
            name, value = stmt.targets[0].id, stmt.value
            if isinstance(value, ast.List) and not value.elts or self._empty_zeros(value, index):
                if name not in self.made:
                    self.made[name] = stmt
                    if not isinstance(value, ast.List):
                        self.zeros.append((name, value))
                    self._grow()

    def _empty_zeros(self, value, index):
        """Whether ``value`` is ``zeros_like(m)`` of a list made empty above whose names,
        up to here, are only made and copied (nothing appended yet)."""
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and self.helpers.get(value.func.id) == "zeros_like" and len(value.args) == 1
                and isinstance(value.args[0], ast.Name) and not value.keywords
                and value.args[0].id in self.root):
            return False
        made = {id(s) for s in self.made.values()}
        for stmt in self.func.body[:index]:
            copy = isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name)
            if not (copy or id(stmt) in made) and any(
                    isinstance(n, ast.Name) and n.id in self.root for n in ast.walk(stmt)):
                return False
        return True

    def _grow(self):
        """The names of each creation's list: a name each of whose bindings (but its
        creation) takes the list of another such name, by a copy or a push, joins the
        names it takes from; a group holding one creation is that list's."""
        sources = {}
        for name, bound in self.bindings.items():
            rest = [b for b in bound if b is not self.made.get(name)]
            if None not in rest and all(b.lineno == b.end_lineno and self._source(b)
                                        for b in rest):
                sources[name] = [self._source(b) for b in rest]
        changed = True
        while changed:
            changed = False
            for name in list(sources):
                if any(s not in sources for s in sources[name]) \
                        or not sources[name] and name not in self.made:
                    del sources[name]
                    changed = True
        group = {name: name for name in sources}

        def find(name):
            while group[name] != name:
                name = group[name]
            return name
        for name, taken in sources.items():
            for source in taken:
                group[find(name)] = find(source)
        made = {}
        for name in sources:
            if name in self.made:
                made.setdefault(find(name), []).append(name)
        self.root = {n: made[find(n)][0] for n in sources if len(made.get(find(n), ())) == 1}

    def spans(self):
        self._creations()
        self._grow()
        self.zeros = [v for n, v in self.zeros if n in self.root and v.args[0].id in self.root]
        edited, spans = set(), []
        text = "".join(self.lines)
        members = set(self.root)
        for name, root in self.root.items():
            for stmt in self.bindings[name]:
                if stmt is self.made.get(name):
                    continue
                edited.add(id(stmt))
                if isinstance(stmt.value, ast.Name):
                    continue   # (a copy: dropped below)
                item = stmt.value.args[1]
                if any(isinstance(n, ast.Name) and n.id in members for n in ast.walk(item)):
                    return []   # (appending the list to itself: left as is)
                spans.append(((stmt.lineno, stmt.col_offset),
                              (stmt.end_lineno, stmt.end_col_offset),
                              f"{root}.append({ast.get_source_segment(text, item)})"))
        if not edited and not self.zeros:
            return []
        for value in self.zeros:
            spans.append(((value.lineno, value.col_offset),
                          (value.end_lineno, value.end_col_offset), "[]"))
        lines_edited = {s.lineno for s in ast.walk(self.func) if id(s) in edited}
        for node in ast.walk(self.func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                    and node.id in members and self.root[node.id] != node.id \
                    and node.lineno not in lines_edited \
                    and not any(node is v.args[0] for v in self.zeros):
                spans.append(((node.lineno, node.col_offset),
                              (node.end_lineno, node.end_col_offset), self.root[node.id]))
        for body in self._bodies():
            kept = [s for s in body if id(s) not in edited or not isinstance(s.value, ast.Name)]
            for stmt in body:
                if id(stmt) in edited and isinstance(stmt.value, ast.Name):
                    if not kept and stmt is body[0]:
                        spans.append(((stmt.lineno, stmt.col_offset),
                                      (stmt.end_lineno, stmt.end_col_offset), "pass"))
                    else:
                        spans.append(((stmt.lineno, 0), (stmt.lineno + 1, 0), ""))
        return spans

    def _bodies(self):
        for node in ast.walk(self.func):
            for field in ("body", "orelse", "finalbody"):
                body = getattr(node, field, None)
                if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                    yield body
