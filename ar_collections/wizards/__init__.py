from . import ar_aging_wizard
from . import ar_collection_run_wizard
