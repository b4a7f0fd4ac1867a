from . import test_order_exposure
from . import test_order_confirm
from . import test_multi_company
from . import test_order_rpc
from . import test_online_orders
