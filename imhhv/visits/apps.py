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

        # The family list's "last home visit" column, filter and sort: families sits below
        # visits, so it asks through its registry (imhhv.families.filters).
        from django.db.models import OuterRef, Subquery

        from imhhv.families.filters import register_last_visit
        from imhhv.visits.models import Visit

        register_last_visit(
            lambda: Subquery(
                Visit.objects.home_visits()
                .filter(family_id=OuterRef("pk"))
                .order_by("-started_at")
                .values("started_at")[:1]
            )
        )

        # The audit page links a visit's events to the visit when the reader may see it
        # (audit sits below visits: a registry, imhhv.audit.access).
        from django.urls import reverse

        from imhhv.audit.access import register_record_links
        from imhhv.visits.access import visits_visible_to

        def visit_links(user, ids: list[str]) -> dict[str, str]:
            numbers = [int(i) for i in ids if i.isdigit() and len(i) < 19]
            visible = visits_visible_to(user).filter(pk__in=numbers).values_list("pk", flat=True)
            return {str(pk): reverse("visits:detail", args=[pk]) for pk in visible}

        register_record_links("visit", visit_links)
