from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "imhhv.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
