import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_debtors_tour", {
    url: "/odoo/action-ar_collections.ar_debtor_action",
    steps: () => [
        {
            content: "The Debtors list is open, as of today",
            trigger: ".o_breadcrumb:contains(Debtors)",
        },
        {
            content: "Change the as-of date",
            trigger: ".o_control_panel button[name=action_change_as_of_date]",
            run: "click",
        },
        {
            content: "Enter a past date",
            trigger: ".modal .o_field_widget[name=as_of_date] input",
            run: "edit 03/20/2012",
        },
        {
            content: "Open the Debtors list of that date",
            trigger: ".modal button[name=action_open_report]",
            run: "click",
        },
        {
            content: "The customer owes 1,000.00, overdue as of that date",
            trigger:
                ".o_data_row:contains(Tour Debtor Ltd) td[name=overdue]:contains(1,000.00)",
        },
        {
            content: "Drill into the customer",
            trigger: ".o_data_row:contains(Tour Debtor Ltd) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The debtor form lists the open invoice",
            trigger: ".o_form_view .o_field_widget[name=item_ids] .o_data_row:contains(INV/2012/)",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb a:contains(Debtors)",
            run: "click",
        },
        {
            content: "Change the date again to open the aging",
            trigger: ".o_list_view .o_control_panel button[name=action_change_as_of_date], .o_control_panel button[name=action_change_as_of_date]",
            run: "click",
        },
        {
            content: "Choose the aging report",
            trigger: ".modal .o_field_widget[name=report] input[data-value=aging]",
            run: "click",
        },
        {
            content: "Open the aging",
            trigger: ".modal button[name=action_open_report]",
            run: "click",
        },
        {
            content: "The aging shows the customer in the 1-30 bucket",
            trigger:
                ".o_data_row:contains(Tour Debtor Ltd) td[name=amount_bucket_1]:contains(1,000.00)",
        },
        {
            content: "Export the aging to XLSX",
            trigger: ".o_control_panel button[name=action_export_xlsx]",
            run: "click",
        },
        {
            content: "The aging list is still shown after the download",
            trigger: ".o_breadcrumb:contains(Receivables Aging)",
        },
    ],
});
