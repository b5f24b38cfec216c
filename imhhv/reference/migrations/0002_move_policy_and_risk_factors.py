"""ProgramPolicy (from agencies) and RiskFactor (from families) join the reference app.

State only: the tables keep their names (`db_table`), so no row moves and nothing is
copied. The content types are renamed in place, so permissions and anything keyed by
content type follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVES = (("agencies", "programpolicy"), ("families", "riskfactor"))


def rename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVES:
        if not ContentType.objects.filter(app_label="reference", model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(
                app_label="reference"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVES:
        if not ContentType.objects.filter(app_label=old_app, model=model).exists():
            ContentType.objects.filter(app_label="reference", model=model).update(
                app_label=old_app
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
        ("agencies", "0002_programpolicy"),
        ("families", "0002_risk_factors"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProgramPolicy",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("effective_from", models.DateField(unique=True)),
                        ("age_limit_months", models.PositiveSmallIntegerField(default=36, help_text="A child must be younger than this at screening (months).")),
                        ("caseload_cap_per_fte", models.PositiveSmallIntegerField(default=15, help_text="Families per full-time home visitor.")),
                        ("waitlist_priority", models.CharField(default="pregnant,youngest_child,risk_count,days_waiting", help_text="Waitlist order, most important first.", max_length=200)),
                        ("transition_planning_months", models.PositiveSmallIntegerField(default=33, help_text="From this age the chart shows the transition-planning banner.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name_plural": "program policies",
                        "db_table": "agencies_programpolicy",
                        "ordering": ["-effective_from"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("age_limit_months__gte", 1), ("age_limit_months__lte", 60)), name="policy_age_limit_in_range"),
                            models.CheckConstraint(condition=models.Q(("caseload_cap_per_fte__gte", 1), ("caseload_cap_per_fte__lte", 40)), name="policy_cap_in_range"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RiskFactor",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, unique=True)),
                        ("label", models.CharField(max_length=200)),
                        ("applies_to", models.CharField(choices=[("parent", "Parent"), ("child", "Child")], max_length=10)),
                        ("active", models.BooleanField(default=True)),
                        ("sort_order", models.PositiveSmallIntegerField(default=100)),
                    ],
                    options={
                        "db_table": "families_riskfactor",
                        "ordering": ["applies_to", "sort_order", "label"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
