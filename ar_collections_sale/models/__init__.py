from . import ar_credit_exposure
from . import sale_order_credit
from . import payment_transaction
