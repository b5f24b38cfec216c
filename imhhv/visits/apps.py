from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "imhhv.visits"
    label = "visits"

    def ready(self) -> None:
        # Families sits below visits: the chart gets its visit section through the
        # registry instead of importing this app.
        from imhhv.families.chart import register_chart_section
        from imhhv.visits.chart import chart_section

        register_chart_section(chart_section)

        # Enrollment, discharge and assignment (families' services) change the week facts.
        from imhhv.families.hooks import on_family_changed
        from imhhv.visits.facts import refresh_family

        on_family_changed("week_facts", refresh_family)

        # The visit note keeps a server-side draft (imhhv/drafts sits below: a registry).
        from imhhv.visits.drafting import register_forms

        register_forms()

        # The family list's "last home visit" column, filter and sort, and the audit page's
        # links to visits: families and audit sit below visits, so they ask through their
        # registries (imhhv.families.filters, imhhv.audit.access).
        from imhhv.audit.access import register_record_links
        from imhhv.families.filters import register_last_visit
        from imhhv.visits.access import last_home_visit_expression, visit_links

        register_last_visit(last_home_visit_expression)
        register_record_links("visit", visit_links)
