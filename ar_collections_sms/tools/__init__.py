from .phone import PhoneCheck, normalize_mobile
