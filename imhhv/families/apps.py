from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "imhhv.families"
    label = "families"

    def ready(self) -> None:
        # Enrollment and new-referral forms keep server-side drafts (imhhv/drafts sits
        # below families: it learns of the forms through its registry).
        from imhhv.families.drafting import register_forms

        register_forms()
