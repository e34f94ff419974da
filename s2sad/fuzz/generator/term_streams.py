"""The choice every module of terms bound at the top of ``f``'s body makes, written once
(``attribute_helper_forms``, ``index_trick_forms``, ``loop_draw_forms``, ``rule_gap23_forms``,
``stranger23_forms``; the older modules, whose streams differ, spell it out): a stream of its own,
seeded from the program's seed, draws one roll per feature before anything else, so a
program without the features is the program of the same seed without them."""

import random

from s2sad.fuzz.ops import V
from s2sad.fuzz.generator.python_forms import float_params


def choose_terms(draft, salt, forms, rates):
    """Maybe each term of ``forms`` ((feature, form) pairs; ``form(draft, r, x, n)`` emits
    it on the vector parameter ``x`` with the number ``n``), the feature's roll against
    its rate in ``rates``; none in a container program or without a vector parameter."""
    r = random.Random(draft.seed ^ salt)
    rolls = [r.random() for _ in forms]
    if draft.output == "container":
        return
    params = float_params(draft, (V,))
    if not params:
        return
    for (feature, form), roll in zip(forms, rolls):
        if draft.has(feature) and roll < rates[feature]:
            form(draft, r, r.choice(params).name, next(draft.counter))
            draft.use(feature)
