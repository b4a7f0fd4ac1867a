import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_worklist_tour", {
    url: "/odoo/action-ar_collections.ar_collection_case_action",
    steps: () => [
        {
            content: "The worklist lists the customer at its stage",
            trigger: ".o_data_row:contains(Tour Worklist Ltd) td[name=stage_id]:contains(Second reminder)",
        },
        {
            content: "Log a call from the row",
            trigger: ".o_data_row:contains(Tour Worklist Ltd) button[name=action_log_call]",
            run: "click",
        },
        {
            content: "Nobody answered",
            trigger: ".modal .o_field_widget[name=result] input[data-value=no_answer]",
            run: "click",
        },
        {
            content: "Note what happened",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Voicemail left",
        },
        {
            content: "Save the call",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "Open the customer's case",
            trigger: ".o_data_row:contains(Tour Worklist Ltd) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The contact history shows the call",
            trigger: ".o_field_widget[name=event_ids] .o_data_row:contains(No answer)",
        },
        {
            content: "Pause the collection",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_pause]",
            run: "click",
        },
        {
            content: "Until a date",
            trigger: ".modal .o_field_widget[name=date_until] input",
            run: "edit 12/31/2099",
        },
        {
            content: "For a reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Owner on leave",
        },
        {
            content: "Confirm the pause",
            trigger: ".modal button[name=action_pause]",
            run: "click",
        },
        {
            content: "The case shows the pause",
            trigger: ".o_field_widget[name=paused_until]:contains(12/31/2099)",
        },
        {
            content: "Back to the worklist",
            trigger: ".o_breadcrumb a:contains(Collector Worklist)",
            run: "click",
        },
        {
            content: "Switch to the kanban view",
            trigger: ".o_control_panel .o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The card is in its stage column",
            trigger:
                ".o_kanban_group:contains(Second reminder) .o_kanban_record:contains(Tour Worklist Ltd)",
        },
    ],
});
