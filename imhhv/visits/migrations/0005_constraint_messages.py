"""Plain-language messages for constraint violations (issue 9): no change to the database
(AlterConstraint of violation_error_message only; sqlmigrate shows no-ops)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0006_constraint_messages"),
        ("visits", "0004_streak_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="keycomponent",
            name="component_code_unique_in_catalogue",
            constraint=models.UniqueConstraint(
                fields=("catalogue", "code"),
                name="component_code_unique_in_catalogue",
                violation_error_message="This catalogue already has a key component with that code.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="strategy",
            name="strategy_code_unique_in_component",
            constraint=models.UniqueConstraint(
                fields=("component", "code"),
                name="strategy_code_unique_in_component",
                violation_error_message="This key component already has a strategy with that code.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="strategyresponse",
            name="one_response_per_strategy",
            constraint=models.UniqueConstraint(
                fields=("visit", "strategy"),
                name="one_response_per_strategy",
                violation_error_message="Each strategy takes one answer per visit.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="strategyresponse",
            name="strategy_value_in_range",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__lte", 3)),
                name="strategy_value_in_range",
                violation_error_message="A strategy's rating is from 0 to 3.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="visit",
            name="visit_ends_after_start",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ended_at__isnull", True),
                    ("started_at__isnull", True),
                    ("ended_at__gt", models.F("started_at")),
                    _connector="OR",
                ),
                name="visit_ends_after_start",
                violation_error_message="A visit ends after it starts: check the start and end times.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="visitplan",
            name="paused_plan_has_an_end",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("frequency", "paused"), _negated=True),
                    models.Q(
                        ("paused_until__isnull", False),
                        ("paused_until__gte", models.F("effective_from")),
                    ),
                    _connector="OR",
                ),
                name="paused_plan_has_an_end",
                violation_error_message="A pause needs an end date on or after the day the plan changes.",
            ),
        ),
    ]
