"""The starter fidelity catalogue: the seven key components (DOMAIN.md §4) and a short list
of strategies under each, written for this project from the model's public descriptions.
It is labelled as the starter catalogue until the state loads its own tool (whose items
are not public)."""

from django.db import migrations
from django.utils import timezone

STARTER = (
    ("alliance", "Building an alliance", "A trusting relationship that makes it safe to explore feelings", (
        ("follow_lead", "Followed the family's lead on what to talk about", "yes_no"),
        ("reflect_feelings", "Reflected the caregiver's feelings back to them", "rating"),
        ("reliable", "Was reliable: arrived as agreed and followed up on promises", "yes_no"),
    )),
    ("material_needs", "Material needs", "Concrete help with basic needs", (
        ("concrete_help", "Helped the family meet a concrete need (food, housing, transport, benefits)", "yes_no"),
        ("linked_resource", "Linked the family to a community resource", "yes_no"),
    )),
    ("emotional_support", "Emotional support", "Support through crises and challenges", (
        ("stayed_with_distress", "Listened to and stayed with the caregiver's distress", "rating"),
        ("crisis_support", "Helped the caregiver through a current crisis", "yes_no"),
    )),
    ("developmental_guidance", "Developmental guidance", "The child's current and expected capacities", (
        ("capacities_now_next", "Talked with the caregiver about what the child can do now and next", "rating"),
        ("watched_together", "Watched the child together and wondered about the child's experience", "rating"),
    )),
    ("infant_parent_psychotherapy", "Infant-parent psychotherapy", "Separating past or present pain from the child", (
        ("past_shapes_present", "Explored how the caregiver's own history shapes feelings toward the child", "rating"),
        ("child_as_self", "Helped the caregiver see the child apart from past or present pain", "rating"),
    )),
    ("life_coping", "Life coping skills and social supports", "Everyday coping and supportive relationships", (
        ("practised_skill", "Practised a coping or problem-solving skill with the caregiver", "yes_no"),
        ("social_ties", "Strengthened the family's ties with supportive people", "yes_no"),
    )),
    ("culturally_responsive", "Culturally responsive and diversity-informed practice", "Respect for the family's culture and identity", (
        ("asked_beliefs", "Asked about and respected the family's cultural beliefs and practices", "yes_no"),
        ("identity_context", "Considered how race, culture or identity shape the family's experience", "rating"),
    )),
)


def forwards(apps, schema_editor):
    Catalogue = apps.get_model("visits", "Catalogue")
    KeyComponent = apps.get_model("visits", "KeyComponent")
    Strategy = apps.get_model("visits", "Strategy")
    if Catalogue.objects.exists():
        return
    catalogue = Catalogue.objects.create(
        version=1, title="Starter catalogue (until the state loads its fidelity tool)",
        is_starter=True, published_at=timezone.now(),
    )
    for order, (code, label, description, strategies) in enumerate(STARTER, start=1):
        component = KeyComponent.objects.create(
            catalogue=catalogue, code=code, label=label, description=description, order=order
        )
        for s_order, (s_code, text, response_type) in enumerate(strategies, start=1):
            Strategy.objects.create(
                component=component, code=s_code, text=text, response_type=response_type, order=s_order
            )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
