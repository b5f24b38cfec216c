"""RiskFactor now belongs to the reference app: state only.

The referral's many-to-many keeps its table (families_referral_risk_factors) and columns
(referral_id, riskfactor_id), which point at the same families_riskfactor table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0002_risk_factors"),
        ("reference", "0002_move_policy_and_risk_factors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="risk_factors",
                    field=models.ManyToManyField(blank=True, related_name="+", to="reference.riskfactor"),
                ),
                migrations.DeleteModel(name="RiskFactor"),
            ],
            database_operations=[],
        )
    ]
