# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "AR Collections Sales",
    "summary": "Credit control of sales orders: exposure, banner, blocked confirmation",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/OCA/credit-control",
    "author": "AR Collections contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ar_collections", "sale"],
    "data": [
        "views/sale_order_views.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
