import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imhhv.agencies.models import Agency
from imhhv.demo.data import seed
from imhhv.demo.data.visits import seed_visits


class Command(BaseCommand):
    help = (
        "Create synthetic demo data: agencies, teams, staff in every role, families, "
        "referrals in every status."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even when DEMO_MODE and DEBUG are off"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing if agencies exist")
        parser.add_argument(
            "--families-per-visitor", type=int, nargs=2, default=[12, 15], metavar=("LOW", "HIGH")
        )

    def handle(self, *args, **options):
        # Demo mode is not debug mode: `make run` seeds with DEMO_MODE=1 and DEBUG off.
        if not (settings.DEBUG or settings.DEMO_MODE) and not options["force"]:
            raise CommandError(
                "seed_demo writes synthetic data; it runs only with DEMO_MODE=1 (as `make run` "
                "sets it) or DEBUG=1. Use --force if you really mean it."
            )
        if Agency.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError(
                "The database already holds agencies; seed_demo runs on an empty one."
            )
        low, high = options["families_per_visitor"]
        if not 0 <= low <= high:
            raise CommandError("--families-per-visitor needs 0 <= LOW <= HIGH.")
        started = time.perf_counter()
        result = seed(families_per_visitor=(low, high))
        visits = seed_visits()
        took = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {result.summary()}, {visits:,} visits in {took:.1f} s (all synthetic)."
        )
