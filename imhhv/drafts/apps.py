from django.apps import AppConfig


class DraftsConfig(AppConfig):
    """Server-side drafts of long forms (issue 9, "never lose work").

    Sits beside accounts/agencies/audit: it imports nothing above them. The apps that own
    the forms (families, visits) register their forms in `imhhv.drafts.registry` from their
    own `ready()`, so this app never imports them.
    """

    name = "imhhv.drafts"
    label = "drafts"
