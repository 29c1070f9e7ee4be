"""Every change of the planning: parents' demandes, agents' decisions, regular patterns,
closures, enrolments. Each function is one transaction and writes one audit line per cell it changes.

The rules (who may do what, until when) are in `rules.py` and `deadlines.py`; this module
applies them under locks. Callers pass `now` so that time is a parameter, not a global.
"""

from marelle.planning.services.closures import (
    CLOSABLE_STATES,
    ClosureDeletion,
    calendar_import,
    closed_cells,
    closure_apply,
    closure_create,
    closure_delete,
)
from marelle.planning.services.common import (
    DECIDABLE_STATES,
    PENDING_STATES,
    Outcome,
    PlanningError,
    occupied_counts,
    promote_waiting_list,
    write_cell_state,
)
from marelle.planning.services.contrats import contrat_apply, contrat_change, contrat_create
from marelle.planning.services.decisions import (
    DECISIONS,
    DecisionResult,
    cell_set_state,
    demande_decide,
    demandes_decide,
)
from marelle.planning.services.demandes import (
    KIND_FOR_ACTION,
    MAX_CELLS_PER_DEMANDE,
    SubmitResult,
    cancellable_by,
    demande_cancel,
    demande_preview,
    demande_submit,
)
from marelle.planning.services.inscriptions import inscription_create

__all__ = [
    "CLOSABLE_STATES",
    "DECIDABLE_STATES",
    "DECISIONS",
    "ClosureDeletion",
    "KIND_FOR_ACTION",
    "MAX_CELLS_PER_DEMANDE",
    "PENDING_STATES",
    "DecisionResult",
    "Outcome",
    "PlanningError",
    "SubmitResult",
    "calendar_import",
    "cancellable_by",
    "cell_set_state",
    "closed_cells",
    "closure_apply",
    "closure_create",
    "closure_delete",
    "contrat_apply",
    "contrat_change",
    "contrat_create",
    "demande_cancel",
    "demande_decide",
    "demande_preview",
    "demande_submit",
    "demandes_decide",
    "inscription_create",
    "occupied_counts",
    "promote_waiting_list",
    "write_cell_state",
]
