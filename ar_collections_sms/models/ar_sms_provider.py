import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlparse

import requests

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

# HTTP statuses that prove the provider did not take the message but may
# take it later: overload, rate limit, request timeout, server errors.
RETRY_STATUSES = {408, 425, 429}
CREDENTIAL_STATUSES = {401, 403}


@dataclass(frozen=True)
class GatewayResult:
    """Outcome of one request to an HTTP gateway.

    ``outcome`` is ``accepted`` (the provider took the message), ``retry``
    (it proved it did not, and may later), ``rejected`` (it refused this
    message for good), ``credentials`` (it refused our credentials) or
    ``unknown`` (no answer in time, so the message may have been taken).
    """

    outcome: str
    provider_message_id: str = ""
    detail: str = ""


class ArSmsProvider(models.Model):
    """An SMS provider: Odoo's IAP service or an HTTP gateway."""

    _name = "ar.sms.provider"
    _description = "SMS Provider"
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    provider_type = fields.Selection(
        selection=[("http", "HTTP Gateway"), ("iap", "Odoo IAP")],
        string="Type",
        required=True,
        default="http",
        help="HTTP Gateway: this module sends the SMS to your provider's "
        "HTTP API. Odoo IAP: Odoo's own SMS service sends them, with IAP "
        "credits.",
    )
    url = fields.Char(
        string="Gateway URL",
        help="Address the SMS requests are posted to, starting with "
        "https:// (or http:// for a gateway on your own network).",
    )
    request_format = fields.Selection(
        selection=[("json", "JSON Body"), ("form", "Form Fields")],
        required=True,
        default="json",
    )
    auth_type = fields.Selection(
        selection=[
            ("basic", "Login and Password (HTTP Basic)"),
            ("bearer", "API Key in Authorization Header (Bearer)"),
            ("param", "API Key as a Request Field"),
        ],
        string="Authentication",
        required=True,
        default="bearer",
    )
    login = fields.Char(groups="base.group_system")
    password = fields.Char(groups="base.group_system")
    api_key = fields.Char(string="API Key", groups="base.group_system")
    api_key_param = fields.Char(
        string="API Key Field",
        default="api_key",
        help="Name of the request field that carries the API key.",
    )
    sender_name = fields.Char(
        help="Sender name registered with the provider, shown to the "
        "customer in place of a number.",
    )
    number_param = fields.Char(string="Number Field", required=True, default="to")
    text_param = fields.Char(string="Text Field", required=True, default="text")
    sender_param = fields.Char(string="Sender Field", default="from")
    message_id_param = fields.Char(
        string="Our Message ID Field",
        help="Request field for our own message id, when the provider takes "
        "one and repeats it in delivery reports. Leave empty otherwise.",
    )
    callback_param = fields.Char(
        string="Delivery Report URL Field",
        help="Request field for the address of our delivery report "
        "controller, when the provider takes it per message. Leave empty "
        "when the address is set in the provider's account.",
    )
    response_id_key = fields.Char(
        string="Message ID in Response",
        default="id",
        help="Key of the provider's message id in the JSON response. Use "
        "dots for nested keys, for example data.message_id.",
    )
    report_id_key = fields.Char(
        string="Message ID in Report",
        default="id",
        help="Field of the delivery report with the message id: ours when "
        "the provider repeats it, else the provider's.",
    )
    report_status_key = fields.Char(
        string="Status in Report",
        default="status",
    )
    delivered_statuses = fields.Char(
        default="delivered,DELIVRD",
        help="Report statuses, separated by commas, that mean the SMS "
        "reached the phone.",
    )
    failed_statuses = fields.Char(
        default="undelivered,failed,rejected,expired,UNDELIV,REJECTD,EXPIRED",
        help="Report statuses, separated by commas, that mean the SMS will "
        "not reach the phone.",
    )
    report_token = fields.Char(
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of the delivery report address, so that only the "
        "provider can post reports.",
    )
    report_url = fields.Char(
        string="Delivery Report URL",
        compute="_compute_report_url",
        groups="base.group_system",
        help="Give this address to the provider for delivery reports.",
    )
    timeout = fields.Float(
        string="Timeout (Seconds)",
        default=10.0,
        help="Seconds to wait for the provider's response. A message whose "
        "request times out is marked unknown and is not sent again.",
    )
    max_segments = fields.Integer(
        string="Maximum Segments",
        default=3,
        help="Longest SMS the provider takes, in segments: 160 Latin or 70 "
        "Cyrillic characters fit in one segment, 153 or 67 in each part "
        "of a longer message.",
    )
    max_attempts = fields.Integer(
        default=4,
        help="Attempts per message when the provider rejects it for a "
        "temporary reason, such as a server error or a refused connection.",
    )
    retry_delay = fields.Integer(
        string="First Retry Delay (Minutes)",
        default=5,
        help="Minutes before the first retry. Each later retry waits twice "
        "as long as the one before.",
    )

    @api.depends("report_token")
    def _compute_report_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for provider in self:
            if provider.provider_type == "http" and provider.id:
                provider.report_url = (
                    f"{base_url}/ar_collections_sms/report/"
                    f"{provider.id}/{provider.report_token}"
                )
            else:
                provider.report_url = False

    @api.constrains("provider_type", "url")
    def _check_url(self):
        for provider in self.filtered(lambda p: p.provider_type == "http"):
            parsed = urlparse(provider.url or "")
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationError(
                    self.env._(
                        "The gateway URL %(url)s of SMS provider %(provider)s "
                        "is not an http(s) address. Enter the provider's API "
                        "address, for example https://sms.example.com/send.",
                        url=provider.url or "",
                        provider=provider.name,
                    )
                )

    @api.constrains("max_segments", "max_attempts", "retry_delay", "timeout")
    def _check_limits(self):
        for provider in self:
            if (
                provider.max_segments < 1
                or provider.max_attempts < 1
                or provider.retry_delay < 0
                or provider.timeout <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "SMS provider %(provider)s needs at least 1 segment, "
                        "1 attempt, a timeout above 0 and a retry delay of 0 "
                        "or more minutes.",
                        provider=provider.name,
                    )
                )

    def _check_credentials(self):
        """Raise when the credentials the authentication needs are missing."""
        self.ensure_one()
        provider = self.sudo()
        if provider.provider_type != "http":
            return
        if provider.auth_type == "basic":
            missing = not (provider.login and provider.password)
            needed = self.env._("a login and a password")
        else:
            missing = not provider.api_key
            needed = self.env._("an API key")
        if provider.auth_type == "param" and not provider.api_key_param:
            missing = True
        if missing:
            raise ValidationError(
                self.env._(
                    "SMS provider %(provider)s has no credentials. Enter "
                    "%(needed)s in its configuration.",
                    provider=provider.name,
                    needed=needed,
                )
            )

    def action_check_configuration(self):
        """Check the URL and credentials without sending anything."""
        for provider in self:
            provider._check_url()
            provider._check_credentials()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The SMS provider configuration is complete."),
            },
        }

    def _prepare_request(self, number, text, message_uuid):
        """Return the keyword arguments of ``requests.post`` for one SMS."""
        self.ensure_one()
        provider = self.sudo()
        payload = {provider.number_param: number, provider.text_param: text}
        if provider.sender_param and provider.sender_name:
            payload[provider.sender_param] = provider.sender_name
        if provider.message_id_param:
            payload[provider.message_id_param] = message_uuid
        if provider.callback_param:
            payload[provider.callback_param] = provider.report_url

        headers = {}
        auth = None
        if provider.auth_type == "basic":
            auth = (provider.login, provider.password)
        elif provider.auth_type == "bearer":
            headers["Authorization"] = f"Bearer {provider.api_key}"
        else:
            payload[provider.api_key_param] = provider.api_key

        request = {"headers": headers, "auth": auth, "timeout": provider.timeout}
        if provider.request_format == "json":
            request["json"] = payload
        else:
            request["data"] = payload
        return request

    def _post_sms(self, number, text, message_uuid):
        """Post one SMS to the gateway and return a :class:`GatewayResult`.

        Only the HTTP status and our message uuid are logged, never the
        request, which contains the credentials.
        """
        self.ensure_one()
        self._check_credentials()
        request = self._prepare_request(number, text, message_uuid)
        timeout = request.pop("timeout")
        try:
            response = requests.post(self.url, timeout=timeout, **request)
        except requests.Timeout:
            return GatewayResult("unknown", detail=self.env._("timed out"))
        except requests.ConnectionError as error:
            # Refused or unreachable: no request reached the provider.
            return GatewayResult("retry", detail=type(error).__name__)

        message_id = self._read_message_id(response)
        if response.ok:
            return GatewayResult("accepted", message_id, f"HTTP {response.status_code}")
        detail = f"HTTP {response.status_code}: {response.text[:200]}"
        if message_id:
            # An error status with a message id: the provider may still
            # send it, so it must not be sent again.
            return GatewayResult("unknown", message_id, detail)
        if response.status_code in CREDENTIAL_STATUSES:
            return GatewayResult("credentials", detail=detail)
        if response.status_code in RETRY_STATUSES or response.status_code >= 500:
            return GatewayResult("retry", detail=detail)
        return GatewayResult("rejected", detail=detail)

    def _read_message_id(self, response):
        try:
            value = response.json()
        except ValueError:
            return ""
        for key in (self.response_id_key or "").split("."):
            if not key or not isinstance(value, dict):
                return ""
            value = value.get(key)
        return str(value) if value not in (None, "", False) else ""

    def _split_statuses(self, value):
        return {
            status.strip().lower()
            for status in (value or "").split(",")
            if status.strip()
        }

    def _read_report_status(self, status):
        """Map a delivery report status to ``sent``, ``error`` or None."""
        self.ensure_one()
        status = (status or "").strip().lower()
        if status in self._split_statuses(self.delivered_statuses):
            return "sent"
        if status in self._split_statuses(self.failed_statuses):
            return "error"
        return None
