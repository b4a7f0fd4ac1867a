from .phone import PhoneCheck, normalize_mobile
from .sms_length import SmsLength, measure_sms
