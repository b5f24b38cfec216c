"""The staff-record and reflective-supervision pages: the access trio (works / another
agency's staff is a 404 / without the capability a 403) and exactly one audit event per
request on each page; bad input shown with what was typed and nothing saved; the
certificate upload and download; session notes never on a page for someone outside the
session (the agency administrator, the state, a home visitor not in it)."""

from datetime import timedelta
from decimal import Decimal
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.workforce import services
from imhhv.workforce.models import (
    License,
    SupervisionSession,
    TrainingEntry,
    TrainingEvidence,
    Waiver,
)
from imhhv.workforce.tests.helpers import NOTE, session, yesterday
from tests.factories import MembershipFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"synthetic certificate bytes"
THEMES = "Synthetic theme: pacing with a tired parent"
SESSIONS = reverse("workforce:sessions")
NEW_SESSION = reverse("workforce:session_new")


def profile_url(staff):
    return reverse("workforce:profile", args=[staff.pk])


def add_url(staff, kind):
    return reverse("workforce:add", args=[staff.pk, kind])


def outcomes(events):
    return [(e.action, e.outcome) for e in events]


def html(response) -> str:
    return response.content.decode()


def add_training(by, staff, **kwargs):
    values = {
        "day": timezone.localdate(),
        "title": "Synthetic course",
        "hours": Decimal("3"),
        "category": rules.RELATIONSHIP_BASED,
    }
    return services.add_training(by=by, staff_id=staff.pk, **(values | kwargs))


@pytest.fixture
def moved(cast):
    """A former home visitor of agency A now at agency B: agency A's administrator still
    reads their record (history) but may not add to it."""
    user = UserFactory(username="moved_away")
    today = timezone.localdate()
    MembershipFactory(
        user=user,
        role=Role.HOME_VISITOR,
        agency=cast.agency_a,
        team=cast.team_a,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=30),
    )
    MembershipFactory(
        user=user,
        role=Role.HOME_VISITOR,
        agency=cast.agency_b,
        team=cast.team_b,
        start_date=today - timedelta(days=29),
    )
    return user


# ---------------------------------------------------------------- the profile


@pytest.mark.parametrize(
    ("reader", "staff"),
    [("hv_a", "hv_a"), ("sup_a", "hv_a"), ("admin_a", "hv_a_other_team"), ("state_admin", "hv_b")],
)
def test_the_profile_opens_with_one_read_event(cast, login, new_events, reader, staff):
    response = login(getattr(cast, reader)).get(profile_url(getattr(cast, staff)))
    assert response.status_code == 200
    assert outcomes(new_events()) == [("workforce.profile.read", "success")]


@pytest.mark.parametrize(
    ("reader", "staff"), [("sup_a", "hv_b"), ("admin_a", "hv_b"), ("sup_a", "hv_a_other_team")]
)
def test_another_agencys_or_teams_staff_is_a_404(cast, login, new_events, reader, staff):
    response = login(getattr(cast, reader)).get(profile_url(getattr(cast, staff)))
    assert response.status_code == 404
    assert outcomes(new_events()) == [("workforce.read", "denied")]


@pytest.mark.parametrize("reader", ["hv_a", "evaluator"])
def test_another_persons_profile_without_a_staff_capability_is_a_403(
    cast, login, new_events, reader
):
    response = login(getattr(cast, reader)).get(profile_url(cast.hv_a2))
    assert response.status_code == 403
    assert outcomes(new_events()) == [("workforce.read", "denied")]


def test_the_profile_shows_every_requirement_with_status_reason_and_next_due(cast, login):
    today = timezone.localdate()
    expires = today + timedelta(days=30)
    services.add_license(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        type="LMSW",
        issued_on=today - timedelta(days=400),
        expires_on=expires,
    )
    page = html(login(cast.sup_a).get(profile_url(cast.hv_a)))
    for name in (
        rules.DEGREE,
        rules.LICENSE,
        rules.ENDORSEMENT,
        rules.SELF_ASSESSMENT,
        rules.CONTINUING_EDUCATION,
    ):
        assert escape(rules.REQUIREMENT_LABELS[name]) in page
    license_row = page.split(escape(rules.REQUIREMENT_LABELS[rules.LICENSE]) + "</th>")[1]
    license_row = license_row.split("</tr>")[0]
    assert "Due soon" in license_row  # the status as text, not a colour only
    assert f"{expires:%-d %b %Y}" in license_row
    assert "Not met" in page  # no degree yet


def test_the_profile_shows_the_training_hours_of_this_fiscal_year_by_category(cast, login):
    add_training(cast.hv_a, cast.hv_a, hours=Decimal("2.5"), title="Synthetic attachment course")
    page = html(login(cast.hv_a).get(profile_url(cast.hv_a)))
    assert f"FY{rules.fiscal_year(timezone.localdate())}" in page
    assert "Synthetic attachment course" in page
    hours_row = page.split("Relationship-based infant mental health</th>")[1].split("</tr>")[0]
    assert "2.50" in hours_row


def test_add_links_are_shown_only_to_who_may_write(cast, login, moved):
    assert add_url(cast.hv_a, "degree") in html(login(cast.hv_a).get(profile_url(cast.hv_a)))
    assert add_url(cast.hv_a, "training") in html(login(cast.sup_a).get(profile_url(cast.hv_a)))
    response = login(cast.admin_a).get(profile_url(moved))
    assert response.status_code == 200
    assert "/add/" not in html(response)


def test_the_staff_detail_page_links_the_profile(cast, login):
    page = html(login(cast.admin_a).get(reverse("staff:detail", args=[cast.hv_a.pk])))
    assert profile_url(cast.hv_a) in page


# ---------------------------------------------------------------- the forms


@pytest.mark.parametrize("kind", ["degree", "license", "training", "evidence", "questionnaire"])
def test_a_form_opens_with_one_event(cast, login, new_events, kind):
    response = login(cast.sup_a).get(add_url(cast.hv_a, kind))
    assert response.status_code == 200
    assert outcomes(new_events()) == [("workforce.profile.read", "success")]


def test_an_unknown_kind_is_a_404(cast, login):
    assert login(cast.sup_a).get(add_url(cast.hv_a, "hobbies")).status_code == 404


def test_a_form_for_another_agencys_staff_is_a_404(cast, login, new_events):
    response = login(cast.admin_a).get(add_url(cast.hv_b, "degree"))
    assert response.status_code == 404
    assert outcomes(new_events()) == [("workforce.write", "denied")]


def test_a_form_for_another_person_without_a_staff_capability_is_a_403(cast, login, new_events):
    client = login(cast.hv_a)
    response = client.post(add_url(cast.hv_a2, "degree"), {"level": "master"})
    assert response.status_code == 403
    assert outcomes(new_events()) == [("workforce.write", "denied")]
    assert not cast.hv_a2.degrees.exists()


def test_a_read_only_record_refuses_the_form(cast, login, new_events, moved):
    response = login(cast.admin_a).get(add_url(moved, "leave"))
    assert response.status_code == 403
    assert outcomes(new_events()) == [("workforce.write", "denied")]


def test_training_is_saved_and_the_profile_shows_it(cast, login, new_events):
    client = login(cast.sup_a)
    response = client.post(
        add_url(cast.hv_a, "training"),
        {
            "day": timezone.localdate().isoformat(),
            "title": "Synthetic reflective practice day",
            "provider": "Synthetic provider",
            "hours": "6",
            "category": rules.REFLECTIVE_SUPERVISION,
            "booster": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == profile_url(cast.hv_a)
    assert outcomes(new_events()) == [("workforce.training.add", "success")]
    entry = TrainingEntry.objects.get(user=cast.hv_a)
    assert entry.booster and entry.hours == Decimal("6")
    page = html(client.get(response["Location"]))
    assert "Training added." in page and "Synthetic reflective practice day" in page


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("30", "One training entry cannot have more than 24 hours."),
        ("-1", "Training hours cannot be negative."),
        ("many", "Enter a number."),
    ],
)
def test_bad_training_hours_keep_what_was_typed(cast, login, new_events, hours, message):
    response = login(cast.hv_a).post(
        add_url(cast.hv_a, "training"),
        {
            "day": timezone.localdate().isoformat(),
            "title": "Synthetic typed title",
            "hours": hours,
            "category": rules.CHILDREN_MENTAL_HEALTH,
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert 'value="Synthetic typed title"' in page
    assert f'value="{hours}"' in page
    assert not TrainingEntry.objects.exists()
    assert outcomes(new_events()) == [("workforce.profile.read", "success")]


def test_a_license_expiring_before_its_issue_is_refused_with_the_dates_kept(cast, login):
    today = timezone.localdate()
    issued, expires = today - timedelta(days=10), today - timedelta(days=20)
    response = login(cast.admin_a).post(
        add_url(cast.hv_a, "license"),
        {
            "type": "LMSW",
            "number": "SYN-123",
            "state": "MI",
            "issued_on": issued.isoformat(),
            "expires_on": expires.isoformat(),
        },
    )
    page = html(response)
    assert "The expiry date cannot be before the issue date." in page
    assert f'value="{issued.isoformat()}"' in page and 'value="SYN-123"' in page
    assert not License.objects.exists()


def test_a_second_waiver_for_one_fiscal_year_is_refused(cast, login):
    fy = rules.fiscal_year(timezone.localdate())
    data = {"fiscal_year": str(fy), "requested_on": yesterday().isoformat()}
    client = login(cast.admin_a)
    assert client.post(add_url(cast.hv_a, "waiver"), data).status_code == 302
    response = client.post(add_url(cast.hv_a, "waiver"), data)
    assert response.status_code == 200
    assert "alert-error" in html(response)
    assert Waiver.objects.filter(user=cast.hv_a).count() == 1


def test_evidence_is_uploaded_and_downloaded_as_an_attachment(cast, login, new_events):
    entry = add_training(cast.hv_a, cast.hv_a)
    client = login(cast.hv_a)
    response = client.post(
        add_url(cast.hv_a, "evidence"),
        {"entry": entry.pk, "file": SimpleUploadedFile("certificate.png", PNG, "image/png")},
    )
    assert response.status_code == 302
    assert outcomes(new_events()) == [("workforce.evidence.attach", "success")]
    download = reverse("workforce:evidence", args=[cast.hv_a.pk, entry.pk])
    assert download in html(client.get(profile_url(cast.hv_a)))

    login(cast.sup_a)
    response = client.get(download)
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "certificate.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert outcomes(new_events()) == [("workforce.evidence.read", "success")]


def test_a_file_that_is_not_a_certificate_is_refused(cast, login):
    entry = add_training(cast.hv_a, cast.hv_a)
    response = login(cast.hv_a).post(
        add_url(cast.hv_a, "evidence"),
        {"entry": entry.pk, "file": SimpleUploadedFile("notes.txt", b"plain text", "image/png")},
    )
    assert response.status_code == 200
    assert "Attach a PDF, PNG or JPEG file." in html(response)
    assert not TrainingEvidence.objects.exists()


def test_evidence_out_of_reach_is_a_404_or_a_403(cast, login, new_events):
    entry = add_training(cast.hv_b, cast.hv_b)
    services.attach_evidence(
        by=cast.hv_b, staff_id=cast.hv_b.pk, entry_id=entry.pk, filename="c.png", data=PNG
    )
    url = reverse("workforce:evidence", args=[cast.hv_b.pk, entry.pk])
    assert login(cast.admin_a).get(url).status_code == 404
    assert outcomes(new_events()) == [("workforce.read", "denied")]
    own = add_training(cast.hv_a, cast.hv_a)
    services.attach_evidence(
        by=cast.hv_a, staff_id=cast.hv_a.pk, entry_id=own.pk, filename="c.png", data=PNG
    )
    client = login(cast.hv_a2)  # a home visitor asking for a colleague's file
    response = client.get(reverse("workforce:evidence", args=[cast.hv_a.pk, own.pk]))
    assert response.status_code == 403
    assert outcomes(new_events()) == [("workforce.read", "denied")]


# ---------------------------------------------------------------- the sessions list


@pytest.fixture
def notes(cast):
    """An individual session of hv_a (the helper's NOTE) and its themes."""
    return session(cast.sup_a, [cast.hv_a], themes=THEMES)


def test_the_supervisor_lists_the_teams_sessions_with_notes(cast, login, new_events, notes):
    response = login(cast.sup_a).get(SESSIONS)
    assert response.status_code == 200
    page = html(response)
    assert escape(NOTE) in page and escape(THEMES) in page
    assert cast.hv_a.display_name() in page
    assert outcomes(new_events()) == [("workforce.sessions.read", "success")]


def test_the_supervisee_reads_their_own_sessions_notes(cast, login, notes):
    assert escape(NOTE) in html(login(cast.hv_a).get(SESSIONS))


def test_sessions_of_another_agencys_staff_are_a_404(cast, login, new_events, notes):
    response = login(cast.sup_a).get(SESSIONS, {"staff": cast.hv_b.pk})
    assert response.status_code == 404
    assert outcomes(new_events()) == [("workforce.read", "denied")]


def test_a_colleagues_sessions_without_a_staff_capability_are_a_403(cast, login, new_events, notes):
    response = login(cast.hv_a2).get(SESSIONS, {"staff": cast.hv_a.pk})
    assert response.status_code == 403
    assert outcomes(new_events()) == [("workforce.read", "denied")]
    assert NOTE not in html(response)


def test_the_list_filters_by_date(cast, login):
    today = timezone.localdate()
    session(cast.sup_a, [cast.hv_a], day=today - timedelta(days=2), notes="Synthetic recent.")
    session(cast.sup_a, [cast.hv_a], day=today - timedelta(days=20), notes="Synthetic older.")
    start = (today - timedelta(days=7)).isoformat()
    page = html(login(cast.sup_a).get(SESSIONS, {"start": start}))
    assert "Synthetic recent." in page and "Synthetic older." not in page
    assert f'value="{start}"' in page


def test_a_bad_date_filter_is_a_message_and_nothing_read(cast, login, new_events, notes):
    response = login(cast.sup_a).get(SESSIONS, {"start": "yesterday"})
    assert response.status_code == 400
    page = html(response)
    assert "Enter a valid date." in page and 'value="yesterday"' in page
    assert NOTE not in page
    assert new_events() == []


# ---------------------------------------------------------------- notes stay in the session


@pytest.mark.parametrize("reader", ["admin_a", "state_admin", "hv_a2"])
def test_notes_are_on_no_page_for_anyone_outside_the_session(cast, login, notes, reader):
    """The agency administrator, the state and a home visitor not in the session: on
    every page of this app that shows sessions or the person, no note and no theme."""
    client = login(getattr(cast, reader))
    pages = [
        client.get(SESSIONS),
        client.get(SESSIONS, {"staff": cast.hv_a.pk}),
        client.get(SESSIONS, {"staff": cast.sup_a.pk}),
        client.get(profile_url(cast.hv_a)),
        client.get(profile_url(cast.sup_a)),
        client.get(NEW_SESSION),
    ]
    for response in pages:
        assert NOTE not in html(response) and escape(NOTE) not in html(response)
        assert escape(THEMES) not in html(response)
    if reader != "hv_a2":  # the admins see that the session took place
        assert pages[0].status_code == 200
        assert "Notes are visible only to the people in the session" in html(pages[0])


# ---------------------------------------------------------------- the session form


def session_data(cast, **changes):
    data = {
        "day": yesterday().isoformat(),
        "started_at": "10:00",
        "minutes": "60",
        "format": "group",
        "supervisees": [str(cast.hv_a.pk), str(cast.hv_a2.pk)],
        "families": [f"{cast.hv_a.pk}:{cast.family_a.pk}"],
        "themes": THEMES,
        "notes": "Synthetic typed note.",
    }
    return data | changes


def test_the_form_offers_the_team_and_the_families_each_carries(cast, login, new_events):
    response = login(cast.sup_a).get(NEW_SESSION)
    assert response.status_code == 200
    page = html(response)
    assert cast.hv_a.display_name() in page and cast.hv_a2.display_name() in page
    assert f'value="{cast.hv_a.pk}:{cast.family_a.pk}"' in page
    assert f'value="{cast.hv_a2.pk}:{cast.family_a2.pk}"' in page
    # Not a family of another team, nor one offered under the wrong supervisee.
    assert cast.family_a3.display_name not in page and cast.family_b.display_name not in page
    assert f'value="{cast.hv_a2.pk}:{cast.family_a.pk}"' not in page
    assert outcomes(new_events()) == [("family.list", "success")]


@pytest.mark.parametrize("reader", ["hv_a", "admin_a", "state_admin"])
def test_the_form_needs_the_supervise_capability(cast, login, new_events, reader):
    client = login(getattr(cast, reader))
    assert client.get(NEW_SESSION).status_code == 403
    assert client.post(NEW_SESSION, session_data(cast)).status_code == 403
    assert [e.outcome for e in new_events()] == ["denied", "denied"]
    assert not SupervisionSession.objects.exists()


def test_a_group_session_is_recorded_with_one_event(cast, login, new_events):
    response = login(cast.sup_a).post(NEW_SESSION, session_data(cast))
    assert response.status_code == 302 and response["Location"] == SESSIONS
    assert outcomes(new_events()) == [("workforce.session.record", "success")]
    saved = SupervisionSession.objects.get()
    assert saved.supervisor == cast.sup_a and saved.format == "group"
    assert {p.user_id for p in saved.participants.all()} == {cast.hv_a.pk, cast.hv_a2.pk}
    assert [(f.family_id, f.supervisee_id) for f in saved.families_discussed.all()] == [
        (cast.family_a.pk, cast.hv_a.pk)
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"day": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "A session cannot be in the future.",
        ),
        ({"format": "individual"}, "An individual session has one supervisee."),
        (
            {"families": ["0:0"]},
            "Choose from the list.",
        ),
        ({"supervisees": []}, "Tick at least one."),
    ],
)
def test_a_bad_session_keeps_what_was_typed(cast, login, new_events, changes, message):
    response = login(cast.sup_a).post(NEW_SESSION, session_data(cast, **changes))
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert escape(THEMES) in page and "Synthetic typed note." in page
    assert 'value="10:00"' in page
    assert not SupervisionSession.objects.exists()
    # The form's one read, and the draft kept of what was typed (imhhv.drafts).
    assert outcomes(new_events()) == [("family.list", "success"), ("draft.save", "success")]


def test_a_family_the_supervisee_does_not_carry_is_refused(cast, login):
    wrong = [f"{cast.hv_a2.pk}:{cast.family_a.pk}"]  # family_a is hv_a's
    response = login(cast.sup_a).post(NEW_SESSION, session_data(cast, families=wrong))
    assert "Choose only families a supervisee in the session carries." in html(response)
    assert f'value="{cast.hv_a.pk}" id="id_supervisees_0" data-supervisee checked' in html(response)
    assert not SupervisionSession.objects.exists()


def test_a_supervisee_of_another_agency_is_refused(cast, login):
    data = session_data(cast, supervisees=[str(cast.hv_b.pk)], families=[], format="individual")
    response = login(cast.sup_a).post(NEW_SESSION, data)
    assert "Choose supervisees from your agency." in html(response)
    assert cast.hv_b.display_name() not in html(response)
    assert not SupervisionSession.objects.exists()


def test_the_supervisors_own_consultation_with_an_external_consultant(cast, login, new_events):
    client = login(cast.sup_a)
    page = html(client.get(NEW_SESSION, {"with": "consultant"}))
    assert "Consultant&#x27;s name" in page or "Consultant's name" in page
    data = {
        "with": "consultant",
        "day": yesterday().isoformat(),
        "started_at": "15:00",
        "minutes": "90",
        "format": "individual",
        "consultant_name": "Synthetic Consultant",
        "consultant_credential": "LMSW",
        "notes": "Synthetic consultation note.",
    }
    new_events.reset()
    response = client.post(NEW_SESSION, data)
    assert response.status_code == 302
    assert outcomes(new_events()) == [("workforce.session.record", "success")]
    saved = SupervisionSession.objects.get()
    assert saved.supervisor is None and saved.consultant_name == "Synthetic Consultant"
    assert [p.user_id for p in saved.participants.all()] == [cast.sup_a.pk]
    assert "Synthetic Consultant, LMSW" in html(client.get(SESSIONS))


def test_a_consultation_without_the_consultants_name_is_refused(cast, login):
    data = {
        "with": "consultant",
        "day": yesterday().isoformat(),
        "started_at": "15:00",
        "minutes": "90",
        "format": "individual",
        "consultant_credential": "LMSW",
    }
    response = login(cast.sup_a).post(NEW_SESSION, data)
    assert response.status_code == 200
    assert "This field is required." in html(response) and 'value="LMSW"' in html(response)
    assert not SupervisionSession.objects.exists()


def test_the_menu_offers_reflective_supervision_to_supervisors_and_home_visitors(cast, login):
    for who, shown in [("hv_a", True), ("sup_a", True), ("admin_a", False), ("nobody", False)]:
        page = html(login(getattr(cast, who)).get(reverse("reports:home")))
        assert (f'href="{SESSIONS}"' in page) is shown, who
