"""ProgramPolicy now belongs to the reference app: state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_programpolicy"),
        ("reference", "0002_move_policy_and_risk_factors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ProgramPolicy")],
            database_operations=[],
        )
    ]
