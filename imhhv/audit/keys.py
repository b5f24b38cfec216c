"""The audit chain's secret keys: read from settings (the environment), never the database.

`AUDIT_HMAC_KEYS` maps key ids to secrets; `AUDIT_HMAC_KEY_ID` names the one new events
are sealed with. Rotation: add the new key, point `AUDIT_HMAC_KEY_ID` at it, and keep the
old keys configured for as long as their events must verify. Settings are read on every
call (not cached), so a test or a reload sees the current configuration.
"""

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
# Fixed, public and therefore worthless: only DEBUG, tests and the demo fall back to it.
DEVELOPMENT_KEY_ID = "dev"
DEVELOPMENT_KEY = "insecure-development-audit-key-never-use-in-production"
MIN_KEY_LENGTH = 32


def parse_keys(value: str) -> dict[str, str]:
    """`"id1:secret1,id2:secret2"` as a dict; malformed input raises ImproperlyConfigured."""
    keys: dict[str, str] = {}
    for entry in value.split(","):
        entry = entry.strip()
        if not entry:
            continue
        key_id, sep, secret = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not secret or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                "AUDIT_HMAC_KEYS must be 'id:secret' pairs separated by commas; key ids are "
                "1-32 letters, digits, '.', '_' or '-'."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEYS names key id {key_id!r} twice.")
        keys[key_id] = secret
    return keys


def configured_keys() -> Mapping[str, bytes]:
    """Every configured key, by id, as bytes for HMAC."""
    return {
        key_id: secret.encode()
        for key_id, secret in getattr(settings, "AUDIT_HMAC_KEYS", {}).items()
    }


def current_key() -> tuple[str, bytes]:
    """(key id, key) new events are sealed with; fails closed when none is configured."""
    key_id = getattr(settings, "AUDIT_HMAC_KEY_ID", "")
    keys = configured_keys()
    if not key_id or key_id not in keys:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEY_ID must name a key in AUDIT_HMAC_KEYS: audit events cannot be sealed."
        )
    return key_id, keys[key_id]


def legacy_through() -> int:
    """The last seq at which an unkeyed (pre-HMAC) event is still accepted (0: none)."""
    return int(getattr(settings, "AUDIT_LEGACY_SEQ_MAX", 0))
