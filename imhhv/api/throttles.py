"""API rate limits (DRF throttles), on top of the sign-in lockouts in accounts.

Two limits, rates in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (settings, env-driven):

- `api_user` (default 600/min) on every endpoint: per person once signed in (token or
  session), per source address before. Generous: a busy integration or a page-by-page
  export stays far below it; a runaway script or a scraper does not.
- `token_sign_in` (default 10/min) on POST /api/v1/auth/token/, per source address: the
  endpoint is anonymous and checks passwords, so it is strict. django-axes (per username
  and address) and the per-address failure lock (`imhhv.accounts.throttling`) still apply
  behind it; this one also slows down successful-looking traffic and password checks,
  which cost Argon2 time.

Over a limit the answer is 429 with a `Retry-After` header and a detail that says which
limit and when to retry. The first refusal per key and window writes one `api.throttled`
audit event (denied); the refusals after it do not, so a flood cannot make the audit chain,
which serialises its writes, the bottleneck.

The source address is the audit's (`imhhv.audit.middleware.client_ip`, honouring
`TRUSTED_PROXY_COUNT`), not DRF's own guess. Counts live in the default cache (see
`CACHES` in settings). Rates are read per request, so `override_settings` works in tests.
"""

from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from imhhv.audit.middleware import client_ip
from imhhv.audit.models import Outcome
from imhhv.audit.services import record


class _AuditedRateThrottle(SimpleRateThrottle):
    refusal = "Too many requests."

    def get_rate(self):
        # Fresh from settings on every request (DRF's class attribute is read at import).
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()

    def _ident(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return f"ip-{client_ip(request._request) or 'unknown'}"

    def throttle_failure(self):
        wait = self.wait()
        if cache.add(f"{self.key}:audited", 1, timeout=int(wait or self.duration) + 1):
            request = self._request
            user = getattr(request, "user", None)
            record(
                action="api.throttled",
                outcome=Outcome.DENIED,
                user=user if user is not None and user.is_authenticated else None,
                details={"limit": self.scope, "rate": self.rate},
            )
        raise Throttled(wait=wait, detail=self.refusal.format(rate=self.rate))

    def allow_request(self, request, view):
        self._request = request
        return super().allow_request(request, view)


class ApiUserThrottle(_AuditedRateThrottle):
    """Every endpoint: per person, or per address before sign-in."""

    scope = "api_user"
    refusal = "Too many requests: the API allows {rate} per person. Slow down and retry."

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self._ident(request)}


class TokenSignInThrottle(_AuditedRateThrottle):
    """POST /api/v1/auth/token/: per source address, whatever the username."""

    scope = "token_sign_in"
    refusal = "Too many sign-in requests from this address (the limit is {rate}). Retry later."

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = f"ip-{client_ip(request._request) or 'unknown'}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
