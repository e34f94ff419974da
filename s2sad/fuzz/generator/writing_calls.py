"""Calls of helpers that write into their arguments (issue 15): the call's writes are
followed by the caller's name, as Python's are."""

from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import S, V, W, _p


class WritingCalls:
    """A module-level helper ``whN(a, s)`` writing into its array ``a`` (item, slice,
    augmented and ``np.add.at``/``np.subtract.at`` writes, in a branch or a loop), called
    on a fresh local array ``waN`` (or zeros), which is read afterwards."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def helper_lines(self, n):
        """The body of a helper writing into ``a`` (``n`` items) with the number ``s``."""
        r = self.draft.r
        k, j = r.randrange(n), r.randrange(n)
        forms = [f"a[{k}] = np.tanh(a[{j}] * s) + 0.5 * a[{k}]",
                 f"a[{k}] += 0.5 * s * a[{j}]",
                 f"a[0:{n - 1}] = a[1:{n}] * 0.5 - s",
                 f"np.add.at(a, [{k}, {k}, {j}], s * 0.5)",
                 f"np.subtract.at(a, [{j}, {k}], np.sin(s))"]
        lines = [r.choice(forms) for _ in range(r.randint(1, 2))]
        shape = r.randrange(3)
        if shape == 1:
            lines = ["if s > 0.0:"] + ["    " + line for line in lines] + [
                "else:", f"    a[{j}] = np.sin(a[{k}]) - s"]
        elif shape == 2:
            i = self.draft.new_name("i")
            lines = [f"for {i} in range({n}):", f"    a[{i}] = a[{i}] * 0.5 + np.cos(s)"] \
                + lines
        return lines

    def stmt_writing_call(self, ctx):
        """``whN(waN, s)`` (or ``vN = whN(waN, s)`` when it returns a number), then
        ``waN`` read."""
        r = self.draft.r
        self.draft.use("writing_helper")
        shape = r.choice([V, W])
        n = shape[0]
        name = f"wh{len(self.draft.box_helpers) + 1}"
        lines = self.helper_lines(n)
        returns = r.random() < 0.5
        if returns:
            lines.append("return np.sum(a) * s")
        self.draft.box_helpers.append(f"def {name}(a, s):\n"
                                      + "".join(f"    {line}\n" for line in lines))
        array = self.draft.new_name("wa")
        code, bound = self.exprs.expr(shape, r.randint(1, 2))
        code, bound = self.exprs.squash(code, bound, 1.0)
        if r.random() < 0.3:   # a constant array: only the helper's writes vary it
            self.draft.emit(f"{array} = np.zeros({n})")
        else:
            self.draft.emit(f"{array} = {_p(code)} * 1.0")
        s_code, _ = self.exprs.expr(S, 1)
        s_code, _ = self.exprs.squash(s_code, 1e9, 1.0)
        call = f"{name}({array}, {s_code})"
        if returns:
            out = self.draft.new_name()
            self.draft.emit(f"{out} = {call}")
            self.draft.env.append(_Var(out, S, 8.0))
        else:
            self.draft.emit(call)
        self.draft.count += 2
        var = _Var(array, shape, 4.0)
        var.locked = True   # (never rebound or written again)
        self.draft.env.append(var)
        self.stmts.read_after(var)
