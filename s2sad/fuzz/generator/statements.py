"""The statement writer: chooses each statement's kind from the features and the context,
and hands it to the family that writes it (assignments, control flow, loop targets,
aliasing, containers)."""

from s2sad.fuzz.constructs import AFTER_FEATURES, ALIAS_FEATURES
from s2sad.fuzz.generator.aliasing import Aliasing
from s2sad.fuzz.generator.closures import Closures
from s2sad.fuzz.generator.assignments import Assignments
from s2sad.fuzz.generator.container_loops import ContainerLoops
from s2sad.fuzz.generator.container_merges import ContainerMerges
from s2sad.fuzz.generator.container_writes import ContainerWrites
from s2sad.fuzz.generator.containers import ContainerBuild
from s2sad.fuzz.generator.control import ControlFlow
from s2sad.fuzz.generator.gradbench_forms import GradbenchForms
from s2sad.fuzz.generator.literals import Literals
from s2sad.fuzz.generator.loop_targets import LoopTargets
from s2sad.fuzz.generator.param_writes import ParamWrites
from s2sad.fuzz.generator.made_values import MadeValues
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.generator.writing_calls import WritingCalls
from s2sad.fuzz.ops import LIM, SHAPES, S, V, W, _p


class Statements:
    """Writes statements into a :class:`Draft`: ``statement(ctx)`` one of a random kind,
    ``block(n, ctx)`` up to ``n`` while the budget lasts, ``run(kind, ctx)`` one of a
    given kind (a family falls back on another kind this way)."""

    def __init__(self, draft, exprs):
        self.draft = draft
        self.exprs = exprs
        self.kit = Literals(draft, exprs)
        families = [Assignments(draft, exprs, self), ControlFlow(draft, exprs, self),
                    LoopTargets(draft, exprs, self), Aliasing(draft, exprs, self),
                    ContainerBuild(draft, exprs, self.kit, self),
                    ContainerWrites(draft, exprs, self.kit, self),
                    ContainerLoops(draft, exprs, self.kit, self),
                    ContainerMerges(draft, exprs, self.kit, self),
                    GradbenchForms(draft, exprs, self), WritingCalls(draft, exprs, self),
                    MadeValues(draft, exprs, self.kit, self)]
        self.param_writes = ParamWrites(draft, exprs, self)
        families.append(self.param_writes)
        # (drawn from a stream of its own: see .closures)
        self.closures = Closures(draft, exprs, self)
        families.append(self.closures)
        #: kind -> the method writing a statement of that kind
        self.writers = {name[len("stmt_"):]: getattr(family, name) for family in families
                        for name in dir(family) if name.startswith("stmt_")}

    def run(self, kind, ctx):
        """Write one statement of ``kind`` (no budget or nesting bookkeeping)."""
        self.writers[kind](ctx)

    def statement(self, ctx):
        """One statement of a kind drawn from the features, the budget and ``ctx`` (now
        and then one shadowing a closure's free name, drawn from its own stream)."""
        if self.closures.wanted(ctx):
            self.run("closure_shadow", ctx)
        else:
            self.drawn_statement(ctx)

    def drawn_statement(self, ctx):
        """One statement of a kind drawn from the features, the budget and ``ctx``."""
        self.draft.count += 1
        options = [(5.0, "new"), (3.0, "reassign")]
        if self.draft.has("aug_assign"):
            options.append((1.0, "aug"))
        if self.draft.has("tuple_assign"):
            options.append((0.6, "tuple"))
        if not self.draft.container_mode:   # (array programs: GradBench's forms)
            if self.draft.has("tuple_item_targets") and not ctx.in_helper:
                options.append((0.5, "tuple_items"))
            if self.draft.has("pair_write") and not ctx.in_helper:
                options.append((0.4, "pair_write"))
            if self.draft.has("starred_display"):
                options.append((0.4, "starred"))
        room = self.draft.budget_left() >= 2 and self.draft.depth < 3
        compound = room and (not ctx.in_helper or (self.draft.has("helper_control")
                                                   and ctx.loops == 0))
        if compound and self.draft.has("if") and (ctx.loops == 0 or self.draft.has("if_in_loop")):
            options.append((2.0, "if"))
        if compound and ctx.loops < 2 and (ctx.loops == 0 or self.draft.has("nested_loop")):
            if any(self.draft.has(f) for f in ("for_range", "for_array", "for_enumerate",
                                               "for_zip")):
                options.append((2.0, "for"))
            if self.draft.has("while_counter") or self.draft.has("while_data"):
                options.append((0.8, "while"))
        if ctx.loops and ctx.in_for and not ctx.in_helper:
            if self.draft.has("break"):
                options.append((0.5, "break"))
            if self.draft.has("continue"):
                options.append((0.4, "continue"))
        if not ctx.in_helper and (self.draft.has("return_in_if") and ctx.loops == 0
                                  or self.draft.has("return_in_loop") and ctx.loops > 0):
            options.append((0.4, "return"))
        if room and self.draft.has("inplace") and not ctx.in_helper:
            options.append((0.8, "inplace"))
        if room and self.draft.has("list_append") and ctx.loops == 0 and not ctx.in_helper:
            options.append((0.6, "list"))
        top = not ctx.in_helper
        loop_room = compound and ctx.loops < 2 and (ctx.loops == 0
                                                    or self.draft.has("nested_loop"))
        if loop_room and top and any(self.draft.has(f) for f in AFTER_FEATURES):
            options.append((1.6, "loop_after"))
        if room and top and any(self.draft.has(f) for f in ALIAS_FEATURES):
            options.append((1.6, "alias"))
        if loop_room and top and self.draft.has("int_counter") and self.draft.counter_start:
            options.append((1.2, "counter"))
        if loop_room and top and self.draft.has("loop_grows"):
            options.append((0.8, "grows"))
        if top and (self.draft.has("int_array_write") or self.draft.has("bool_array_write")):
            options.append((0.6, "int_array"))
        if top and self.draft.has("zero_d_write"):
            options.append((0.5, "zero_d"))
        if top and self.draft.has("writing_helper") and not self.draft.container_mode:
            options.append((0.7, "writing_call"))
        options += MadeValues.options(self.draft, ctx, top)
        if top and ctx.loops == 0 and self.draft.depth == 0 and self.draft.float_vars() and (
                self.draft.has("local_function") or self.draft.has("local_function_branch")):
            options.append((0.7, "local_fn"))
        options += self._container_options(ctx, room, top)
        damp = 0.35 ** self.draft.depth   # nested compound statements get rarer
        options = [(w * damp if k in ("if", "for", "while", "list", "inplace", "loop_after",
                                      "alias", "counter", "grows") else w, k)
                   for w, k in options]
        kind = self.draft.choice_weighted(options)
        if ctx.in_helper and kind in ("if", "for", "while"):
            self.draft.use("helper_control")
        nests = kind in ("if", "for", "while", "list", "loop_after", "alias", "counter",
                         "grows") \
            or kind.startswith("box_") or kind == "dict_write"
        self.draft.depth += nests
        self.run(kind, ctx)
        self.draft.depth -= nests

    def _container_options(self, ctx, room, top):
        """The container statements a container program draws at its top level (about
        half of them), weighted."""
        if not (self.draft.container_mode and top and ctx.loops == 0 and self.draft.depth == 0
                and self.draft.budget_left() >= 1):
            return []
        options = [(3.0, "box_new"), (3.0, "box_op"), (0.8, "box_len"),
                   (1.5, "box_unpack"), (2.5, "box_mutate"), (2.0, "dict_write"),
                   (5.0, "box_loop"), (2.5, "box_comp"), (1.2, "box_helper")]
        options += [(w, k) for f, w, k in (("container_alias", 1.3, "box_alias"), (
            "container_maybe_alias", 1.0, "box_maybe_alias")) if self.draft.has(f)]
        if room and self.draft.has("container_carry") and self.draft.has("for_range"):
            options.append((1.8, "box_carry"))
        return options

    def block(self, n, ctx):
        """Up to ``n`` statements in ``ctx`` while the budget lasts."""
        for _ in range(n):
            if self.draft.budget_left() <= 0:
                break
            if self.param_writes.wanted(ctx):   # (drawn from its own stream)
                self.draft.count += 1
                self.param_writes.nested(ctx)
            else:
                self.statement(ctx)

    def read_after(self, var):
        """``vN = ...`` reading ``var`` right away (a loop target after its loop, ...)."""
        r = self.draft.r
        name = self.draft.new_name()
        if var.kind == "int":
            vecs = [v for v in self.draft.float_vars()
                    if v.shape in (V, W) and var.bound < v.shape[0]]
            if vecs and r.random() < 0.5:
                v = r.choice(vecs)
                code, bound = f"{v.name}[{var.name}]", v.bound
                shape = S
            else:
                shape = r.choice(SHAPES)
                c, b = self.exprs.expr(shape, 1)
                c, b = self.exprs.squash(c, b, LIM)
                code, bound = f"{_p(c)} * ({var.name} * 0.5 + 0.25)", b * (var.bound * 0.5 + 0.25)
        else:
            shape = var.shape
            c, b = self.exprs.expr(shape, 1)
            c, b = self.exprs.squash(c, b, LIM)
            code, bound = f"{var.name} * {_p(c)}", var.bound * b
        code, bound = self.exprs.squash(code, bound, LIM)
        code, owned = self.exprs.bind(code)
        self.draft.emit(f"{name} = {code}")
        new = _Var(name, shape, bound)
        new.owned = owned
        self.draft.env.append(new)
        self.draft.count += 1
