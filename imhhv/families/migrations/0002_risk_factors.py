"""The reference list of risk factors (DOMAIN.md §3); administrators may extend it."""

from django.db import migrations

# Frozen here: later edits of the list in imhhv.core do not rewrite history.
RISK_FACTORS = (
    ('trauma_loss', 'Experiences of trauma, loss, abuse or neglect', 'parent'),
    ('mental_illness', 'Depression or other mental illness', 'parent'),
    ('substance_use', 'Substance use', 'parent'),
    ('domestic_violence', 'Domestic violence', 'parent'),
    ('low_income', 'Poverty or low income', 'parent'),
    ('young_parent', 'Pregnant under 21', 'parent'),
    ('child_welfare', 'History of child abuse or neglect, or child-welfare involvement', 'parent'),
    ('complex_needs', 'More than one young child with complex co-occurring needs', 'parent'),
    ('social_emotional', 'Social-emotional or regulatory concerns', 'child'),
    ('developmental_delay', 'Developmental delay or disability', 'child'),
    ('premature_fragile', 'Prematurity or medical fragility', 'child'),
)


def forwards(apps, schema_editor):
    RiskFactor = apps.get_model("families", "RiskFactor")
    for order, (code, label, applies_to) in enumerate(RISK_FACTORS, start=1):
        RiskFactor.objects.update_or_create(
            code=code, defaults={"label": label, "applies_to": applies_to, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
