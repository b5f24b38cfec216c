"""Plain-language messages for constraint violations (issue 9): no change to the database
(AlterConstraint of violation_error_message only; sqlmigrate shows no-ops)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0005_search_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="assignment",
            name="assignment_ends_after_start",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="assignment_ends_after_start",
                violation_error_message="An assignment cannot end before it starts.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="child",
            name="child_born_or_expected",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("birth_date__isnull", False), ("due_date__isnull", False), _connector="OR"
                ),
                name="child_born_or_expected",
                violation_error_message="Give the child's birth date, or the due date for an expected child.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="child",
            name="child_gestational_age_in_range",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("gestational_age_weeks__isnull", True),
                    models.Q(
                        ("gestational_age_weeks__gte", 20), ("gestational_age_weeks__lte", 45)
                    ),
                    _connector="OR",
                ),
                name="child_gestational_age_in_range",
                violation_error_message="Gestational age at birth is between 20 and 45 weeks.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="child",
            name="child_birth_weight_in_range",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("birth_weight_grams__isnull", True),
                    models.Q(("birth_weight_grams__gte", 200), ("birth_weight_grams__lte", 7000)),
                    _connector="OR",
                ),
                name="child_birth_weight_in_range",
                violation_error_message="Birth weight is between 200 and 7,000 grams.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="consent",
            name="consent_revoked_after_given",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revoked_on__isnull", True),
                    ("revoked_on__gte", models.F("given_on")),
                    _connector="OR",
                ),
                name="consent_revoked_after_given",
                violation_error_message="A consent cannot be revoked before the day it was given.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="enrollment",
            name="enrollment_discharged_after_enrolled",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("discharged_on__isnull", True),
                    ("discharged_on__gte", models.F("enrolled_on")),
                    _connector="OR",
                ),
                name="enrollment_discharged_after_enrolled",
                violation_error_message="The discharge date cannot be before the enrollment date.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="enrollment",
            name="one_open_enrollment_per_family",
            constraint=models.UniqueConstraint(
                condition=models.Q(("discharged_on__isnull", True)),
                fields=("family",),
                name="one_open_enrollment_per_family",
                violation_error_message="This family already has an open episode: discharge it first.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="enrollment",
            name="enrollment_gestational_weeks_in_range",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("gestational_weeks_at_enrollment__isnull", True),
                    models.Q(
                        ("gestational_weeks_at_enrollment__gte", 4),
                        ("gestational_weeks_at_enrollment__lte", 42),
                    ),
                    _connector="OR",
                ),
                name="enrollment_gestational_weeks_in_range",
                violation_error_message="Weeks of pregnancy at enrollment are between 4 and 42.",
            ),
        ),
    ]
