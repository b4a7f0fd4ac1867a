import hmac
import json
import logging

from werkzeug.exceptions import BadRequest, NotFound

from odoo.http import Controller, request, route

_logger = logging.getLogger(__name__)


class SmsDeliveryReport(Controller):
    @route(
        "/ar_collections_sms/report/<int:provider_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST", "GET"],
        csrf=False,
    )
    def receive_report(self, provider_id, token, **params):
        """Write a provider's delivery report on our SMS record.

        The report may come as a JSON body, a form or query parameters. The
        token in the address proves the request comes from the provider.
        """
        provider = request.env["ar.sms.provider"].sudo().browse(provider_id).exists()
        if not provider or not hmac.compare_digest(
            provider.report_token or "", token or ""
        ):
            _logger.warning("SMS delivery report for unknown provider %s", provider_id)
            raise NotFound()

        data = dict(params)
        if request.httprequest.mimetype == "application/json":
            try:
                data.update(json.loads(request.httprequest.get_data() or b"{}"))
            except ValueError as error:
                raise BadRequest("invalid JSON body") from error

        message_id = str(data.get(provider.report_id_key) or "")
        status = str(data.get(provider.report_status_key) or "")
        if not message_id or not status:
            _logger.warning(
                "SMS delivery report of provider %s without %s or %s",
                provider.id,
                provider.report_id_key,
                provider.report_status_key,
            )
            raise BadRequest("missing message id or status")

        sms = (
            request.env["sms.sms"].sudo()._ar_apply_report(provider, message_id, status)
        )
        _logger.info(
            "SMS delivery report of provider %s: message %s status %s",
            provider.id,
            sms.id if sms else None,
            status,
        )
        if not sms:
            raise NotFound()
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
