"""The contest screens' calls with the bodies they send and the fields they read
(app/contest/[slug].tsx, app/admin/contests/index.tsx, new.tsx, [id].tsx)."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contests.models import Contest, ContestEntry, UserEventDate
from tests.conftest import bearer_client
from tests.contests.conftest import make_contest, make_entry, make_proof
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def naive(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# --- Contests -----------------------------------------------------------------------------------


def new_contest_body(**fields):
    """What app/admin/contests/new.tsx:205 sends."""
    today = TODAY()
    return {
        "title": "Anniversary Glow",
        "slug": "anniversary-glow",
        "description": None,
        "hero_image_url": None,
        "banner_image_url": "http://testserver/api/uploads/12",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=20)).isoformat(),
        "applicable_event_types": ["anniversary"],
        "first_x_winners": None,
        "eligibility_criteria": None,
        "per_user_limit": 1,
        "auto_approve": False,
        "prizes": [{"title": "Dinner for two", "qty": 2, "details": ""}],
        "is_published": True,
        **fields,
    }


def test_staff_create_a_contest_and_read_it_back(staff_client, staff_user):
    created = staff_client.post("/api/contests/admin/contests", new_contest_body(), format="json")

    assert created.status_code == 201, created.content
    contest = Contest.objects.get()
    body = created.json()
    assert body == {
        "id": contest.pk,
        "title": "Anniversary Glow",
        "slug": "anniversary-glow",
        "description": None,
        "hero_image_url": None,
        "banner_image_url": "http://testserver/api/uploads/12",
        "start_date": contest.start_date.isoformat(),
        "end_date": contest.end_date.isoformat(),
        "applicable_event_types": ["anniversary"],
        "first_x_winners": None,
        "eligibility_criteria": None,
        "per_user_limit": 1,
        "auto_approve": False,
        "prizes": [{"title": "Dinner for two", "qty": 2, "details": ""}],
        "is_published": True,
        "created_at": naive(contest.created_at),
        "updated_at": naive(contest.updated_at),
    }
    assert contest.created_by == staff_user
    assert staff_client.get(f"/api/contests/admin/contests/{contest.pk}").json() == body
    assert staff_client.get(f"/api/contests/admin/contests/{contest.pk}/").json() == body
    assert staff_client.get("/api/contests/admin/contests").json() == [body]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"slug": "birthday-bash"}, 409, "slug_taken"),
        ({"slug": "admin"}, 400, "slug_invalid"),
        ({"slug": "a/b"}, 400, "slug_invalid"),
        ({"end_date": "2020-01-01"}, 400, "dates_invalid"),
        ({"title": ""}, 400, "invalid"),
        ({"per_user_limit": 0}, 400, "invalid"),
        ({"prizes": [{"title": "x", "qty": "many"}]}, 400, "invalid"),
    ],
)
def test_a_bad_contest_is_refused_and_nothing_is_stored(
    staff_client, contest, fields, status, code
):
    response = staff_client.post(
        "/api/contests/admin/contests", new_contest_body(**fields), format="json"
    )

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"] == response.json()["message"]
    assert list(Contest.objects.values_list("slug", flat=True)) == ["birthday-bash"]


def test_staff_list_filters_and_pages_newest_first(staff_client):
    older = make_contest(slug="older", is_published=False)
    newer = make_contest(slug="newer")

    everything = staff_client.get("/api/contests/admin/contests").json()
    published = staff_client.get("/api/contests/admin/contests?is_published=true").json()
    second = staff_client.get("/api/contests/admin/contests?skip=1&limit=1").json()

    assert [row["id"] for row in everything] == [newer.pk, older.pk]
    assert [row["id"] for row in published] == [newer.pk]
    assert [row["id"] for row in second] == [older.pk]
    assert staff_client.get("/api/contests/admin/contests?limit=101").status_code == 400


def test_a_contest_without_entries_is_deleted_one_with_entries_is_not(staff_client, contest):
    empty = make_contest(slug="empty")
    make_entry(contest)

    deleted = staff_client.delete(f"/api/contests/admin/contests/{empty.pk}")
    refused = staff_client.delete(f"/api/contests/admin/contests/{contest.pk}")
    missing = staff_client.delete(f"/api/contests/admin/contests/{empty.pk}")

    assert deleted.json() == {"message": "Contest deleted successfully"}
    assert refused.status_code == 409
    assert refused.json()["code"] == "contest_has_entries"
    assert missing.status_code == 404
    assert list(Contest.objects.all()) == [contest]


# --- The public page ----------------------------------------------------------------------------


def test_public_page_by_slug(api_client, contest):
    response = api_client.get("/api/contests/birthday-bash")

    assert response.status_code == 200
    assert response.json() == {
        "id": contest.pk,
        "title": "Birthday Bash",
        "slug": "birthday-bash",
        "description": None,
        "hero_image_url": None,
        "banner_image_url": None,
        "start_date": contest.start_date.isoformat(),
        "end_date": contest.end_date.isoformat(),
        "applicable_event_types": None,
        "first_x_winners": None,
        "eligibility_criteria": None,
        "per_user_limit": 1,
        "auto_approve": False,
        "prizes": [{"title": "Free hall hire", "qty": 1, "details": None}],
        "is_published": True,
        "created_at": naive(contest.created_at),
        "updated_at": naive(contest.updated_at),
    }


def test_a_stale_token_does_not_close_the_public_page(contest):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert client.get("/api/contests/birthday-bash").status_code == 200


def test_drafts_and_contests_outside_their_dates_are_not_shown(api_client):
    make_contest(slug="draft", is_published=False)
    make_contest(slug="over", start_date=TODAY() - timedelta(days=9), end_date=TODAY())
    make_contest(slug="later", start_date=TODAY() + timedelta(days=1))
    make_contest(
        slug="gone", end_date=TODAY() - timedelta(days=1), start_date=TODAY() - timedelta(days=5)
    )

    assert api_client.get("/api/contests/draft").status_code == 404
    assert api_client.get("/api/contests/nothing").status_code == 404
    assert api_client.get("/api/contests/over").status_code == 200
    later = api_client.get("/api/contests/later")
    assert (later.status_code, later.json()["detail"]) == (409, "Contest is not currently active")
    assert api_client.get("/api/contests/gone").status_code == 409


# --- Entries ------------------------------------------------------------------------------------


def entry_body(**fields):
    """What app/contest/[slug].tsx:341 sends (no files picked)."""
    return {
        "participant_name": "Meera Nair",
        "email": "meera@example.com",
        "phone": None,
        "event_type": "birthday",
        "event_date": (TODAY() + timedelta(days=12)).isoformat(),
        "relation": "self",
        "message": None,
        "consent": True,
        "file_urls": [],
        "file_names": [],
        "file_types": [],
        "file_sizes": [],
        **fields,
    }


def test_an_entry_is_submitted_and_staff_see_it(api_client, staff_client, contest):
    response = api_client.post("/api/contests/birthday-bash/entries", entry_body(), format="json")

    assert response.status_code == 201, response.content
    entry = ContestEntry.objects.get()
    assert response.json() == {
        "id": entry.pk,
        "reference_id": entry.reference_id,
        "message": "Entry submitted successfully",
    }
    assert entry.reference_id.startswith(f"CT{timezone.now():%Y%m%d}")
    assert (entry.status, entry.ip_address) == ("pending", "127.0.0.1")

    listed = staff_client.get(f"/api/contests/admin/contests/{contest.pk}/entries").json()
    assert listed == [
        {
            "id": entry.pk,
            "contest_id": contest.pk,
            "participant_name": "Meera Nair",
            "email": "meera@example.com",
            "phone": None,
            "event_type": "birthday",
            "event_date": entry.event_date.isoformat(),
            "relation": "self",
            "booking_id": None,
            "message": None,
            "owner_email": None,
            "owner_phone": None,
            "status": "pending",
            "admin_note": None,
            "ocr_confidence": None,
            "ocr_date_matches": None,
            "reference_id": entry.reference_id,
            "created_at": naive(entry.created_at),
            "files": [],
        }
    ]


def test_auto_approved_contests_approve_entries(api_client):
    make_contest(slug="auto", auto_approve=True)

    api_client.post("/api/contests/auto/entries", entry_body(), format="json")

    entry = ContestEntry.objects.get()
    assert entry.status == "approved"
    assert entry.approved_at is not None


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"consent": False}, 400, "consent_required"),
        ({"email": None, "phone": ""}, 400, "contact_required"),
        ({"email": "not-an-email"}, 400, "invalid"),
        ({"event_date": "12/10/2026"}, 400, "invalid"),
        ({"participant_name": ""}, 400, "invalid"),
        ({"file_urls": ["https://elsewhere.example/x.png"]}, 400, "invalid"),
        (
            {"file_urls": [f"http://testserver/api/contests/proofs/{'0' * 32}"]},
            400,
            "proof_unknown",
        ),
        ({"booking_id": 999999}, 400, "no_booking"),
    ],
)
def test_a_bad_entry_is_refused_and_nothing_is_stored(api_client, contest, fields, status, code):
    response = api_client.post(
        "/api/contests/birthday-bash/entries", entry_body(**fields), format="json"
    )

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not ContestEntry.objects.exists()


def test_one_person_gets_per_user_limit_entries(api_client, contest):
    first = api_client.post("/api/contests/birthday-bash/entries", entry_body(), format="json")
    again = api_client.post(
        "/api/contests/birthday-bash/entries",
        entry_body(email="MEERA@example.com", phone="9898989898"),
        format="json",
    )

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["message"] == (
        "You have reached the maximum entry limit of 1 for this contest"
    )
    assert ContestEntry.objects.count() == 1


def test_entries_stop_when_the_winners_are_chosen(api_client):
    contest = make_contest(slug="few", first_x_winners=1, per_user_limit=5)
    make_entry(contest, status="winner")

    response = api_client.post("/api/contests/few/entries", entry_body(), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "winners_reached"


def test_event_types_outside_the_contest_are_refused(api_client):
    make_contest(slug="anniversaries", applicable_event_types=["anniversary"])

    response = api_client.post("/api/contests/anniversaries/entries", entry_body(), format="json")

    assert (response.status_code, response.json()["code"]) == (400, "event_type_not_eligible")


def test_entries_of_a_closed_or_draft_contest_are_refused(api_client):
    make_contest(slug="draft", is_published=False)
    make_contest(slug="later", start_date=TODAY() + timedelta(days=3))

    assert (
        api_client.post("/api/contests/draft/entries", entry_body(), format="json").status_code
        == 404
    )
    assert (
        api_client.post("/api/contests/later/entries", entry_body(), format="json").status_code
        == 409
    )
    assert not ContestEntry.objects.exists()


def test_staff_entry_list_filters_pages_and_shows_proofs(staff_client, contest):
    other = make_contest(slug="other")
    make_entry(other)
    old = make_entry(contest, status="approved")
    new = make_entry(contest, phone="9000000001", admin_note="Looks fine")
    proof = make_proof(new)
    base = f"/api/contests/admin/contests/{contest.pk}/entries"

    rows = staff_client.get(base).json()
    approved = staff_client.get(f"{base}?status=approved").json()
    by_phone = staff_client.get(f"{base}?phone=9000000001").json()
    paged = staff_client.get(f"{base}?skip=1&limit=1").json()

    assert [row["id"] for row in rows] == [new.pk, old.pk]
    assert [row["id"] for row in approved] == [old.pk]
    assert [row["id"] for row in by_phone] == [new.pk]
    assert [row["id"] for row in paged] == [old.pk]
    assert rows[0]["admin_note"] == "Looks fine"
    [file] = rows[0]["files"]
    assert file["file_url"].startswith(f"http://testserver/api/contests/proofs/{proof.key}?t=")
    assert file == {
        "id": proof.pk,
        "file_url": file["file_url"],
        "file_name": "invite.png",
        "file_type": "image/png",
        "file_size": proof.file_size,
    }
    assert staff_client.get("/api/contests/admin/contests/999999/entries").status_code == 404


def test_staff_entry_list_costs_the_same_whatever_the_rows(
    staff_client, contest, django_assert_max_num_queries
):
    make_proof(make_entry(contest))
    url = f"/api/contests/admin/contests/{contest.pk}/entries"
    with django_assert_max_num_queries(10) as few:
        staff_client.get(url)
    for _ in range(30):
        entry = make_entry(contest)
        make_proof(entry)
        make_proof(entry)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = staff_client.get(url).json()
    assert len(rows) == 31


def test_staff_contest_list_costs_the_same_whatever_the_rows(
    staff_client, django_assert_max_num_queries
):
    make_contest(slug="c0")
    with django_assert_max_num_queries(10) as few:
        staff_client.get("/api/contests/admin/contests")
    for number in range(1, 30):
        make_contest(slug=f"c{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(staff_client.get("/api/contests/admin/contests").json()) == 30


# --- Moderation ---------------------------------------------------------------------------------


def test_staff_approve_mark_winner_and_reject(staff_client, contest):
    entry = make_entry(contest)
    url = f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/status"

    approved = staff_client.post(url, {"status": "approved"}, format="json")
    entry.refresh_from_db()
    assert approved.json() == {"message": "Entry status updated to approved"}
    assert (entry.status, entry.admin_note) == ("approved", "")
    assert entry.approved_at is not None

    staff_client.post(url, {"status": "winner", "admin_note": "First prize"}, format="json")
    entry.refresh_from_db()
    assert (entry.status, entry.admin_note) == ("winner", "First prize")
    assert entry.marked_winner_at is not None

    # The screen sends admin_note: undefined (left out) when it has none: the note stays.
    staff_client.post(url, {"status": "rejected"}, format="json")
    entry.refresh_from_db()
    assert (entry.status, entry.admin_note) == ("rejected", "First prize")


def test_bad_status_changes_change_nothing(staff_client, contest):
    entry = make_entry(contest)
    other = make_contest(slug="other")
    base = f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/status"

    unknown = staff_client.post(base, {"status": "crowned"}, format="json")
    wrong_contest = staff_client.post(
        f"/api/contests/admin/contests/{other.pk}/entries/{entry.pk}/status",
        {"status": "approved"},
        format="json",
    )

    assert (unknown.status_code, unknown.json()["code"]) == (400, "status_invalid")
    assert wrong_contest.status_code == 404
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_bulk_update_is_one_update_of_this_contests_entries(
    staff_client, contest, django_assert_num_queries
):
    chosen = [make_entry(contest) for _ in range(3)]
    untouched = make_entry(contest)
    elsewhere = make_entry(make_contest(slug="other"))
    ids = [entry.pk for entry in chosen] + [elsewhere.pk]
    url = f"/api/contests/admin/contests/{contest.pk}/entries/bulk-update"

    with django_assert_num_queries(2) as queries:  # the user, the UPDATE: no SELECT of entries
        response = staff_client.post(url, {"entry_ids": ids, "status": "approved"}, format="json")

    assert response.json() == {"message": "Updated 3 entries to approved"}
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    statuses = dict(ContestEntry.objects.values_list("pk", "status"))
    assert [statuses[entry.pk] for entry in chosen] == ["approved"] * 3
    assert statuses[untouched.pk] == statuses[elsewhere.pk] == "pending"
    approved_at = ContestEntry.objects.filter(pk__in=[entry.pk for entry in chosen]).values_list(
        "approved_at", flat=True
    )
    assert None not in approved_at


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"entry_ids": [], "status": "approved"}, 400),
        ({"entry_ids": list(range(1, 502)), "status": "approved"}, 400),
        ({"entry_ids": [1], "status": "crowned"}, 400),
        ({"entry_ids": ["x"], "status": "approved"}, 400),
        ({"entry_ids": [999999], "status": "approved"}, 404),
    ],
)
def test_bad_bulk_updates_change_nothing(staff_client, contest, body, status):
    entry = make_entry(contest)

    response = staff_client.post(
        f"/api/contests/admin/contests/{contest.pk}/entries/bulk-update", body, format="json"
    )

    assert response.status_code == status, response.content
    entry.refresh_from_db()
    assert entry.status == "pending"


# --- Event dates --------------------------------------------------------------------------------


def test_family_event_dates_are_kept(api_client):
    response = api_client.post(
        "/api/contests/user-event-dates",
        {
            "person_name": "Amma",
            "event_type": "birthday",
            "event_date": "1961-03-14",
            "relation": "mother",
            "email": "meera@example.com",
            "phone": None,
            "notify_on_offers": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    saved = UserEventDate.objects.get()
    assert response.json() == {
        "id": saved.pk,
        "person_name": "Amma",
        "event_type": "birthday",
        "event_date": "1961-03-14",
        "relation": "mother",
        "notify_on_offers": True,
        "created_at": naive(saved.created_at),
    }
    assert (saved.email, saved.phone) == ("meera@example.com", "")


def test_an_event_date_needs_an_email_or_phone(api_client):
    response = api_client.post(
        "/api/contests/user-event-dates",
        {"person_name": "A", "event_type": "birthday", "event_date": "2000-01-01", "email": None},
        format="json",
    )

    assert (response.status_code, response.json()["detail"]) == (400, "Email or phone is required")
    assert not UserEventDate.objects.exists()


# --- Authorization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/api/contests/admin/contests", (401, 403, 200)),
        ("post", "/api/contests/admin/contests", (401, 403, 201)),
        ("get", "/api/contests/admin/contests/{contest}", (401, 403, 200)),
        ("delete", "/api/contests/admin/contests/{empty}", (401, 403, 200)),
        ("get", "/api/contests/admin/contests/{contest}/entries", (401, 403, 200)),
        ("post", "/api/contests/admin/contests/{contest}/entries/bulk-update", (401, 403, 200)),
        ("get", "/api/contests/admin/contests/{contest}/entries/export", (401, 403, 200)),
        ("post", "/api/contests/admin/contests/{contest}/entries/{entry}/notify", (401, 403, 200)),
        ("post", "/api/contests/admin/contests/{contest}/entries/{entry}/status", (401, 403, 200)),
        ("post", "/api/contests/admin/contests/{contest}/notify-all", (401, 403, 200)),
        ("get", "/api/contests/admin/contests/{contest}/users", (401, 403, 200)),
        ("post", "/api/contests/user-event-dates", (201, 201, 201)),
        ("get", "/api/contests/birthday-bash", (200, 200, 200)),
        ("post", "/api/contests/birthday-bash/entries", (201, 201, 201)),
        # Public: a JSON body is the wrong type, whoever sends it (not a 401).
        ("post", "/api/contests/birthday-bash/upload-proof", (415, 415, 415)),
        ("get", "/api/contests/proofs/{proof}", (404, 404, 200)),
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "customer", "staff"])
def test_authorization_matrix(method, path, expected, persona, contest, staff_user):
    empty = make_contest(slug="empty")
    entry = make_entry(contest, phone="9812345678")
    proof = make_proof(entry)
    client = {
        "anonymous": APIClient(),
        "customer": bearer_client(UserFactory()),
        "staff": bearer_client(staff_user),
    }[persona]
    url = path.format(contest=contest.pk, empty=empty.pk, entry=entry.pk, proof=proof.key)
    body = {
        "/api/contests/admin/contests": new_contest_body(slug=f"new-{persona}"),
        "/api/contests/admin/contests/{contest}/entries/bulk-update": {
            "entry_ids": [entry.pk],
            "status": "approved",
        },
        "/api/contests/admin/contests/{contest}/entries/{entry}/notify": {
            "channels": ["whatsapp"],
            "message_template": f"Hello {{name}} from {persona}",
        },
        "/api/contests/admin/contests/{contest}/entries/{entry}/status": {"status": "approved"},
        "/api/contests/admin/contests/{contest}/notify-all": {
            "channels": {"whatsapp": True, "sms": False, "email": False}
        },
        "/api/contests/user-event-dates": {
            "person_name": "A",
            "event_type": "birthday",
            "event_date": "2000-01-01",
            "phone": "9812345678",
        },
        "/api/contests/birthday-bash/entries": entry_body(email=f"{persona}@example.com"),
    }.get(path, {})

    response = getattr(client, method)(url, body if method == "post" else None, format="json")
    if response.streaming:  # read to the end: that closes the file
        b"".join(response.streaming_content)

    assert response.status_code == expected[("anonymous", "customer", "staff").index(persona)], (
        response.content
    )
