from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "imhhv.families"
    label = "families"
