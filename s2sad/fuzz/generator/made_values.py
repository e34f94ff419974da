"""Values a call makes, then written or read as given (three classes of programs once
refused though s2sad differentiates them):

* ``made_box_write``: a helper ``mkN(a)`` returning a new dict (or list) display, whose
  result is written item by item in a loop over its keys (indices), then read by a loop;
* ``writing_helper_rebound``: a helper ``wrN(a, s)`` writing into its array and returning
  it, called twice (or in a loop) with its result bound to the name passed;
* ``out_none``: a library call spelling out ``out=None`` (by keyword or by position).
"""

from s2sad.fuzz.generator.specs import random_spec
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, S, SHAPES, V, W, _p


class MadeValues:
    """Writes the statements of the module docstring into the draft."""

    def __init__(self, draft, exprs, kit, stmts):
        self.draft = draft
        self.exprs = exprs
        self.kit = kit
        self.stmts = stmts

    @staticmethod
    def options(draft, ctx, top):
        """The (weight, kind) of these statements that ``draft`` may write here (``top``:
        not in a helper)."""
        options = []
        first = top and ctx.loops == 0 and draft.depth == 0
        if first and draft.container_mode and draft.has("made_box_write", "for_range"):
            options.append((1.2, "made_box_write"))
        if first and not draft.container_mode and draft.has("writing_helper_rebound"):
            options.append((0.6, "writing_rebound"))
        if top and draft.has("out_none"):
            options.append((0.4, "out_none"))
        return options

    def value(self, shape, cap=LIM):
        """A fresh expression of ``shape`` from the names in scope: (code, bound)."""
        code, bound = self.exprs.expr(shape, self.draft.r.randint(1, 2))
        return self.exprs.squash(code, bound, cap)

    def stmt_made_box_write(self, ctx):
        """``dcN = mkN(v)``; ``for kN in dcN: dcN[kN] = dcN[kN] * e``; then a sum over it."""
        draft, r = self.draft, self.draft.r
        if not (draft.has("made_box_write") and draft.has("for_range")):
            return self.stmts.run("box_new", ctx)
        draft.use("made_box_write")
        kind = r.choice(["dict", "dict", "list"])
        spec = random_spec(r, kind, same=True)
        pshape = r.choice(SHAPES)
        arg, _ = self.value(pshape)
        name = f"mk{len(draft.box_helpers) + 1}"
        saved = (draft.env, draft.lines, draft.indent, draft.boxes, draft.exponent)
        draft.env, draft.lines, draft.indent = [_Var("a", pshape, LIM)], [], 1
        draft.exponent, draft.boxes = None, []
        code, bound = self.kit.literal(spec)
        draft.emit(f"return {code}")
        text = f"def {name}(a):\n" + "\n".join(draft.lines) + "\n"
        draft.env, draft.lines, draft.indent, draft.boxes, draft.exponent = saved
        draft.box_helpers.append(text)
        box = draft.add_box(spec, bound)
        draft.emit(f"{box.name} = {name}({arg})")
        factor, fb = self.value(S, 1.0)
        if kind == "dict":
            key = draft.new_name("k")
            header, item = f"for {key} in {box.name}:", f"{box.name}[{key}]"
        else:
            key = draft.new_name("i")
            header, item = f"for {key} in range(len({box.name})):", f"{box.name}[{key}]"
        draft.emit(header)
        draft.emit(f"    {item} = np.tanh({item}) * {_p(factor)}")
        box.bound = max(fb, 0.0)
        total = draft.new_name()
        draft.emit(f"{total} = 0.0")
        draft.emit(header)
        draft.emit(f"    {total} = {total} + np.sum({item})")
        draft.count += 4
        draft.env.append(_Var(total, S, len(spec[1]) * 6 * box.bound))

    def stmt_writing_rebound(self, ctx):
        """``wrN(a, s)`` writing into ``a`` and returning it; ``waN = wrN(waN, s)`` twice
        (or once per trip of a loop), then ``waN`` read."""
        draft, r = self.draft, self.draft.r
        if not draft.has("writing_helper_rebound"):
            return self.stmts.run("new", ctx)
        draft.use("writing_helper_rebound")
        shape = r.choice([V, W])
        n = shape[0]
        name = f"wr{len(draft.box_helpers) + 1}"
        k, j = r.randrange(n), r.randrange(n)
        body = r.choice([f"a[i] = np.tanh(a[{j}] * s) + 0.5 * a[i]",
                         f"a[i] += 0.5 * s * a[{k}]",
                         f"a[i] = np.sin(a[i]) - s"])
        draft.box_helpers.append(f"def {name}(a, i, s):\n    {body}\n    return a\n")
        array = draft.new_name("wa")
        code, _ = self.value(shape, 1.0)
        draft.emit(f"{array} = {_p(code)} * 1.0")
        calls = []
        for _ in range(2):
            s_code, _ = self.value(S, 1.0)
            calls.append((r.randrange(n), s_code))
        if draft.has("for_range") and r.random() < 0.4:
            i = draft.new_name("i")
            draft.emit(f"for {i} in range({n}):")
            draft.emit(f"    {array} = {name}({array}, {i}, {calls[0][1]})")
        else:
            for index, s_code in calls:
                draft.emit(f"{array} = {name}({array}, {index}, {s_code})")
        draft.count += 3
        var = _Var(array, shape, 4.0)
        var.locked = True   # (never rebound or written again)
        draft.env.append(var)
        self.stmts.read_after(var)

    def stmt_out_none(self, ctx):
        """``vN = <a library call with out=None>`` (keyword or positional)."""
        draft, r = self.draft, self.draft.r
        if not draft.has("out_none"):
            return self.stmts.run("new", ctx)
        draft.use("out_none")
        shape = r.choice([V, W])
        code, bound = self.value(shape)
        other, ob = self.value(shape)
        forms = [(f"np.clip({code}, -1.0, 1.0, out=None)", shape, 1.0),
                 (f"np.clip({code}, -1.0, 1.0, None)", shape, 1.0),
                 (f"np.add({code}, {other}, None)", shape, bound + ob),
                 (f"np.multiply({code}, {other}, out=None)", shape, bound * ob),
                 (f"np.tanh({code}, None)", shape, 1.0),
                 (f"np.sum({code}, axis=0, out=None)", S, bound * shape[0]),
                 (f"np.cumsum({code}, out=None)", shape, bound * shape[0]),
                 (f"({code}).sum(out=None)", S, bound * shape[0])]
        text, out, b = r.choice(forms)
        text, b = self.exprs.squash(text, b, LIM)
        name = draft.new_name()
        draft.emit(f"{name} = {text}")
        draft.count += 1
        draft.env.append(_Var(name, out, b))
