# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "AR Collections SMS",
    "summary": "SMS channel for the collection run of AR Collections (skeleton)",
    "version": "18.0.1.0.1",
    "category": "Accounting/Accounting",
    "website": "https://github.com/OCA/credit-control",
    "author": "AR Collections contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ar_collections", "sms"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
    ],
    "installable": True,
    "application": False,
}
