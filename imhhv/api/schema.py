"""The OpenAPI description: token authentication, responses every endpoint can give, and
the schema and docs views.

`document_common_responses` is a drf-spectacular postprocessing hook: it documents, once,
the answers any endpoint may give besides its own (401 without a valid token, 429 when
throttled, 404 for a page number past the end of a paginated list), so the schema says
what is really sent; the fuzz test checks every response against it.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from imhhv.accounts.policies import SIGNED_IN
from imhhv.api.permissions import PolicyPermission


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "imhhv.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token sign-in: `Authorization: Token <key>` "
            "(from POST /api/v1/auth/token/; valid 8 hours).",
        }


_DETAIL = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
COMMON_RESPONSES = {
    "401": "No valid token or session.",
    "429": "Too many requests: wait and retry (the detail says how long).",
}
PAGE_PAST_THE_END = "Missing or out of scope (alike), or a page number that does not exist."


def document_common_responses(result, generator, request, public):
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, text in COMMON_RESPONSES.items():
                responses.setdefault(code, {"description": text, "content": _DETAIL})
            paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if method == "get" and paginated:
                responses.setdefault("404", {"description": PAGE_PAST_THE_END, "content": _DETAIL})
    return result


class SchemaView(SpectacularAPIView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]


class DocsView(SpectacularSwaggerSplitView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]
