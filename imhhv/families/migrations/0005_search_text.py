"""Family and referral search text (issue 9, find anything), filled for the rows that exist.

The backfill reads names in batches of ids (a statewide database holds ~38,000 families)
and writes them with `bulk_update`: a few hundred statements, on SQLite and PostgreSQL
alike. It folds names with `imhhv.core.search.search_text`, the function the services use
from now on.

No trigram index: every search is scoped to one agency (or one caseload) first, so the
LIKE runs over that agency's rows only, a few thousand at most (see queries.search).
"""

from collections import defaultdict

from django.db import migrations, models

from imhhv.core.search import search_text

BATCH = 2000


def _fill(model, people_models, owner: str, label_fields) -> None:
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        names: dict[int, list[str]] = defaultdict(list)
        for pk, *label in model.objects.filter(pk__in=chunk).values_list("pk", *label_fields):
            names[pk].extend(label)
        for people, fields in people_models:
            rows = people.objects.filter(**{f"{owner}_id__in": chunk}).order_by("pk")
            for owner_id, *parts in rows.values_list(f"{owner}_id", *fields):
                names[owner_id].extend(parts)
        rows = [model(pk=pk, search_text=search_text(names[pk])) for pk in chunk]
        model.objects.bulk_update(rows, ["search_text"], batch_size=500)


def forwards(apps, schema_editor):
    get = apps.get_model
    _fill(
        get("families", "Family"),
        [
            (get("families", "Caregiver"), ("first_name", "last_name")),
            (get("families", "Child"), ("first_name",)),
        ],
        "family",
        ("display_name",),
    )
    _fill(
        get("families", "Referral"),
        [
            (get("families", "ReferralCaregiver"), ("first_name", "last_name")),
            (get("families", "ReferralChild"), ("first_name",)),
        ],
        "referral",
        (),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0004_episodes_by_end"),
    ]

    operations = [
        migrations.AddField(
            model_name="family",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="referral",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
