"""Every compute problem's static spec, by name: titles, levels, params (DESIGN §9).

Pure Python (no numpy): deck validation reads this. The specs are declared by
problem family in the ``specs_*`` modules; this module only gathers them, so the
names, ranges and defaults live in exactly one place.
"""

from __future__ import annotations

from dlcards.problems.params import Spec
from dlcards.problems.specs_layers import GATE_TABLES, LAYER_SPECS, conv_out, gate_table
from dlcards.problems.specs_llm import LLM_SPECS
from dlcards.problems.specs_training import TRAINING_SPECS
from dlcards.problems.specs_transformer import TRANSFORMER_SPECS

__all__ = ["GATE_TABLES", "SPECS", "conv_out", "gate_table"]

SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        *LAYER_SPECS,
        *TRAINING_SPECS,
        *TRANSFORMER_SPECS,
        *LLM_SPECS.values(),
    )
}
