"""The move of ProgramPolicy and RiskFactor into `reference` keeps every row.

A database migrated to the last migrations before the move, holding a policy version, a
state-added risk factor and a referral that cites it, is migrated forward; the rows are
read back through the new models, the referral still cites its factor, and the content
types followed the models. Then the move is reversed and replayed (both directions are
state only).
"""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("agencies", "0002_programpolicy"),
    ("families", "0002_risk_factors"),
    ("reference", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_the_rows():
    latest = leaves()
    old = migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="agencies", model="programpolicy")
    ContentType.objects.get_or_create(app_label="families", model="riskfactor")
    State = old.get_model("agencies", "State")
    Agency = old.get_model("agencies", "Agency")
    OldPolicy = old.get_model("agencies", "ProgramPolicy")
    OldFactor = old.get_model("families", "RiskFactor")
    OldReferral = old.get_model("families", "Referral")
    OldPolicy.objects.create(effective_from=date(2026, 1, 1), caseload_cap_per_fte=12)
    factor = OldFactor.objects.create(code="housing", label="Housing", applies_to="parent")
    agency = Agency.objects.create(state=State.objects.create(name="M", code="MI"), name="A")
    referral = OldReferral.objects.create(
        agency=agency, referral_date=date(2026, 2, 1), source="self"
    )
    referral.risk_factors.add(factor)
    starter = OldFactor.objects.count()

    new = migrate(latest)
    Policy = new.get_model("reference", "ProgramPolicy")
    Factor = new.get_model("reference", "RiskFactor")
    Referral = new.get_model("families", "Referral")
    assert Policy.objects.get().caseload_cap_per_fte == 12
    assert Factor.objects.count() == starter
    moved = Factor.objects.get(code="housing")
    assert list(Referral.objects.get(pk=referral.pk).risk_factors.all()) == [moved]
    assert Referral.objects.filter(risk_factors__code="housing").count() == 1
    ContentType = new.get_model("contenttypes", "ContentType")
    labels = set(
        ContentType.objects.filter(model__in=["programpolicy", "riskfactor"]).values_list(
            "app_label", "model"
        )
    )
    assert labels == {("reference", "programpolicy"), ("reference", "riskfactor")}

    # Back and forth again: still nothing lost.
    migrate(BEFORE)
    migrate(latest)
    assert Factor.objects.filter(code="housing").exists() and Policy.objects.count() == 1
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"agencies_programpolicy", "families_riskfactor"} <= tables
