from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "imhhv.api"
    label = "api"

    def ready(self):
        from imhhv.api import schema  # noqa: F401  registers the OpenAPI extension
