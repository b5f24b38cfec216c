from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "imhhv.demo"
    label = "demo"
