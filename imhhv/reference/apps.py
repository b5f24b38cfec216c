from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """Reference data every app reads (DESIGN.md layers: core <- reference <- the rest)."""

    name = "imhhv.reference"
    label = "reference"
