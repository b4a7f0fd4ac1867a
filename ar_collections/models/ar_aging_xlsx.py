"""XLSX workbook of the receivables aging, one sheet per company."""

import io
import re

import xlsxwriter

from odoo.exceptions import UserError

from .ar_aging_buckets import aging_bucket_labels, bucket_field_name, parse_aging_limits

HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
SHEET_NAME_MAX = 31


def _sheet_name(name, used_names):
    """Return an Excel-safe sheet name of at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:SHEET_NAME_MAX] or "Sheet"
    candidate = base
    counter = 2
    while candidate.lower() in used_names:
        suffix = f" ({counter})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        counter += 1
    used_names.add(candidate.lower())
    return candidate


def _company_columns(env, company):
    """Return (label, ar.debtor field, kind) for each column of a company's sheet."""
    limits = parse_aging_limits(env, company.ar_aging_limits)
    columns = [
        (env._("Customer"), "partner_id", "text"),
        (env._("Reference"), "partner_ref", "text"),
        (env._("Salesperson"), "user_id", "text"),
        (env._("Not due"), "amount_not_due", "amount"),
    ]
    for slot, label in enumerate(aging_bucket_labels(env, limits), start=1):
        columns.append((label, bucket_field_name(slot), "amount"))
    columns += [
        (env._("Total open"), "total_open", "amount"),
        (env._("Overdue"), "overdue", "amount"),
        (env._("Oldest overdue (days)"), "oldest_overdue_days", "integer"),
    ]
    return columns


def _cell_value(debtor, field_name):
    if field_name == "partner_id":
        return debtor.partner_id.display_name or ""
    if field_name == "partner_ref":
        return debtor.partner_id.ref or ""
    if field_name == "user_id":
        return debtor.user_id.name or ""
    return debtor[field_name]


def build_aging_workbook(env, as_of_date, companies):
    """Return the XLSX bytes of the aging as of ``as_of_date`` for ``companies``.

    Raise UserError when no company has an open receivable on that date.
    """
    Debtor = env["ar.debtor"].with_context(ar_as_of_date=str(as_of_date))
    debtors_by_company = {
        company: Debtor.search([("company_id", "=", company.id)], order="id").sorted(
            lambda debtor: (debtor.partner_id.display_name or "").lower()
        )
        for company in companies
    }
    if not any(debtors_by_company.values()):
        raise UserError(
            env._(
                "No receivable is open as of %(date)s in %(companies)s, so there "
                "is nothing to export. Choose another date or company.",
                date=as_of_date,
                companies=", ".join(companies.mapped("name")),
            )
        )

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = _workbook_formats(workbook)
    used_names = set()
    for company, debtors in debtors_by_company.items():
        sheet = workbook.add_worksheet(_sheet_name(company.name, used_names))
        _write_company_sheet(env, sheet, formats, company, debtors, as_of_date)
    workbook.close()
    return output.getvalue()


def _workbook_formats(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "subtitle": workbook.add_format({"italic": True}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        ),
        "text": workbook.add_format({}),
        "amount": workbook.add_format({"num_format": "#,##0.00"}),
        "integer": workbook.add_format({"num_format": "0"}),
        "total_label": workbook.add_format({"bold": True, "top": 1}),
        "total_amount": workbook.add_format(
            {"bold": True, "top": 1, "num_format": "#,##0.00"}
        ),
    }


def _write_company_sheet(env, sheet, formats, company, debtors, as_of_date):
    columns = _company_columns(env, company)
    sheet.write(
        0,
        0,
        env._(
            "Receivables aging as of %(date)s",
            date=as_of_date.strftime("%Y-%m-%d"),
        ),
        formats["title"],
    )
    sheet.write(
        1,
        0,
        env._(
            "%(company)s, amounts in %(currency)s",
            company=company.name,
            currency=company.currency_id.name,
        ),
        formats["subtitle"],
    )
    for col, (label, _field, _kind) in enumerate(columns):
        sheet.write(HEADER_ROW, col, label, formats["header"])
        sheet.set_column(col, col, 32 if col == 0 else 14)
    sheet.freeze_panes(FIRST_DATA_ROW, 1)

    for offset, debtor in enumerate(debtors):
        row = FIRST_DATA_ROW + offset
        for col, (_label, field_name, kind) in enumerate(columns):
            sheet.write(row, col, _cell_value(debtor, field_name), formats[kind])

    # The totals are formulas, with the sums of the same figures the screen
    # adds up stored as their cached values.
    total_row = FIRST_DATA_ROW + len(debtors)
    sheet.write(total_row, 0, env._("Total"), formats["total_label"])
    for col, (_label, field_name, kind) in enumerate(columns):
        if kind != "amount":
            continue
        first = xlsxwriter.utility.xl_rowcol_to_cell(FIRST_DATA_ROW, col)
        last = xlsxwriter.utility.xl_rowcol_to_cell(
            max(total_row - 1, FIRST_DATA_ROW), col
        )
        total = company.currency_id.round(sum(debtors.mapped(field_name)))
        sheet.write_formula(
            total_row, col, f"=SUM({first}:{last})", formats["total_amount"], total
        )
