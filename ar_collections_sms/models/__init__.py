from . import ar_sms_provider
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sms_sms
from . import ar_collection_event
from . import ar_collection_stage
from . import ar_collection_run
