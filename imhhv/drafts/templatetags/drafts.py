"""`{% session_attrs %}` on <body>: what static/js/session.js needs, only when signed in."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def session_attrs(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html(
        ' data-idle-seconds="{}" data-keepalive-url="{}"',
        int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        reverse("accounts:keepalive"),
    )
