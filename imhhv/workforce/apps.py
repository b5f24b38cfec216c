from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Staff qualifications, training and reflective supervision (issue 10).

    Layer: above accounts/agencies/audit, beside families (it reads which families a
    supervisee carries); never imports visits, reports or api.
    """

    name = "imhhv.workforce"
    label = "workforce"
