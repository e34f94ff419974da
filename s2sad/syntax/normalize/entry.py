"""What a function does before its first statement, and the checks made before the walk.

:class:`ArgumentCopies` (the normalizer's collaborator, ``self.entry``) copies the
arguments the function writes into (an array by ``copy_of``, ``x.copy()``, a list it changes
by ``copy_container``), binds their names to the copies, and adds to the entry
checks the run-time refusal of another argument or global sharing their memory
(``ensure_unshared``).  It has no state of its own; of the walk (``walk``, the
normalizer) it reads ``parsed``, ``params``, ``locals``, ``function_name``,
``param_sequences``, ``aliases``, ``lists`` and ``dict_writes``, calls ``emit``,
``scope.new_version``, ``module_names.use_numpy`` and ``module_names.use_global``,
and adds to ``env``, ``defined``, ``helpers`` and ``entry_checks``.

:func:`written_parameters` and :func:`check_local_functions` read only the tree.
"""

import inspect

import gast

from ...rules import identity, registry
from .. import anno, nodes, printer
from ..parse import is_user_function
from .lists import closed_under_copies, list_extensions, list_mutation, mutated_lists
from .paramviews import views_of_parameters


def written_parameters(fn, params, dict_roots, line_of, walked=None, dicts=(), fresh=None,
                       sequences=()):
    """``(first_lines, dict_lines, written)`` for the function tree ``fn``: the
    parameters written into as arrays (by item, or updated by ``x op= ...``) and as
    dicts (by item, ``dict_roots``: the names whose dicts it writes items into, or
    by ``d.update(...)`` and ``d |= ...`` on a name of ``dicts``, those known to hold
    a dict), each with the line of its first write (``line_of(node)``), and the names
    written by item that are not dicts, sorted.  A parameter written both ways is an
    array's.  ``walked``: ``nodes.walk(fn)``; ``fresh``, ``sequences``: see the callees."""
    first_lines, dict_lines, updated_lines = {}, {}, {}
    walked = walked or nodes.walk(fn)
    rebound = _freshly_rebound(fn, params, fresh)
    # a name for a parameter or a view of it (pw = x, pw = x[1:], pw = x.T): a write
    # into an item through it writes into the argument, copied as for x[i] = v
    through = {}
    views = views_of_parameters(params, walked, rebound, sequences) if params else {}
    for t in list(nodes.of_class(walked, gast.Subscript)) + list(
            nodes.of_class(walked, gast.AugAssign)) if views else ():
        target = t.target if isinstance(t, gast.AugAssign) else t
        if isinstance(target, gast.Subscript) and isinstance(target.ctx, gast.Store) \
                and isinstance(target.value, gast.Name) and target.value.id in views:
            root, line = views[target.value.id], line_of(t)
            if target.value.id in dict_roots and root in dicts:   # e = d; e["k"] = v
                dict_lines[root] = min(line, dict_lines.get(root, line))
            elif root not in dict_roots:
                through[root] = min(line, through.get(root, line))
        elif t.__class__ is gast.AugAssign and target.__class__ is gast.Name \
                and target.id in views and views[target.id] not in dicts:
            # v op= ... on a view made while d held the argument (v = d[:]; d = np.tanh(d))
            root, line = views[target.id], line_of(t)
            updated_lines[root] = min(line, updated_lines.get(root, line))
    written = set()

    def note(lines, user, t):
        line = line_of(t)
        lines[user] = min(line, lines.get(user, line))

    # (the nodes of each class looked at: gast's classes have no subclasses; what is
    # noted is the first line of each, whatever the order)
    for t in nodes.of_class(walked, gast.Subscript):
        if t.ctx.__class__ is not gast.Store:
            continue
        value = t.value
        if value.__class__ is gast.Name:
            if id(t) in rebound.get(value.id, ()):
                continue   # a write into the new array, not the argument
            written.add(value.id)
            if value.id in params:
                note(dict_lines if value.id in dict_roots else first_lines, value.id, t)
        elif value.__class__ is gast.Subscript:   # d[a][b] = v on a parameter d
            root = value
            while isinstance(root, gast.Subscript):
                root = root.value
            if isinstance(root, gast.Name) and root.id in params and root.id in dict_roots:
                note(dict_lines, root.id, t)
    for t in nodes.of_class(walked, gast.Call):   # d.update(...) on a dict parameter
        if isinstance(t.func, gast.Attribute) and t.func.attr == "update":
            owner = t.func.value
            if isinstance(owner, gast.Name) and owner.id in params and owner.id in dicts:
                note(dict_lines, owner.id, t)
    for t in nodes.of_class(walked, gast.AugAssign):
        target, merge = t.target, isinstance(t.op, gast.BitOr)
        if not isinstance(target, gast.Name) or target.id not in params:
            continue
        if merge and target.id in dicts:   # d |= ... on a dict parameter
            note(dict_lines, target.id, t)
        # 'x op= ...' on an argument: computed into a new value (the caller's array
        # stays as it is, as with the copies), so the other arguments and the
        # module's arrays sharing its memory would not see the update either
        if id(t) not in rebound.get(target.id, ()) and not (merge and target.id in dicts):
            note(updated_lines, target.id, t)
    for user in sorted(dict_lines):
        if user in first_lines:   # written as a dict and as an array: not one kind
            dict_lines.pop(user)
    written = sorted((written - set(dict_lines)) | set(through))
    for root, line in through.items():
        first_lines[root] = min(line, first_lines.get(root, line))
    for user, line in updated_lines.items():
        first_lines[user] = min(line, first_lines.get(user, line))
    return first_lines, dict_lines, written


def _ufunc_writes(walked, params, rebound_of, ufunc_write):
    """``(parameter, call)`` for each ``np.add.at(parameter, i, v)`` among the nodes
    ``walked`` (``ufunc_write(call)`` says which calls are ufunc writes) that writes into
    the argument, not a new array the name was rebound to (``rebound_of()``, asked where
    there is such a call: see :func:`_freshly_rebound`)."""
    rebound = None
    for t in nodes.of_class(walked, gast.Call):
        if t.func.__class__ is gast.Attribute and t.func.attr == "at" and t.args \
                and t.args[0].__class__ is gast.Name and t.args[0].id in params \
                and ufunc_write(t):
            rebound = rebound_of() if rebound is None else rebound
            if id(t) not in rebound.get(t.args[0].id, ()):
                yield t.args[0].id, t


def _freshly_rebound(fn, params, fresh=None):
    """``{parameter: ids of nodes}``: the nodes of the statements after the first
    statement of the body (not in a branch or a loop) that binds the parameter to the
    result of an operator (``d = d * 1.0``, a new value) or of a call ``fresh`` says
    makes a new array (``d = np.tanh(d)``, ``np.copy(d)``, ``d.copy()``): there the name
    no longer holds the argument, and a write into it writes into no argument."""
    rebound = {}
    for k, stmt in enumerate(fn.body):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in params \
                and stmt.targets[0].id not in rebound \
                and (isinstance(stmt.value, (gast.BinOp, gast.UnaryOp))
                     or fresh is not None and stmt.value.__class__ is gast.Call
                     and fresh(stmt.value)):
            rebound[stmt.targets[0].id] = {id(n) for later in fn.body[k + 1:]
                                           for n in nodes.walk(later)}
    return rebound


class ArgumentCopies:
    """The copies of written arguments and their entry checks (see the module
    docstring)."""

    def __init__(self, walk):
        self.walk = walk

    def copy_written_arguments(self):
        """Arguments the function writes into are copied once, at the start (an
        item write into a dict makes a new dict: the caller's dict needs no copy),
        after the entry checks that no other argument or global shares their memory
        (see ``ensure_unshared``)."""
        walk = self.walk
        fn, params = walk.parsed.node, walk.params
        roots = walk.dict_writes.dict_roots(fn.body)
        walked = walk.walked   # (every check below reads the whole tree, unchanged)
        first_lines, dict_lines, written = written_parameters(
            fn, params, roots, lambda t: walk.parsed.location(t).line, walked,
            walk.dict_writes.dict_names() | walk.dict_writes.param_dicts, self.new_array,
            set(walk.param_sequences))
        # np.add.at(x, i, v) on a parameter writes into it as x[i] += v does
        for user, t in _ufunc_writes(walked, params, lambda: _freshly_rebound(
                fn, params, self.new_array), self.ufunc_write):
            line = walk.parsed.location(t).line
            first_lines[user] = min(line, first_lines.get(user, line))
            written = sorted(set(written) | {user})
        outside = self.outside_values() if dict_lines else []
        defaults = self.written_defaults(dict_lines)
        if dict_lines and (len(params) > 1 or outside or defaults):
            self.check_unshared_on_entry({}, outside, dicts=dict_lines, defaults=defaults)
        # a list the function changes by a method (xs.append(v)...), or through a name
        # holding it (b = xs; b.append(v)): copied too (shallowly), the caller's list
        # stays as it is
        tuples = walk.lists.tuple_params
        changed = mutated_lists(fn, walked=walked) & set(params) - tuples
        # b = a; b += [w] on a list argument (known from the arguments): b.extend([w])
        # (looked for only where an argument is known to be a list: else nothing joins)
        list_params = {p for p in params if walk.param_sequences.get(p) == "list"}
        if list_params:
            changed |= mutated_lists(fn, list_extensions(fn, walked), walked) & list_params
        written = [u for u in written if u not in tuples]
        # and a list parameter written by item (xs[i] = v: list_set on the copy)
        changed |= {user for user in written if user in walk.aliases.list_values}
        for t in walked if changed else ():
            if t.__class__ is gast.Call and list_mutation(t) and t.func.value.id in changed:
                line = walk.parsed.location(t).line
                first_lines[t.func.value.id] = min(line, first_lines.get(t.func.value.id, line))
        # an argument passed to a function that writes into it (see .functionalize): the
        # call returns the new value, the caller's value is copied all the same
        dicts = walk.dict_writes.dict_names() | set(walk.dict_writes.param_dicts)
        passed_dicts = {}
        for user, kind in walk.writing.scan.passed(walk.parsed.func).items():
            if user in tuples:
                continue
            if user in dicts and user not in first_lines:   # a dict: copied as a container
                passed_dicts[user] = self.first_write(user)
                changed.add(user)
                continue
            first_lines.setdefault(user, self.first_write(user))
            if kind == "list" or user in walk.aliases.list_values:
                changed.add(user)
            elif user not in written:
                written.append(user)
        outside = self.outside_values() if first_lines or passed_dicts else []
        # (a default changed through another name holding it, h = hist; h.append(v), too)
        defaults = self.written_defaults(dict(_changes_through_names(
            walked, (changed | dicts) & set(params), lambda t: walk.parsed.location(t).line),
            **first_lines))
        if (first_lines or passed_dicts or defaults) \
                and (len(params) > 1 or outside or defaults):
            # the copies below are what the function writes into, so an argument (or a
            # global or closure value the function reads) that shares memory with one
            # of them would not see the writes Python's call makes it see: refused when
            # the code runs (nothing runs when no argument is written); so is a call
            # leaving such a parameter to a mutable default (Python changes the default)
            self.check_unshared_on_entry(first_lines, outside, dicts=passed_dicts,
                                         defaults=defaults)
        self.copy_arguments(sorted(changed), [u for u in written if u in params
                                              and u not in changed])

    def ufunc_write(self, call):
        """Whether ``call`` (``np.add.at(x, i, v)``, its first argument a name) is a ufunc
        write with a rule (see ``scatter.ufunc_write``), read without noting a use."""
        walk = self.walk
        path = walk.module_names.global_path(call.func)
        if path is None or path[0] in walk.params or not registry.UFUNC_WRITES:
            return False
        obj = walk.parsed.resolve(path[0], None)
        for part in path[1:]:
            obj = getattr(obj, part, None)
        entry = registry.UFUNC_WRITES.get(identity.key(obj))
        return entry is not None and identity.same(entry[0], obj)

    def new_array(self, call):
        """Whether the user's ``call`` makes a new array, never one of its arguments: a
        function whose rule allocates (``np.tanh``, ``np.copy``), or ``v.copy()``; not
        with ``out=``, nor a callee spelled by a name the function binds."""
        if any(k.arg == "out" for k in call.keywords):
            return False
        func, walk = call.func, self.walk
        if func.__class__ is gast.Attribute and func.attr == "copy" and not call.args \
                and not call.keywords and func.value.__class__ is gast.Name \
                and func.value.id in walk.params:
            return True   # (x.copy() of a parameter: an array's copy, a list's, a dict's)
        spelled = nodes.dotted_parts(func)
        if spelled is None or spelled[0] in walk.params or spelled[0] in walk.locals:
            return False
        callee = walk.parsed.resolve_callee(func)
        return callee is not None and registry.allocates(callee)

    def copy_functionalized(self, written):
        """A callee writing into its arguments (``written``: ``{parameter: kind}``, see
        .functionalize) works on copies of them, which it returns after its result;
        another argument or a global sharing their memory is refused when it runs."""
        walk = self.walk
        dicts = walk.dict_writes.dict_names() | set(walk.dict_writes.param_dicts)
        lines = {p: self.first_write(p) for p in written if p not in dicts}
        dict_lines = {p: self.first_write(p) for p in written if p in dicts}
        outside = self.outside_values()
        if len(walk.params) > 1 or outside:
            self.check_unshared_on_entry(lines, outside, dicts=dict_lines)
        lists = sorted(p for p, kind in written.items() if kind == "list"
                       or p in walk.aliases.list_values or p in dicts)
        self.copy_arguments(lists, [p for p in written if p not in lists])

    def first_write(self, user):
        """The line of the first statement writing into the parameter ``user`` (by
        item, method or a call it is passed to)."""
        walk = self.walk
        lines = [walk.parsed.location(t).line for t in nodes.walk(walk.parsed.node)
                 if isinstance(t, gast.Subscript) and isinstance(t.ctx, gast.Store)
                 and isinstance(t.value, gast.Name) and t.value.id == user
                 or isinstance(t, gast.Call) and any(
                     isinstance(a, gast.Name) and a.id == user
                     for a in list(t.args) + [k.value for k in t.keywords]
                     + ([t.func.value] if isinstance(t.func, gast.Attribute) else []))]
        return min(lines, default=walk.parsed.location(walk.parsed.node).line)

    def copy_arguments(self, lists, arrays):
        """Bind each parameter of ``lists`` to a copy of its container
        (``copy_container``), and each of ``arrays`` to a copy of its array."""
        walk = self.walk
        for user in lists:
            name = walk.scope.new_version(user)
            copier = registry.LIST_HELPERS["copy_container"]
            walk.helpers["copy_container"] = copier
            walk.emit(nodes.assign(name, anno.set(nodes.call("copy_container", [
                nodes.name(user)]), anno.CALLEE, copier)))
            walk.defined.add(name)
            walk.env[user] = nodes.name(name)
            if user in walk.aliases.list_values:
                walk.aliases.list_values.add(name)
                walk.aliases.argument_copies.add(name)
        for user in arrays:
            name = walk.scope.new_version(user)
            copier, dotted = registry.METHODS["copy"]
            walk.emit(nodes.assign(name, anno.set(nodes.call(dotted, [nodes.name(user)]),
                                                  anno.CALLEE, copier)))
            if registry.runtime_method(copier):   # (s2sad's copy_of: lazy for Dask)
                walk.helpers[dotted] = copier
            else:
                walk.module_names.use_numpy(dotted, copier)
            walk.defined.add(name)
            walk.env[user] = nodes.name(name)
            walk.aliases.argument_copies.add(name)

    def written_defaults(self, lines):
        """``{parameter: (its default's read, the default's source text)}`` for the
        parameters of ``lines`` (those the function writes into) whose default is a value
        a write changes (a list, a dict, an array): Python's call without the argument
        changes the default itself, for every later call, which the copies do not; the
        entry check refuses that call (see ``ensure_unshared``).  The default is read as
        ``f.__defaults__[i]`` (``f.__kwdefaults__[name]``) through the module's name of
        the function; a function no global name holds is refused here, at its first such
        write."""
        walk = self.walk
        func, fn = walk.parsed.func, walk.parsed.node
        written = [p for p in walk.params if p in lines]
        if not written or not hasattr(func, "__defaults__"):
            return {}
        positional = [a.id for a in fn.args.args]
        given = dict(zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults))
        given.update((a.id, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)
                     if d is not None)
        values = func.__defaults__ or ()
        found = {}
        for param in written:
            if param not in given:
                continue
            if param in positional:
                index = positional.index(param) - (len(positional) - len(values))
                if not 0 <= index < len(values):
                    continue
                value, field, key = values[index], "__defaults__", index
            elif param in (func.__kwdefaults__ or {}):
                value, field, key = func.__kwdefaults__[param], "__kwdefaults__", param
            else:
                continue
            if not hasattr(type(value), "__setitem__"):
                continue   # (None, a number, a string, a tuple: no write changes them)
            name, text = func.__name__, printer.expr(given[param], 0)
            if walk.parsed.globals.get(name) is not func or name in walk.params \
                    or name in walk.locals:
                raise walk.error(
                    f"{name} writes into its parameter {param!r}, whose default {text} "
                    f"is a value a write changes: Python's call without {param!r} changes "
                    f"the default itself for every later call, which s2sad does not follow",
                    given[param], hint=default_hint(param, text))
            read = gast.Subscript(value=nodes.attr(nodes.name(name), field),
                                  slice=nodes.const(key), ctx=gast.Load())
            walk.module_names.use_global(name, walk.parsed.node)
            walk.namer.reserve(name)   # (not the output's name: the check reads the function)
            walk.default_reads[param] = read   # (also the generated function's default)
            found[param] = (nodes.clone(read), lines[param], text)
        return found

    def check_unshared_on_entry(self, written, outside, dicts=None, defaults=None):
        """Add ``ensure_unshared(...)`` to the entry checks: no argument (nor global or
        closure value in ``outside``) may share memory with one the function writes
        into (``written``: parameter -> line of the first write), nor hold a dict it
        writes items into (``dicts``, the same form), nor be the mutable default of a
        parameter it writes into (``defaults``, see ``written_defaults``)."""
        def table(pairs):
            return gast.Dict(keys=[nodes.const(k) for k, _ in pairs],
                             values=[v for _, v in pairs])
        args = [nodes.const(self.walk.function_name),
                table([(p, nodes.const(written[p])) for p in sorted(written)]),
                table([(p, nodes.name(p)) for p in self.walk.params])]
        if outside:
            for name in outside:
                self.walk.module_names.use_global(name, self.walk.parsed.node)
            args.append(table([(n, nodes.name(n)) for n in outside]))
        keywords = [("dicts", table([(p, nodes.const(dicts[p])) for p in sorted(dicts)]))] \
            if dicts else []
        if defaults:
            keywords.append(("defaults", table([(p, gast.Tuple(elts=[
                read, nodes.const(line), nodes.const(text)], ctx=gast.Load()))
                for p, (read, line, text) in sorted(defaults.items())])))
        self.walk.entry_checks.append(
            nodes.expr_stmt(nodes.call("ensure_unshared", args, keywords)))

    def outside_values(self):
        """The module globals and closure values the function reads that may hold an
        array (not a module, a function, a class or a number), sorted."""
        found, seen = set(), set()

        def value(name):
            obj = self.walk.parsed.resolve(name, None)
            return not (obj is None or inspect.ismodule(obj) or callable(obj)
                        or isinstance(obj, (bool, int, float, complex, str, bytes)))

        def helper_reads(fn):
            """The globals of this module that the user's function ``fn`` (and the
            functions of this module it calls) reads: they see the argument too."""
            if id(fn) in seen or not is_user_function(fn) \
                    or fn.__globals__ is not self.walk.parsed.globals:
                return
            seen.add(id(fn))
            codes = [fn.__code__]
            while codes:
                code = codes.pop()
                codes.extend(c for c in code.co_consts if inspect.iscode(c))
                for name in code.co_names:
                    obj = self.walk.parsed.globals.get(name)
                    if inspect.isfunction(obj):
                        helper_reads(obj)
                    elif name in self.walk.parsed.globals and value(name):
                        found.add(name)

        for n in nodes.names(self.walk.parsed.node):
            if isinstance(n.ctx, gast.Load) and n.id not in self.walk.params \
                    and n.id not in self.walk.locals and n.id not in found:
                if value(n.id):
                    found.add(n.id)
                elif n.id not in self.walk.parsed.closure:
                    helper_reads(self.walk.parsed.resolve(n.id, None))
        return sorted(found)


def _changes_through_names(walked, params, line_of):
    """``{parameter: line}`` for each of ``params`` that a statement changes in place
    through a name joined to it by ``a = b`` (``h = hist; h.append(v)``, ``h += [v]``,
    ``e = d; e.update(...)``, ``e |= ...``, ``e[k] = v``): the line of the first such change."""
    if not params:
        return {}   # (the copies below are read for a parameter only)
    copies = [(t.id, n.value.id) for n in nodes.of_class(walked, gast.Assign)
              if n.value.__class__ is gast.Name for t in n.targets if t.__class__ is gast.Name]
    found = {}
    # (the nodes of the classes below, when first needed: the first line of a change is
    # noted, whatever their order)
    changing = None
    for param in sorted(params):
        names = closed_under_copies({param}, copies) - {param}
        if names and changing is None:
            changing = [t for cls in (gast.Call, gast.AugAssign, gast.Subscript)
                        for t in nodes.of_class(walked, cls)]
        for t in changing if names else ():
            if t.__class__ is gast.Call and isinstance(t.func, gast.Attribute):
                owner = t.func.value
                hit = (list_mutation(t) or t.func.attr in ("update", "setdefault")) \
                    and isinstance(owner, gast.Name) and owner.id in names
            elif t.__class__ is gast.AugAssign:
                hit = isinstance(t.target, gast.Name) and t.target.id in names \
                    or isinstance(t.target, gast.Subscript) and \
                    isinstance(t.target.value, gast.Name) and t.target.value.id in names
            elif t.__class__ is gast.Subscript:
                hit = t.ctx.__class__ is gast.Store and isinstance(t.value, gast.Name) \
                    and t.value.id in names
            else:
                continue
            if hit:
                line = line_of(t)
                found[param] = min(line, found.get(param, line))
    return found


def default_hint(param, text):
    """How to write a default ``text`` (its source) of ``param`` the function changes so
    that Python's call and s2sad's agree: a new value made at each call."""
    return (f"pass {param} at every call, or default it to None and make the value in "
            f"the function: {param}=None in the signature, then 'if {param} is None: "
            f"{param} = {text}' as the first statement")


def check_local_functions(fn, error):
    """A local function (nested ``def``, or a lambda bound to a name) is put in
    place of its calls, so which one a call means must not depend on the path:
    each is bound once, its name nothing else, and it is read only after its
    definition in the block that defines it (where Python holds it on every path).
    ``error(message, node, hint=...)`` makes the exception raised where one is not."""
    sites = {}   # name -> [(statement, the block holding it, its position there)]
    loops = {}   # id(a loop's body) -> (the loop, the block holding it, its position there)

    def visit(stmts):
        for position, stmt in enumerate(stmts):
            if isinstance(stmt, gast.FunctionDef):
                sites.setdefault(stmt.name, []).append((stmt, stmts, position))
                continue   # its body is a scope of its own
            if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Lambda):
                for target in stmt.targets:
                    if isinstance(target, gast.Name):
                        sites.setdefault(target.id, []).append((stmt, stmts, position))
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    if isinstance(stmt, (gast.For, gast.While)) and field == "body":
                        loops[id(inner)] = (stmt, stmts, position)
                        if len(inner) == 1 and anno.get(inner[0], anno.TRIP_GUARD):
                            loops[id(inner[0].body)] = loops[id(inner)]   # (break's guard)
                    visit(inner)

    visit(fn.body)
    del visit   # (a recursive closure is a cycle: broken, the tree it reads is freed at once)
    if not sites:
        return   # (no local function: nothing below to check)
    # the names of this function's own code, not those of the local functions' bodies: a
    # body runs when it is called, where the inliner checks that the definition it
    # calls has run (a function may call a sibling defined after it)
    own = _own_names(fn.body)
    for name, found in sorted(sites.items()):
        lambdas = sum(isinstance(stmt, gast.Assign) for stmt, _, _ in found)
        stores = [n for n in own if n.id == name and isinstance(n.ctx, gast.Store)]
        stmt, block, position = found[-1]
        reads = [n for n in own if n.id == name and isinstance(n.ctx, gast.Load)]
        after = {id(n) for later in block[position + 1:] for n in nodes.names(later)}
        if len(found) > 1 or len(stores) > lambdas:
            where = stmt if len(found) > 1 else stores[-1]
        elif any(id(n) not in after for n in reads):
            where = next(n for n in reads if id(n) not in after)
            # defined in a loop's body, called after the loop: the last trip's function,
            # whose free names Python reads when it is called (they bind late), as the
            # inlined body reads them; a loop of no trip leaves it unbound
            # (a block of a loop with a break, not its body: refused with the reason)
            loop = loops.get(id(block)) or _refuse_after_an_exit(fn, stmt, name, where, error)
            if loop is not None:
                later = {id(n) for stmt_after in loop[1][loop[2] + 1:]
                         for n in nodes.names(stmt_after)}
                defaults = (stmt.args if isinstance(stmt, gast.FunctionDef)
                            else stmt.value.args).defaults
                if all(id(n) in after or id(n) in later for n in reads):
                    if not defaults and _runs_a_trip(loop[0]):
                        continue
                    if not defaults:
                        raise error(
                            f"the local function {name!r} is defined in a loop that may run "
                            f"no trip and called after the loop: Python raises NameError "
                            f"there when it ran none, which s2sad does not check", where,
                            hint="define it before the loop (its free names are read when "
                                 "it is called, so it sees the loop's last values)")
                    raise error(
                        f"the local function {name!r} is defined in a loop, with defaults, "
                        f"and called after the loop: its defaults are those of the last "
                        f"trip, which s2sad does not keep past the loop", where,
                        hint="pass those values as arguments where it is called, or define "
                             "it after the loop")
        else:
            continue
        raise error(
            f"the local function {name!r} is defined in a branch or a loop and used "
            f"outside it, more than once, or its name is bound to something else too: "
            f"s2sad puts a local function's body in place of its calls, so the function "
            f"a call means may not depend on the path taken", where,
            hint="define each function once at the top of the body under its own "
                 "name, and choose between the calls in the branch")


def _refuse_after_an_exit(fn, stmt, name, where, error):
    """The local function ``name`` (defined by ``stmt``) read outside the block defining
    it: refused with the reason where that block is a branch of, or follows an exit
    point in, a loop with a ``break`` or ``return``; else None."""
    for loop in nodes.walk(fn):
        if isinstance(loop, (gast.For, gast.While)) and anno.get(loop, anno.MAY_EXIT) \
                and any(n is stmt for n in nodes.walk(loop)):
            raise error(
                f"the local function {name!r} is defined in a loop after a break or return "
                f"that may end a trip first (or in a branch), and used after it: whether "
                f"the trip that stopped the loop ran the definition (and which trip's "
                f"function Python calls) depends on where the loop stopped, which s2sad "
                f"does not follow", where,
                hint="define it at the top of the loop's body, before the first "
                     "'if ...: break', or before the loop")


def _runs_a_trip(loop):
    """Whether ``loop`` surely runs a trip: a ``for`` over ``range`` of constants that
    is not empty, or over a display of values."""
    it = loop.iter if isinstance(loop, gast.For) else None
    if isinstance(it, (gast.List, gast.Tuple)):
        return bool(it.elts) and not any(isinstance(e, gast.Starred) for e in it.elts)
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and it.func.id == "range" \
            and not it.keywords and 1 <= len(it.args) <= 3 \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in it.args):
        try:
            return len(range(*(a.value for a in it.args))) > 0
        except ValueError:
            return False
    return False


def _own_names(stmts):
    """The ``Name`` nodes of ``stmts`` outside the bodies of the local functions
    (``def``, ``lambda``) they define; those bodies are checked where they are inlined."""
    found, stack = [], list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, gast.Name):
            found.append(node)
        elif isinstance(node, (gast.FunctionDef, gast.Lambda)):
            stack.extend(node.args.defaults)
        else:
            stack.extend(gast.iter_child_nodes(node))
    return found
