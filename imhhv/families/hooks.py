"""What other apps do when a family's episodes change: the `family_changed` hook.

families sits below visits (DESIGN.md, Layout), yet enrolling, discharging, re-enrolling
or assigning a family changes the fidelity week facts that visits keeps. So families
defines the hook and visits registers its refresh in `AppConfig.ready()`:

    from imhhv.families.hooks import on_family_changed
    on_family_changed("week_facts", refresh_family)

`family_changed(family_id)` runs every callback in the caller's transaction: the services
are atomic, so a failing refresh undoes the write, and a rolled-back write leaves the
facts unchanged.
"""

from collections.abc import Callable

_callbacks: dict[str, Callable[[int], None]] = {}


def on_family_changed(name: str, callback: Callable[[int], None]) -> None:
    """Register `callback(family_id)` under `name` (re-registering replaces it)."""
    _callbacks[name] = callback


def family_changed(family_id: int) -> None:
    for callback in list(_callbacks.values()):
        callback(family_id)
