from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "imhhv.families"
    label = "families"

    def ready(self) -> None:
        # Enrollment and new-referral forms keep server-side drafts (imhhv/drafts sits
        # below families: it learns of the forms through its registry).
        from imhhv.families.drafting import register_forms

        register_forms()

        # The audit page finds families by name in the reader's scope and links events to
        # charts and referrals; audit sits below families, so it asks through a registry.
        from imhhv.audit.access import register_family_finder, register_record_links
        from imhhv.families.queries import family_ids_named, family_links, referral_links

        register_family_finder(family_ids_named)
        register_record_links("family", family_links)
        register_record_links("referral", referral_links)
