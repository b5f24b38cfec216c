from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Staff qualifications, training and reflective supervision (issue 10).

    Layer: above accounts/agencies/audit, beside families (it reads which families a
    supervisee carries); never imports visits, reports or api.
    """

    name = "imhhv.workforce"
    label = "workforce"

    def ready(self) -> None:
        # Assigning a family to a home visitor who may not carry families yet needs a
        # supervisor's override (families sits beside workforce: it asks through its hook).
        from imhhv.families.hooks import on_assignment_check
        from imhhv.workforce.gate import home_visitor_blockers

        on_assignment_check("qualification", home_visitor_blockers)

        from imhhv.workforce.drafting import register_forms

        register_forms()
