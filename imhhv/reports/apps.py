from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "imhhv.reports"
    label = "reports"
