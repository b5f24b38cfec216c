import json

from django.core.management.base import BaseCommand

from imhhv.accounts.models import User
from imhhv.demo.data import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo users (username, password, role, agency, team)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON list")

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
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for r in rows:
            where = " / ".join(x for x in (r["agency"], r["team"]) if x)
            self.stdout.write(f"  {r['username']:<24} {r['role'] or 'no active role':<14} {where}")
