"""Deployment checks for the audit chain's keys (`manage.py check --deploy`).

Settings already refuse to start without keys when DEBUG is off; these catch a deployment
that runs on the public development key (as DEMO_MODE allows) or on a short key.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

from imhhv.audit.keys import DEVELOPMENT_KEY, MIN_KEY_LENGTH


@register(Tags.security, deploy=True)
def check_audit_keys(app_configs, **kwargs):
    errors = []
    keys = getattr(settings, "AUDIT_HMAC_KEYS", {})
    current = getattr(settings, "AUDIT_HMAC_KEY_ID", "")
    if current not in keys:
        errors.append(Error("AUDIT_HMAC_KEY_ID names no key in AUDIT_HMAC_KEYS.", id="audit.E001"))
    for key_id, secret in keys.items():
        if secret == DEVELOPMENT_KEY:
            errors.append(
                Error(
                    f"Audit key {key_id!r} is the public development key.",
                    hint="Set AUDIT_HMAC_KEYS to a random secret kept outside the database.",
                    id="audit.E002",
                )
            )
        elif len(secret) < MIN_KEY_LENGTH:
            errors.append(
                Error(
                    f"Audit key {key_id!r} is shorter than {MIN_KEY_LENGTH} characters.",
                    id="audit.E003",
                )
            )
    return errors
