"""`demo_logins --by-role`: the short table `make run` ends with, one account per role."""

from io import StringIO

from django.core.management import call_command
from django.db import transaction

from imhhv.accounts.models import User
from imhhv.core.roles import ROLE_LABELS, Role
from imhhv.demo.data import DEMO_PASSWORD, seed


def run(*args) -> list[str]:
    out = StringIO()
    call_command("demo_logins", *args, stdout=out)
    return out.getvalue().splitlines()


def test_one_line_per_role_and_one_without_a_role(db):
    with transaction.atomic():
        seed(families_per_visitor=(1, 1))
    lines = run("--by-role")
    assert DEMO_PASSWORD in lines[0]
    table = lines[1:-1]
    labels = [ROLE_LABELS[role] for role in Role] + ["No active role"]
    assert len(table) == len(labels)
    for label, line in zip(labels, table, strict=True):
        username = line[2:].removeprefix(label).split()[0]
        assert line.strip().startswith(label)
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert (user.role is None) == (label == "No active role")
        if user.role:
            assert ROLE_LABELS[user.role] == label
    total = len(run()) - 1  # the full list: a heading, then one line per account
    assert lines[-1] == f"All {total} demo logins: make logins"
    assert total > len(table)


def test_without_demo_data_it_says_so(db):
    assert run("--by-role") == ["No demo logins: the database holds no demo data."]
