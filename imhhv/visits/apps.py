from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "imhhv.visits"
    label = "visits"
