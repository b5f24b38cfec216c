"""OpenAPI description of our token authentication (loaded by the app config)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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


from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView  # noqa: E402

from imhhv.accounts.policies import SIGNED_IN  # noqa: E402
from imhhv.api.permissions import PolicyPermission  # noqa: E402


class SchemaView(SpectacularAPIView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]


class DocsView(SpectacularSwaggerSplitView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]
