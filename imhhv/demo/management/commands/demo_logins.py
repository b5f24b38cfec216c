"""Print the demo accounts: all of them (default, or `--json`), or one per role
(`--by-role`, the short table `make run` ends with)."""

import json

from django.core.management.base import BaseCommand

from imhhv.accounts.models import User
from imhhv.core.roles import ROLE_LABELS, Role
from imhhv.demo.data import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD

NO_ROLE = "No active role"


class Command(BaseCommand):
    help = "Print the demo users (username, password, role, agency, team)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON list")
        parser.add_argument(
            "--by-role",
            action="store_true",
            help="a short table: the first demo user of each role (and one with no role)",
        )

    def handle(self, *args, **options):
        rows = []
        users = User.objects.filter(
            email__endswith=f"@{DEMO_EMAIL_DOMAIN}", is_active=True
        ).order_by("pk")
        for user in users:
            m = user.membership
            rows.append(
                {
                    "username": user.username,
                    "password": DEMO_PASSWORD,
                    "role": m.role if m else None,
                    "agency": m.agency.name if m and m.agency else None,
                    "team": m.team.name if m and m.team else None,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if options["by_role"]:
            self._by_role(rows)
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for r in rows:
            where = " / ".join(x for x in (r["agency"], r["team"]) if x)
            self.stdout.write(f"  {r['username']:<24} {r['role'] or 'no active role':<14} {where}")

    def _by_role(self, rows: list[dict]) -> None:
        """One account per role, in the order of the roles (then the account without a
        role), so the table stays a few lines however many agencies are seeded."""
        first: dict[str | None, dict] = {}
        for r in rows:
            first.setdefault(r["role"], r)
        order = [*(role.value for role in Role), None]
        shown = [
            (ROLE_LABELS[Role(role)] if role else NO_ROLE, first[role])
            for role in order
            if role in first
        ]
        if not shown:
            self.stdout.write("No demo logins: the database holds no demo data.")
            return
        self.stdout.write(f"Demo logins, one per role (password for all: {DEMO_PASSWORD}):")
        width = max(len(label) for label, _ in shown)
        name_width = max(len(r["username"]) for _, r in shown)
        for label, r in shown:
            where = " / ".join(x for x in (r["agency"], r["team"]) if x)
            line = f"  {label:<{width}}  {r['username']:<{name_width}}  {where}"
            self.stdout.write(line.rstrip())
        self.stdout.write(f"All {len(rows)} demo logins: make logins")
