"""The composer of the generator: a program from a seed (helpers, signature, body, output,
module source), and :func:`generate`."""

import re

from s2sad.fuzz.constructs import ALL_FEATURES
from s2sad.fuzz.generator.none_buffer import choose_parameter, write_buffer
import s2sad.fuzz.generator.claim_effects as claim_effects
import s2sad.fuzz.generator.claim_forms as claim_forms
import s2sad.fuzz.generator.class_forms as class_forms
import s2sad.fuzz.generator.common_forms as common_forms
import s2sad.fuzz.generator.composed_forms as composed_forms
import s2sad.fuzz.generator.effect_forms as effect_forms
import s2sad.fuzz.generator.gap_forms as gap_forms
import s2sad.fuzz.generator.helper_returns as helper_returns
import s2sad.fuzz.generator.item_forms as item_forms
import s2sad.fuzz.generator.loop_draw_forms as loop_draw_forms
import s2sad.fuzz.generator.module_reads as module_reads
import s2sad.fuzz.generator.math_terms as math_terms
import s2sad.fuzz.generator.python_forms as python_forms
import s2sad.fuzz.generator.recursive_forms as recursive_forms
import s2sad.fuzz.generator.shadow_forms as shadow_forms
import s2sad.fuzz.generator.stranger22_forms as stranger22_forms
import s2sad.fuzz.generator.stranger23_forms as stranger23_forms
import s2sad.fuzz.generator.function_forms as function_forms
import s2sad.fuzz.generator.rule_gap23_forms as rule_gap23_forms
import s2sad.fuzz.generator.index_trick_forms as index_trick_forms
import s2sad.fuzz.generator.attribute_helper_forms as attribute_helper_forms
from s2sad.fuzz.generator.expressions import Expressions
from s2sad.fuzz.generator.signature import Signature
from s2sad.fuzz.generator.specs import _spec_paths
from s2sad.fuzz.generator.state import Draft, _Context, _Var
from s2sad.fuzz.generator.statements import Statements
from s2sad.fuzz.ops import CONST_SOURCE, LIM, M, S, SHAPES, V, W, imports_for
from s2sad.fuzz.program import Program, _format


class Generator:
    """Generate one program from a seed and the set of enabled features.

    ``program()`` returns the :class:`Program`; every random choice is drawn from the
    draft's one ``random.Random(seed)``, so a seed always gives the same program.
    """

    def __init__(self, seed, features, max_statements=12):
        self.draft = Draft(seed, features, max_statements)
        self.exprs = Expressions(self.draft)
        self.stmts = Statements(self.draft, self.exprs)
        self.signature = Signature(self.draft, self.stmts.kit)

    def helper(self, index):
        """A module-level helper function, generated like ``f`` but smaller."""
        r = self.draft.r
        self.draft.params = []
        name = f"h{index}"
        nparams = r.randint(1, 2)
        pshapes = [r.choice(SHAPES) for _ in range(nparams)]
        names = ["a", "b"][:nparams]
        default = self.draft.has("helper_kwargs") and r.random() < 0.4
        out = r.choice(SHAPES)
        saved = (self.draft.env, self.draft.lines, self.draft.indent, self.draft.count,
                 self.draft.max_statements, self.draft.boxes)
        self.draft.boxes = []
        self.draft.env = [_Var(n, s, LIM) for n, s in zip(names, pshapes)]
        if default:
            self.draft.env.append(_Var("c", S, 1.0))
        self.draft.lines, self.draft.indent, self.draft.count = [], 1, 0
        self.draft.max_statements = r.randint(1, 3)
        own = self.draft.kwonly_r   # (the program is otherwise the one without it)
        if default and self.draft.has("derivative_kwonly") and own.random() < 0.5:
            # keyword-only, its default 0.5 or a numpy number (no constant spells it)
            default = "kwonly"
            sig = ", ".join(names + [f"*, c={own.choice(['0.5', 'np.float64(0.5)'])}"])
        else:
            sig = ", ".join(names + (["c=0.5"] if default else []))
        documented = self.docstring(f"The helper {name}.")
        self.stmts.block(self.draft.max_statements, _Context(in_helper=True))
        if documented and self.draft.doc_r.random() < 0.5:
            # an early return under the docstring (refused before issue 15)
            code, _ = self.exprs.squash(self.exprs.combine(out), 1e9, LIM)
            self.draft.lines += [f"    if np.sum({names[0]}) > {self.draft.const()}:",
                                 f"        return {code}"]
        code, bound = self.exprs.combine(out), None
        code, bound = self.exprs.squash(code, 1e9, LIM)  # helpers return squashed values
        self.draft.lines.append(f"    return {code}")
        text = f"def {name}({sig}):\n" + "\n".join(self.draft.lines) + "\n"
        (self.draft.env, self.draft.lines, self.draft.indent, self.draft.count,
         self.draft.max_statements, self.draft.boxes) = saved
        self.draft.helper_bounds[name] = bound
        self.draft.helpers.append((name, pshapes, out, default))
        return text

    def docstring(self, text):
        """Maybe a docstring as the first line of the body; whether one was written."""
        if not self.draft.has("docstring") or self.draft.doc_r.random() < 0.5:
            return False
        self.draft.use("docstring")
        self.draft.emit(f'"""{text}"""')
        return True

    def choose_output(self):
        """What ``f`` returns: a scalar, an array, a tuple or (container programs) a container."""
        r = self.draft.r
        self.draft.output = "scalar"
        roll = r.random()
        if roll < 0.12 and self.draft.has("array_output"):
            self.draft.output = "array"
        elif roll < 0.18 and self.draft.has("tuple_output"):
            self.draft.output = "tuple"
        elif roll < 0.3 and self.draft.container_mode and self.draft.has("container_output"):
            self.draft.output = "container"
        self.draft.array_out = r.choice([V, W, M])
        if self.draft.output != "scalar":
            self.draft.use(self.draft.output + "_output")

    def body(self):
        """The body of ``f`` into ``draft.lines``: the statements, then the return."""
        self.draft.lines, self.draft.indent, self.draft.count = [], 1, 0
        self.draft.use("straight")
        self.docstring("The function f.")
        if self.draft.none_shape is not None:
            write_buffer(self.draft, self.exprs)
        self.draft.module_lines = module_reads.choose(self.draft)
        effect_forms.choose(self.draft)
        python_forms.choose(self.draft)
        math_terms.choose(self.draft)
        common_forms.choose(self.draft)
        item_forms.choose(self.draft)
        gap_forms.choose(self.draft)
        claim_forms.choose(self.draft)
        claim_effects.choose(self.draft)
        class_forms.choose(self.draft)
        recursive_forms.choose(self.draft)
        helper_returns.choose(self.draft)
        shadow_forms.choose(self.draft)
        stranger22_forms.choose(self.draft)
        stranger23_forms.choose(self.draft)
        function_forms.choose(self.draft)
        composed_forms.choose(self.draft)
        rule_gap23_forms.choose(self.draft)
        loop_draw_forms.choose(self.draft)
        index_trick_forms.choose(self.draft)
        attribute_helper_forms.choose(self.draft)
        self.stmts.block(self.draft.max_statements, _Context())
        if self.draft.exponent and not any(re.search(r"\bp\b", line)
                                           for line in self.draft.lines):
            # the exponent parameter is unused: one factor that reads it
            first = self.draft.params[0].name
            if self.draft.params[0].kind == "tree":
                first += _spec_paths(self.draft.params[0].shape)[0][0]
            elif first not in {v.name for v in self.draft.float_vars()}:
                # (a parameter not read again after a write through a name for it)
                first = self.draft.float_vars()[-1].name
            self.draft.emit(f"p_one = np.power(0.0 * np.sum({first}), p)")
            self.draft.env.append(_Var("p_one", S, 1.0))
        self.global_helper_name()
        gap_forms.before_return(self.draft)
        module_reads.early_returns(self.draft)
        out = self.exprs.output_expr()
        self.draft.emit(f"return {module_reads.finish(self.draft, out)}")
        if self.draft.exponent:
            self.draft.use("zero_pow")

    def global_helper_name(self):
        """With ``helper_names``, now and then a call of numpy's ``zeros_like`` imported
        under its own name (``from numpy import zeros_like``), a global spelled like a
        helper generated code calls (issue 17): ``zl5 = v3 + zeros_like(v3)``."""
        draft = self.draft
        values = [v for v in draft.env if v.kind == "float"]
        if not (draft.has("helper_names") and "zeros_like" in draft.helper_names_left
                and values and draft.name_r.random() < 0.15):
            return
        draft.use("helper_names")
        draft.helper_names_left.remove("zeros_like")   # (no local of that name after)
        var = draft.name_r.choice(values)
        name = draft.new_name("zl")
        draft.emit(f"{name} = {var.name} + zeros_like({var.name})")
        draft.env.append(_Var(name, var.shape, var.bound))

    def module_source(self, helper_texts, module_globals, extra, kwonly):
        """The module's canonical source: imports, constants, module globals, ``same``, the
        decorator (maybe), the helpers, and ``f`` with its signature and body."""
        names = [p.name + ("=None" if p.name == "ob" else "") for p in self.draft.params] \
            + extra + (["*"] + kwonly if kwonly else [])
        sig = ", ".join(names)
        shadow = shadow_forms.finish(self.draft, "\n".join(
            self.draft.lines + helper_texts + self.draft.box_helpers + list(module_globals or ())))
        helper_texts = helper_texts + [shadow.rstrip("\n")] if shadow else helper_texts
        imports = imports_for("\n".join(self.draft.lines + helper_texts + self.draft.box_helpers
                                         + list(module_globals or ())))
        if any(re.search(r"(?<![\w.])zeros_like\(", line) for line in self.draft.lines):
            imports += "from numpy import zeros_like\n"   # (global_helper_name)
        defs = ""
        if module_globals:
            defs += "\n".join(module_globals) + "\n"
        if self.draft.need_same:
            defs += "\n\ndef same(a):\n    return a\n"
        decorated = ""
        # (a decorated f is called by its wrapper: a helper writing into its argument's
        # container would change the wrapper's, which s2sad refuses, as for arrays; and a
        # wrapper reading an array argument after the call would see f's writes into it)
        # (nor a pole: the wrapper's arithmetic around an infinite value)
        if self.draft.has("decorator") and self.draft.output in ("scalar", "array") \
                and not {"param_write", "param_array_write", "none_buffer", "written_items",
                         "float_pole", "entry_partial", "entry_lambda"} & self.draft.used \
                and self.draft.r.random() < 0.25:
            self.draft.use("decorator")
            if "import functools\n" not in imports:   # (called_partial's may be there)
                imports += "import functools\n"
            defs += "\n\n" + self.signature.decorator()
            decorated = "@deco\n"
        source = (imports + "\n" + CONST_SOURCE + defs + "\n\n"
                  + "".join(t + "\n\n" for t in helper_texts + self.draft.box_helpers)
                  + f"{decorated}def f({sig}):\n" + "\n".join(self.draft.lines) + "\n")
        return _format(source)

    def program(self):
        """The :class:`Program` of the seed."""
        r = self.draft.r
        helper_texts = []
        if self.draft.has("helper_call") and r.random() < 0.5:
            for index in range(r.randint(1, 2)):
                helper_texts.append(self.helper(index + 1))
        self.signature.parameters()
        choose_parameter(self.draft)
        module_globals, extra, kwonly = self.signature.defaults()
        self.choose_output()
        self.body()
        module_globals = list(module_globals) + self.draft.module_lines \
            + gap_forms.finish(self.draft)
        kwonly = list(kwonly) + getattr(self.draft, "gap_kwonly", [])
        source = self.module_source(helper_texts, module_globals, extra, kwonly)
        floats = [i for i, p in enumerate(self.draft.params) if p.kind in ("float", "tree")]
        wrt = tuple(floats)
        if len(floats) > 1 and r.random() < 0.3:
            wrt = tuple(sorted(r.sample(floats, r.randint(1, len(floats) - 1))))
        poles = [i for i, p in enumerate(self.draft.params) if p.pole or p.name == "ze"
                 or p.name in self.draft.always_wrt]
        if poles:   # (the pole's slope is the question: always differentiated; so is
            # the array a refusal is about: list_arith)
            wrt = tuple(sorted(set(wrt) | set(poles)))
        return Program(self.draft.seed, source, self.draft.params, wrt, self.draft.output,
                       frozenset(self.draft.used))


def generate(seed, features=None, max_statements=12):
    """The program of ``seed`` (deterministic given the features and the size)."""
    if features is None:
        features = ALL_FEATURES
    return Generator(seed, features, max_statements).program()
