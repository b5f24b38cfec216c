"""restore_probe: write one synthetic visit through the visits service, or check for one.

The restore drill (`.ci/restore-drill`) writes visit A, notes the time, writes visit B,
restores a copy of the database to that time and asks the copy for each visit: A must be
there, B must not.

    manage.py restore_probe write [--force]
        {"visit": 12, "marker": "…", "family": 3, "committed_at": "…", "wal_file": "…"}
    manage.py restore_probe check --visit 12 [--marker …]
        {"visit": 12, "present": true}      exit 0 when present, 1 when not

Decisions:
- The write is `imhhv.visits.services.document_visit`, the service behind the visit page
  and the API: the visit arrives with its key component and its audit event in the one
  transaction production commits, which is exactly what a restore has to bring back.
- Synthetic databases only: like seed_demo, `write` refuses unless DEMO_MODE or DEBUG is
  on or --force is given. A drill on production data proves the restore with the audit
  chain instead (`audit_checkpoint` before, `verify_audit --checkpoint` after), which
  writes nothing into a real family's chart.
- The family is the first (by id) with an open episode begun before yesterday and a home
  visitor, as seed_demo makes many; the visit is a completed 90-minute home visit by that
  home visitor that ended 15 minutes ago. With no such family the command says to run
  seed_demo: it does not invent an agency's staff.
- `committed_at` is the database server's clock read right after the commit
  (`clock_timestamp()` on PostgreSQL): recovery_target_time is compared with the commit
  times the server writes into its WAL, not with the application host's clock. On
  PostgreSQL the line also names the WAL file holding the commit (`wal_file`, from
  `pg_current_wal_lsn()` just after it, so at worst a later one), for measuring how long
  until it is archived.
- The marker is a random token in the note; `check --marker` confirms that the row found
  is the one written, not another that took the same id.
"""

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from imhhv.families.models import Family
from imhhv.visits.models import Visit
from imhhv.visits.services import current_catalogue, document_visit

NOTE = "Restore probe {marker}: synthetic visit written by restore_probe for a restore drill."
VISIT_MINUTES = 90
ENDED_MINUTES_AGO = 15


def _server_now() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0].isoformat()
    return timezone.now().isoformat()


def _wal_position() -> dict:
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lsn::text, pg_walfile_name(lsn) FROM (SELECT pg_current_wal_lsn() AS lsn) s"
        )
        lsn, wal_file = cursor.fetchone()
    return {"wal_lsn": lsn, "wal_file": wal_file}


class Command(BaseCommand):
    help = (
        "For restore drills: 'write' documents one synthetic visit through the visits "
        "service and prints its id, marker and commit time as JSON; 'check --visit ID' "
        "exits 0 if that visit exists, 1 if not."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        write = sub.add_parser("write", help="document one synthetic visit")
        write.add_argument(
            "--force", action="store_true", help="run even when DEMO_MODE and DEBUG are off"
        )
        check = sub.add_parser("check", help="exit 0 if the visit exists, 1 if not")
        check.add_argument("--visit", type=int, required=True, help="the visit id to look for")
        check.add_argument("--marker", help="also require the marker 'write' printed")

    def handle(self, *args, **options):
        if options["action"] == "write":
            self._write(force=options["force"])
        else:
            self._check(visit_id=options["visit"], marker=options["marker"])

    def _write(self, *, force: bool) -> None:
        if not (settings.DEBUG or settings.DEMO_MODE or force):
            raise CommandError(
                "restore_probe writes a synthetic visit; it runs only with DEMO_MODE=1 or "
                "DEBUG=1 (a demo or drill database). Use --force if you really mean it."
            )
        catalogue = current_catalogue()
        component = catalogue.components.order_by("pk").first() if catalogue else None
        yesterday = timezone.localdate() - timedelta(days=1)
        family = (
            Family.objects.filter(
                home_visitor__isnull=False,
                enrollments__discharged_on__isnull=True,
                enrollments__enrolled_on__lt=yesterday,
            )
            .select_related("home_visitor")
            .order_by("pk")
            .first()
        )
        if family is None or component is None:
            raise CommandError(
                "No family in care with a home visitor (or no fidelity catalogue): run "
                "`manage.py seed_demo` first."
            )
        marker = secrets.token_hex(8)
        ended = timezone.now() - timedelta(minutes=ENDED_MINUTES_AGO)
        with transaction.atomic():
            visit = document_visit(
                family=family,
                visitor=family.home_visitor,
                by=family.home_visitor,
                data={
                    "outcome": Visit.Outcome.COMPLETED,
                    "started_at": ended - timedelta(minutes=VISIT_MINUTES),
                    "ended_at": ended,
                    "place": Visit.Place.HOME,
                    "note": NOTE.format(marker=marker),
                    "next_steps": "None: synthetic.",
                },
                components=[component.code],
            )
        # Outside the transaction: the commit has happened when these are read.
        line = {
            "visit": visit.pk,
            "marker": marker,
            "family": family.pk,
            "committed_at": _server_now(),
            **_wal_position(),
        }
        self.stdout.write(json.dumps(line))

    def _check(self, *, visit_id: int, marker: str | None) -> None:
        note = Visit.objects.filter(pk=visit_id).values_list("note", flat=True).first()
        present = note is not None and (marker is None or marker in note)
        line = {"visit": visit_id, "present": present}
        if marker is not None:
            line["marker"] = marker
        self.stdout.write(json.dumps(line))
        if not present:
            raise SystemExit(1)
