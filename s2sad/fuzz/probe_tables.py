"""The probes of the generator's modules besides ``constructs.py``'s own table, each
``{feature: (source, args)}`` (``constructs.CONSTRUCTS`` makes them rows): gap_forms'
forms and what the checker does around f, statements run for their effect, forms the
README claims, lists, classes, recursive helpers, helpers returning after an early
return, module functions named like builtins, forms README-only users found refused or
mis-hinted, rule gaps, values made anew on each trip of a loop, items computed from their key, attributes
a helper sets on the object it is given.

``PROBE_TABLES``: every table; ``CLAIMED_TABLES``: those whose every feature the README
claims (``constructs.CLAIMED``)."""

from s2sad.fuzz.attribute_helper_probes import ATTRIBUTE_HELPER_PROBES
from s2sad.fuzz.claim_probes import CLAIM_PROBES
from s2sad.fuzz.class_probes import CLASS_PROBES
from s2sad.fuzz.effect_probes import EFFECT_PROBES
from s2sad.fuzz.gap_probes import GAP_PROBES
from s2sad.fuzz.helper_probes import HELPER_PROBES
from s2sad.fuzz.index_trick_probes import INDEX_TRICK_PROBES
from s2sad.fuzz.list_probes import LIST_PROBES
from s2sad.fuzz.loop_draw_probes import LOOP_DRAW_PROBES
from s2sad.fuzz.recursive_probes import RECURSIVE_PROBES
from s2sad.fuzz.rule_gap23_probes import RULE_GAP23_PROBES
from s2sad.fuzz.shadow_probes import SHADOW_PROBES
from s2sad.fuzz.stranger22_probes import STRANGER22_PROBES
from s2sad.fuzz.stranger23_probes import STRANGER23_PROBES

PROBE_TABLES = (GAP_PROBES, EFFECT_PROBES, CLAIM_PROBES, LIST_PROBES, CLASS_PROBES,
                RECURSIVE_PROBES, HELPER_PROBES, SHADOW_PROBES, STRANGER22_PROBES,
                STRANGER23_PROBES, RULE_GAP23_PROBES, LOOP_DRAW_PROBES, INDEX_TRICK_PROBES,
                ATTRIBUTE_HELPER_PROBES)
CLAIMED_TABLES = (EFFECT_PROBES, CLAIM_PROBES, CLASS_PROBES, STRANGER22_PROBES,
                  STRANGER23_PROBES, RULE_GAP23_PROBES, LOOP_DRAW_PROBES, INDEX_TRICK_PROBES,
                  ATTRIBUTE_HELPER_PROBES)
