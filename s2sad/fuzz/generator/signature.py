"""The signature of ``f``: its parameters (floats and arrays, containers, ints, defaults,
keyword-only ones) with their sample values, and the decorator."""

import random

import numpy as np

from s2sad.fuzz.constructs import CONTAINER_FEATURES, CONTAINER_SHARE
from s2sad.fuzz.generator.specs import _leaf_spec, _spec_value, random_spec
from s2sad.fuzz.generator.state import _Box, _Var
from s2sad.fuzz.ops import CONST, M, S, SHAPES, V, W
from s2sad.fuzz.program import Layer, Param


class Signature:
    """Chooses ``f``'s parameters into ``draft.params`` (and the names they bind into
    ``draft.env`` and ``draft.boxes``), and writes the ``functools.wraps`` decorator."""

    def __init__(self, draft, kit):
        self.draft = draft
        self.kit = kit

    def parameters(self):
        """Choose the parameters of ``f`` (after the helpers, before the body): whether it is a
        container program, float and array parameters, containers, int parameters ``n``,
        ``start`` and ``p``; binds the float ones in scope."""
        r = self.draft.r
        self.draft.container_mode = any(self.draft.has(f) for f in CONTAINER_FEATURES) \
            and r.random() < CONTAINER_SHARE
        nfloat = r.randint(1, 3) if not self.draft.container_mode else r.randint(0, 2)
        names = iter(["x", "y", "z"])
        self.draft.params = []
        trees = self.container_params() if self.draft.container_mode else []
        if not trees:
            nfloat = max(nfloat, 1)
        for _ in range(nfloat):
            shape = r.choice(SHAPES)
            size = int(np.prod(shape, dtype=int))
            values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(size)]
            value = float(values[0]) if shape == S else np.array(values).reshape(shape)
            self.draft.params.append(Param(next(names), "float", shape, value))
        self.draft.params += trees
        if r.random() < 0.3 and self.draft.has("for_range"):
            self.draft.params.append(Param("n", "int", (), r.randint(1, 4)))
        if self.draft.has("int_counter", "for_range") and r.random() < 0.6:
            self.draft.params.append(Param("start", "int", (), r.randint(0, 1)))
            self.draft.counter_start = "start"
        if self.draft.has("zero_pow") and r.random() < 0.25:
            self.draft.params.append(Param("p", "int", (), 0))
            self.draft.exponent = "p"
        self.draft.env = [_Var(p.name, p.shape, 1.5) for p in self.draft.params
                          if p.kind == "float"]

    def defaults(self):
        """Parameters with defaults (constants, module globals, module arrays) and keyword-only
        ones, which the caller never passes: returns (module global lines, ``name=default``
        parameters, keyword-only ``name=default`` parameters); binds them in scope."""
        r = self.draft.r
        module_globals, extra, kwonly = [], [], []
        if self.draft.has("defaults") and r.random() < 0.35:
            self.draft.use("defaults")
            for k in range(r.randint(1, 2)):
                name = f"d{k + 1}"
                form = r.randrange(3)
                if form == 0:
                    value = self.draft.const()
                    extra.append(f"{name}={value!r}")
                    self.draft.env.append(_Var(name, S, abs(value)))
                elif form == 1:
                    value = self.draft.const()
                    module_globals.append(f"K{k + 1} = {value!r}")
                    extra.append(f"{name}=K{k + 1}")
                    self.draft.env.append(_Var(name, S, abs(value)))
                else:
                    shape = r.choice([V, W, M])
                    extra.append(f"{name}={CONST[shape]}")
                    self.draft.constant_params.add(name)
                    self.draft.env.append(_Var(name, shape, 1.2))   # never written: not owned
        if self.draft.has("kwonly") and r.random() < 0.3:
            self.draft.use("kwonly")
            for k in range(r.randint(1, 2)):
                value = self.draft.const()
                kwonly.append(f"kw{k + 1}={value!r}")
                self.draft.env.append(_Var(f"kw{k + 1}", S, abs(value)))
        return module_globals, extra, kwonly

    def container_params(self):
        """Parameters that are containers: ``xs`` (a list), ``tup`` (a tuple; ``ntup``, a
        namedtuple read as a tuple), ``prm`` (a
        dict), ``layers`` (a list of ``(W, b)`` tuples, or another nesting), ``lay`` (a
        namedtuple ``Layer(W, b)`` whose fields the body reads, ``lay.W``)."""
        r = self.draft.r
        kinds = [k for k in ("param_list", "param_tuple", "param_dict", "param_nested")
                 if self.draft.has(k)]
        params = []
        for kind in r.sample(kinds, min(len(kinds), r.choice([0, 1, 1, 2]))):
            self.draft.use(kind)
            if kind == "param_list":
                name, spec = "xs", random_spec(self.draft.r, "list", same=r.random() < 0.8)
            elif kind == "param_tuple":
                name, spec = "tup", random_spec(self.draft.r, "tuple", n=2, same=False)
                if self._namedtuple():   # (read by index, unpacking, loops: as a tuple)
                    name = "ntup"
            elif kind == "param_dict":
                name = "prm"
                spec = ("dict", (("W", _leaf_spec(M)), ("b", _leaf_spec(W)))) \
                    if r.random() < 0.4 else random_spec(self.draft.r, "dict")
            else:
                name = "layers"
                if r.random() < 0.5:
                    layer = ("tuple", (_leaf_spec(M), _leaf_spec(W)))
                    spec = ("list", (layer,) * r.randint(2, 3))
                else:
                    inner = random_spec(self.draft.r, r.choice(["tuple", "list", "dict"]), n=2)
                    spec = (r.choice(["list", "tuple"]), (inner,) * 2) if r.random() < 0.6 \
                        else ("dict", (("enc", inner), ("dec", inner)))
            value = _spec_value(spec, r)
            params.append(Param(name, "tree", spec, Layer(*value) if name == "ntup" else value))
            self.draft.boxes.append(_Box(name, spec, 1.5, param=True))
        # a namedtuple read by its fields (lay.W), from a stream of its own: the programs
        # without it are those the seed made before it
        fr = random.Random(self.draft.seed ^ 0xF1E1D)
        if self.draft.has("param_fields") and fr.random() < 0.3:
            self.draft.use("param_fields")
            spec = ("fields", (("W", _leaf_spec(fr.choice([M, W]))),
                               ("b", _leaf_spec(fr.choice(SHAPES)))))
            params.append(Param("lay", "tree", spec, _spec_value(spec, fr)))
            self.draft.boxes.append(_Box("lay", spec, 1.5, param=True))
        return params

    def _namedtuple(self):
        """``param_ntuple``: whether the tuple parameter is a namedtuple ``Layer`` instead,
        ``ntup``, read as a tuple is (its derivative must be a ``Layer`` too, on the
        command line as well); drawn from a stream of its own (the programs without it
        are those the seed made before it)."""
        if not self.draft.has("param_ntuple") \
                or random.Random(self.draft.seed ^ 0x7E4B1).random() >= 0.35:
            return False
        self.draft.use("param_ntuple")
        return True

    def decorator(self):
        """``deco``: a ``functools.wraps`` wrapper doing arithmetic around the call of f.
        Where the wrapper passes ``*args, **kwargs`` on, it may name parameters of its own
        (decided by the draws made already, never a draw of its own: the random stream
        stays as it was): the first one before them (``def wrapper(x, *args,
        **kwargs)``), then one with a default (``def wrapper(x, c=1.5, *args,
        **kwargs)``, where the caller passes ``x`` only, so ``c`` keeps its default),
        and a keyword-only one after ``*args`` (``def wrapper(*args, scale=0.75,
        **kwargs)``): their defaults make the factor the wrapper's arithmetic takes."""
        r = self.draft.r
        c1, c2 = r.choice([2.0, -0.5, 1.5, 0.75]), r.choice([0.5, -0.25, 1.0])
        names = [p.name for p in self.draft.params]
        floats = [p.name for p in self.draft.params if p.kind == "float"]
        factor = repr(c1)
        if r.random() < 0.5 or not floats:
            # the wrapper passes *args, **kwargs on whole; reading args[0] is refused
            # (what args holds depends on how the caller spelled the call)
            sig = call = "*args, **kwargs"
            first = "value"
            leading = floats and names[0] == floats[0]
            if leading and c1 in (1.5, 0.75):   # (no draw of its own)
                # its own first parameter before them: def wrapper(x, *args, **kwargs)
                sig = call = f"{names[0]}, *args, **kwargs"
                first = names[0]
                if len(names) == 1:
                    # and one with a default, which the call leaves to it
                    sig, factor = f"{names[0]}, c={c1!r}, *args, **kwargs", "c"
            if c1 == 0.75:
                # a keyword-only parameter of its own, after *args
                sig = sig.replace("*args, ", "*args, scale=0.75, ").replace("c=0.75", "c=1.0")
                factor = "c * scale" if factor == "c" else "scale"
        else:
            sig = call = ", ".join(names)
            first = floats[0]
        form = r.randrange(3)
        if form == 0:
            body = f"        return {factor} * fn({call}) + {c2}\n"
        elif form == 1:
            body = (f"        value = fn({call})\n"
                    f"        return value * {factor} + np.sin(np.sum({first}))\n")
        else:
            body = f"        return np.tanh(fn({call})) * {factor}\n"
        return ("def deco(fn):\n\n    @functools.wraps(fn)\n"
                f"    def wrapper({sig}):\n{body}    return wrapper\n")
