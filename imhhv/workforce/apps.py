from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Staff qualifications, training and reflective supervision (issue 10).

    Layer: above visits (DESIGN.md: core <- reference <- accounts/agencies <- families <-
    visits <- workforce <- reports): it may read families and visits; families (the
    assignment gate) and visits (fidelity's staff columns, My week) ask it through their
    hooks. Never imports reports or api.
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

        # visits (below) asks for the fidelity pages' staff columns and My week's
        # supervision through its hooks.
        from imhhv.visits.hooks import answer
        from imhhv.workforce.fidelity_staff import visitor_staff
        from imhhv.workforce.queries import own_supervision

        answer("visitor_staff", visitor_staff)
        answer("own_supervision", own_supervision)
