from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "imhhv.api"
    label = "api"

    def ready(self):
        from imhhv.accounts.hooks import on_access_revoked
        from imhhv.api import schema  # noqa: F401  registers the OpenAPI extension
        from imhhv.api.services import revoke_all_tokens

        # accounts may not import the API (layers); it fires this hook on deactivation
        # and on "sign out everywhere", and the API revokes the person's tokens.
        on_access_revoked("api_tokens", lambda user: revoke_all_tokens(user=user))
