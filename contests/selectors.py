"""Every read the contest screens need, each a fixed number of queries whatever the rows."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery

from accounts.choices import Role
from accounts.models import User
from contests.choices import Channel
from contests.exceptions import ContestNotFound
from contests.models import Contest, ContestEntry, ContestEntryFile, ContestInvitation
from contests.services import ensure_active

# The legacy's page bound for the staff lists (limit 1..100, default 100).
MAX_PAGE = 100
PROOF_SALT = "contests.proof-link"
CHANNELS = (Channel.WHATSAPP, Channel.SMS, Channel.EMAIL)


def contest_get(contest_id: int) -> Contest:
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None:
        raise ContestNotFound()
    return contest


def public_contest(slug: str) -> Contest:
    """A published contest whose dates include today (venue-local); else not found or not
    active, as the legacy answered."""
    contest = Contest.objects.filter(slug=slug, is_published=True).first()
    if contest is None:
        raise ContestNotFound()
    ensure_active(contest)
    return contest


def contests_for_staff(*, is_published: bool | None, skip: int, limit: int) -> QuerySet[Contest]:
    contests = Contest.objects.all()
    if is_published is not None:
        contests = contests.filter(is_published=is_published)
    limit = max(1, min(limit, MAX_PAGE))
    return contests.order_by("-created_at", "-id")[skip : skip + limit]


@dataclass(frozen=True)
class EntryFilters:
    status: str | None = None
    event_type: str | None = None
    phone: str | None = None
    email: str | None = None


def entries_for_staff(
    *, contest_id: int, filters: EntryFilters, skip: int, limit: int
) -> QuerySet[ContestEntry]:
    """A page of a contest's entries, newest first, with their proof files (2 queries)."""
    entries = ContestEntry.objects.filter(contest_id=contest_id)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.event_type:
        entries = entries.filter(event_type=filters.event_type)
    if filters.phone:
        entries = entries.filter(phone=filters.phone)
    if filters.email:
        entries = entries.filter(email=filters.email.strip().lower())
    limit = max(1, min(limit, MAX_PAGE))
    return (
        entries.order_by("-created_at", "-id")
        .defer("ocr_extracted_text", "ip_address")
        .prefetch_related(
            Prefetch("files", queryset=ContestEntryFile.objects.order_by("id")),
        )[skip : skip + limit]
    )


# --- Proof links --------------------------------------------------------------------------------


def proof_token(key: str) -> str:
    """What a staff list appends to a proof's URL (?t=...): the screens load the file in an
    <Image> or a new tab, which send no token, so the link itself carries the permission,
    for CONTEST_PROOF_LINK_MAX_AGE_SECONDS."""
    return signing.TimestampSigner(salt=PROOF_SALT).sign(key).split(":", 1)[1]


def proof_for_reader(*, key: str, token: str | None, is_staff: bool) -> ContestEntryFile:
    """The proof with an upload, for staff or a valid, unexpired link; else not found."""
    if not is_staff:
        try:
            signing.TimestampSigner(salt=PROOF_SALT).unsign(
                f"{key}:{token or ''}", max_age=settings.CONTEST_PROOF_LINK_MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            raise ContestNotFound("File not found", code="proof_not_found") from None
    proof = (
        ContestEntryFile.objects.select_related("upload")
        .filter(key=key, upload__isnull=False)
        .first()
    )
    if proof is None or proof.upload is None:
        raise ContestNotFound("File not found", code="proof_not_found")
    return proof


# --- Customers to invite ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitableUser:
    id: int
    name: str
    username: str
    mobile: str | None
    email: str | None
    is_informed: bool
    informed_at: datetime | None
    channels: dict[str, bool] | None


@dataclass(frozen=True)
class InvitableUsers:
    contest: Contest
    total_users: int
    informed_count: int
    users: list[InvitableUser]


def invitable_users(contest_id: int) -> InvitableUsers:
    """Customers by name with whether they were told about the contest; the first
    CONTEST_USERS_LIST_MAX of them (the legacy listed every customer), with the true total.
    Four queries whatever the number of customers."""
    contest = contest_get(contest_id)
    limit: int = settings.CONTEST_USERS_LIST_MAX
    invitations = ContestInvitation.objects.filter(contest=contest)
    customers = User.objects.filter(role=Role.CUSTOMER)
    total = customers.count()
    informed = invitations.aggregate(users=Count("user", distinct=True))["users"]
    rows = list(
        customers.annotate(
            informed_at=Subquery(
                invitations.filter(user=OuterRef("pk"))
                .order_by("created_at")
                .values("created_at")[:1]
            ),
            is_informed=Exists(invitations.filter(user=OuterRef("pk"))),
        )
        .order_by("first_name", "last_name", "username", "pk")
        .only("pk", "first_name", "last_name", "username", "mobile", "email")[:limit]
    )
    requested: dict[int, set[str]] = {}
    for user_id, names in invitations.filter(
        user_id__in=[row.pk for row in rows if row.is_informed]
    ).values_list("user_id", "requested"):
        requested.setdefault(user_id, set()).update(names if isinstance(names, list) else [])
    users = []
    for row in rows:
        chosen = requested.get(row.pk)
        users.append(
            InvitableUser(
                id=row.pk,
                name=f"{row.first_name or ''} {row.last_name or ''}".strip()
                or row.username
                or "Unknown",
                username=row.username,
                mobile=row.mobile or None,
                email=row.email or (row.username if row.username and "@" in row.username else None),
                is_informed=row.is_informed,
                informed_at=row.informed_at,
                channels=None if chosen is None else {name: name in chosen for name in CHANNELS},
            )
        )
    return InvitableUsers(
        contest=contest, total_users=total, informed_count=informed or 0, users=users
    )
