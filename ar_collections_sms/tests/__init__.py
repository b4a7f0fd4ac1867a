from . import test_module
from . import test_phone
# from . import test_gateway
# from . import test_collection_sms
# from . import test_delivery_report
