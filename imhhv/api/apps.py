from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "imhhv.api"
    label = "api"
