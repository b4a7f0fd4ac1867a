from . import ar_aging_wizard
from . import ar_collection_run_wizard
from . import ar_call_log_wizard
from . import ar_pause_wizard
from . import ar_penalty_charge_wizard
from . import ar_credit_override_wizard
from . import ar_credit_hold_wizard
