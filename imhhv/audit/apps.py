from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imhhv.audit"
    label = "audit"

    def ready(self):
        from imhhv.audit import checks  # noqa: F401  (registers the deploy checks)
