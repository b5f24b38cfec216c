from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imhhv.audit"
    label = "audit"
