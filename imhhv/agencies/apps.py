from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "imhhv.agencies"
    label = "agencies"
