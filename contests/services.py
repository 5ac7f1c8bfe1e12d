"""Every write of the contests domain: contests, entries and their proofs, status changes,
messages to participants and invitations to customers.

Channels: the screens offer e-mail, WhatsApp and SMS. Until the messaging app delivers e-mail
and WhatsApp, WhatsApp and SMS requests go out once as an SMS through notify's outbox (sent by
the task worker), and e-mail is recorded as skipped and reported back.
"""

import hashlib
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.otp import mobile_digits
from bookings.models import Booking
from contests.choices import Channel, DeliveryStatus, EntryStatus
from contests.exceptions import (
    ContestConflict,
    ContestInvalid,
    ContestNotActive,
    ContestNotFound,
    EntryNotFound,
)
from contests.models import (
    Contest,
    ContestEntry,
    ContestEntryFile,
    ContestInvitation,
    ContestNotification,
    UserEventDate,
)
from lebrq.errors import InvalidInput
from notify.choices import MessagePurpose
from notify.services import sms_queue
from uploads.choices import UploadKind
from uploads.exceptions import UnsupportedFileType, UploadRejected
from uploads.filetypes import IMAGE_TYPES, PDF, SNIFF_LENGTH, looks_like_markup, sniff
from uploads.services import anonymous_uploads_check, clean_original_name, upload_store

# Slugs are one path segment; these would be shadowed by other routes under /contests.
SLUG_PATTERN = re.compile(r"^[\w-]{1,100}$", re.ASCII)
RESERVED_SLUGS = frozenset({"admin", "user-event-dates", "proofs"})
# Proof files one entry may name (each was an upload of its own).
MAX_PROOFS_PER_ENTRY = 10
# Event dates one e-mail or phone may leave (the legacy kept any number, without a login).
MAX_EVENT_DATES_PER_CONTACT = 50
# Staff may bulk-update at most this many entries at once (one UPDATE).
MAX_BULK_ENTRIES = 500

# Which statuses an entry may move to from each status. Staff moderate freely (the screen
# offers approve, winner and reject on every entry), so every move is allowed; a status
# outside the table is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(EntryStatus.values) for status in EntryStatus.values
}


def _today() -> date:
    return timezone.localdate()


def ensure_active(contest: Contest) -> None:
    today = _today()
    if contest.start_date > today or contest.end_date < today:
        raise ContestNotActive()


# --- Contests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestData:
    title: str
    slug: str
    start_date: date
    end_date: date
    description: str | None = None
    hero_image_url: str | None = None
    banner_image_url: str | None = None
    applicable_event_types: list[str] | None = None
    first_x_winners: int | None = None
    eligibility_criteria: str | None = None
    per_user_limit: int = 1
    auto_approve: bool = False
    prizes: list[dict[str, Any]] | None = None
    is_published: bool = False


def contest_create(*, data: ContestData, actor: User) -> Contest:
    slug = data.slug.strip()
    if not SLUG_PATTERN.match(slug) or slug.lower() in RESERVED_SLUGS:
        raise ContestInvalid.for_field(
            "slug",
            "Use letters, digits, '-' and '_' only (not 'admin', 'proofs' or 'user-event-dates').",
            code="slug_invalid",
        )
    if data.end_date < data.start_date:
        raise ContestInvalid.for_field(
            "end_date", "End date must be after start date", code="dates_invalid"
        )
    taken = ContestConflict("Contest slug already exists", code="slug_taken")
    if Contest.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            return Contest.objects.create(
                title=data.title,
                slug=slug,
                description=data.description or "",
                hero_image_url=data.hero_image_url or "",
                banner_image_url=data.banner_image_url or "",
                start_date=data.start_date,
                end_date=data.end_date,
                applicable_event_types=data.applicable_event_types,
                first_x_winners=data.first_x_winners,
                eligibility_criteria=data.eligibility_criteria or "",
                per_user_limit=data.per_user_limit,
                auto_approve=data.auto_approve,
                prizes=data.prizes,
                is_published=data.is_published,
                created_by=actor,
            )
    except IntegrityError:
        # Another request took the slug since the check.
        if Contest.objects.filter(slug=slug).exists():
            raise taken from None
        raise


def contest_delete(*, contest_id: int) -> None:
    """Delete a contest without entries, with its unclaimed proofs and invitations. One with
    entries is refused (the legacy's foreign key refused it too): staff unpublish it."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().filter(pk=contest_id).first()
        if contest is None:
            raise ContestNotFound()
        if ContestEntry.objects.filter(contest=contest).exists():
            raise ContestConflict(
                "This contest has entries and cannot be deleted; unpublish it instead.",
                code="contest_has_entries",
            )
        _proofs_delete(ContestEntryFile.objects.filter(contest=contest))
        contest.delete()


def _proofs_delete(files: Any) -> int:
    """Delete these proof rows and their uploads; the files go once that is committed."""
    deleted = 0
    for proof in files.select_related("upload"):
        upload = proof.upload
        proof.delete()
        if upload is not None:
            upload.delete()
            transaction.on_commit(upload.delete_files)
        deleted += 1
    return deleted


# --- Proofs -------------------------------------------------------------------------------------


def _published_contest(slug: str, *, lock: bool = False) -> Contest:
    contests = Contest.objects.filter(slug=slug, is_published=True)
    if lock:
        contests = contests.select_for_update()
    contest = contests.first()
    if contest is None:
        raise ContestNotFound()
    return contest


def _proof_kind(uploaded_file: UploadedFile[bytes]) -> UploadKind:
    """Pictures (stored re-encoded, as every image) or PDF; anything else is refused."""
    label = clean_original_name(uploaded_file.name or "") or "The file"
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_LENGTH)
    uploaded_file.seek(0)
    if not head:
        raise UploadRejected(f"{label}: the file is empty.", code="empty_file")
    file_type = sniff(head) if not looks_like_markup(head) else None
    if file_type in IMAGE_TYPES:
        return UploadKind.IMAGE
    if file_type == PDF:
        return UploadKind.FILE
    names = ", ".join(sorted(t.extension.upper() for t in {*IMAGE_TYPES, PDF}))
    raise UnsupportedFileType(
        f"{label}: only images and PDF files are accepted as proof ({names}).",
        code="unsupported_file_type",
    )


def proof_store(*, slug: str, uploaded_file: UploadedFile[bytes] | None) -> ContestEntryFile:
    """Store one proof for a published, running contest: validated and stored like every
    upload (uploads.services.upload_store: streamed to disk, sniffed, images re-encoded),
    private, and counted against the hourly budget of uploads without a login."""
    contest = _published_contest(slug)
    ensure_active(contest)
    if uploaded_file is None:
        raise InvalidInput("No file was sent: use the multipart field 'file'.", code="no_file")
    kind = _proof_kind(uploaded_file)
    anonymous_uploads_check(1)
    with transaction.atomic():
        upload = upload_store(uploaded_file=uploaded_file, owner=None, kind=kind)
        try:
            extension = upload.file.name.rsplit(".", 1)[-1] if upload.file.name else "bin"
            return ContestEntryFile.objects.create(
                contest=contest,
                upload=upload,
                key=secrets.token_hex(16),
                file_name=upload.original_name or f"proof.{extension}",
                file_type=upload.content_type,
                file_size=upload.size,
            )
        except BaseException:
            upload.delete_files()
            raise


def proofs_sweep(*, older_than_hours: int, batch: int = 200) -> int:
    """Delete proofs no entry claimed within `older_than_hours`, `batch` at a time."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                ContestEntryFile.objects.filter(entry__isnull=True, created_at__lt=cutoff)
                .order_by("created_at", "id")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            # Locked alone (PostgreSQL locks no outer-joined side): a claim waits, or wins.
            locked = list(
                ContestEntryFile.objects.select_for_update()
                .filter(pk__in=ids, entry__isnull=True)
                .values_list("pk", flat=True)
            )
            total += _proofs_delete(ContestEntryFile.objects.filter(pk__in=locked))


# --- Entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRequest:
    participant_name: str
    event_type: str
    event_date: date
    consent: bool
    email: str | None = None
    phone: str | None = None
    relation: str = "self"
    booking_id: int | None = None
    message: str | None = None
    owner_email: str | None = None
    owner_phone: str | None = None
    proof_keys: Sequence[str] = field(default_factory=tuple)
    ip_address: str | None = None


def _reference_id() -> str:
    return f"CT{timezone.now():%Y%m%d}{uuid.uuid4().hex[:8].upper()}"


def entry_submit(*, slug: str, request: EntryRequest) -> ContestEntry:
    """An entry to a published, running contest, with the proofs uploaded for it.

    The contest's row is locked while the limits are counted, so two entries of one person
    (or the last free winner's place) cannot both pass the check.
    """
    email = (request.email or "").strip().lower() or None
    phone = (request.phone or "").strip() or None
    if not request.consent:
        raise ContestInvalid.for_field(
            "consent", "Consent is required to participate", code="consent_required"
        )
    if not email and not phone:
        raise ContestInvalid("Please enter email or phone", code="contact_required")
    keys = list(dict.fromkeys(request.proof_keys))
    if len(keys) > MAX_PROOFS_PER_ENTRY:
        raise ContestInvalid.for_field(
            "file_urls", f"At most {MAX_PROOFS_PER_ENTRY} files.", code="too_many_proofs"
        )
    with transaction.atomic():
        contest = _published_contest(slug, lock=True)
        ensure_active(contest)
        allowed = contest.applicable_event_types
        if isinstance(allowed, list) and allowed and request.event_type not in allowed:
            raise ContestInvalid.for_field(
                "event_type",
                f"This contest is for {', '.join(str(kind) for kind in allowed)} only.",
                code="event_type_not_eligible",
            )
        same_person = Q()
        if email:
            same_person |= Q(email=email)
        if phone:
            same_person |= Q(phone=phone)
        if ContestEntry.objects.filter(same_person, contest=contest).count() >= (
            contest.per_user_limit
        ):
            raise ContestConflict(
                "You have reached the maximum entry limit of "
                f"{contest.per_user_limit} for this contest",
                code="entry_limit_reached",
            )
        if contest.first_x_winners:
            chosen = ContestEntry.objects.filter(
                contest=contest, status__in=[EntryStatus.APPROVED, EntryStatus.WINNER]
            ).count()
            if chosen >= contest.first_x_winners:
                raise ContestConflict(
                    "Contest has reached maximum number of winners", code="winners_reached"
                )
        if request.booking_id is not None and not (
            Booking.objects.filter(pk=request.booking_id).exists()
        ):
            raise ContestInvalid.for_field("booking_id", "No such booking.", code="no_booking")
        now = timezone.now()
        entry = ContestEntry.objects.create(
            contest=contest,
            participant_name=request.participant_name,
            email=email or "",
            phone=phone or "",
            event_type=request.event_type,
            event_date=request.event_date,
            relation=request.relation or "self",
            booking_id=request.booking_id,
            message=request.message or "",
            owner_email=request.owner_email or "",
            owner_phone=request.owner_phone or "",
            reference_id=_reference_id(),
            ip_address=request.ip_address,
            status=EntryStatus.APPROVED if contest.auto_approve else EntryStatus.PENDING,
            approved_at=now if contest.auto_approve else None,
        )
        if keys:
            claimed = ContestEntryFile.objects.filter(
                contest=contest, key__in=keys, entry__isnull=True
            ).update(entry=entry)
            if claimed != len(keys):
                # Rolls the entry back too: a proof of another contest, or already used.
                raise ContestInvalid.for_field(
                    "file_urls",
                    "A file is not one uploaded for this contest, or belongs to another entry; "
                    "upload it again.",
                    code="proof_unknown",
                )
    return entry


def _entry_of(contest_id: int, entry_id: int, *, lock: bool = False) -> ContestEntry:
    entries = ContestEntry.objects.filter(pk=entry_id, contest_id=contest_id)
    if lock:
        entries = entries.select_for_update()
    entry = entries.first()
    if entry is None:
        raise EntryNotFound()
    return entry


def _check_status(status: str) -> str:
    if status not in EntryStatus.values:
        raise ContestInvalid.for_field(
            "status",
            f"Use one of {', '.join(EntryStatus.values)}.",
            code="status_invalid",
        )
    return status


def entry_status_set(
    *, contest_id: int, entry_id: int, status: str, admin_note: str | None
) -> ContestEntry:
    """Approve, reject or mark a winner; a note, when given, replaces the entry's."""
    status = _check_status(status)
    with transaction.atomic():
        entry = _entry_of(contest_id, entry_id, lock=True)
        if status not in TRANSITIONS[entry.status]:
            raise ContestConflict(
                f"An entry that is {entry.status} cannot become {status}.",
                code="status_transition",
            )
        entry.status = status
        fields = ["status", "updated_at"]
        if admin_note:
            entry.admin_note = admin_note
            fields.append("admin_note")
        if status == EntryStatus.APPROVED:
            entry.approved_at = timezone.now()
            fields.append("approved_at")
        elif status == EntryStatus.WINNER:
            entry.marked_winner_at = timezone.now()
            fields.append("marked_winner_at")
        entry.save(update_fields=fields)
    return entry


def entries_bulk_status(
    *, contest_id: int, entry_ids: Sequence[int], status: str, admin_note: str | None
) -> int:
    """Set the status of up to MAX_BULK_ENTRIES entries of one contest in one UPDATE; the
    number changed. None of them in this contest is a not-found."""
    status = _check_status(status)
    ids = list(dict.fromkeys(entry_ids))
    if not ids:
        raise ContestInvalid.for_field("entry_ids", "Name at least one entry.", code="no_entries")
    if len(ids) > MAX_BULK_ENTRIES:
        raise ContestInvalid.for_field(
            "entry_ids", f"At most {MAX_BULK_ENTRIES} entries at once.", code="too_many_entries"
        )
    now = timezone.now()
    changes: dict[str, Any] = {"status": status, "updated_at": now}
    if admin_note:
        changes["admin_note"] = admin_note
    if status == EntryStatus.APPROVED:
        changes["approved_at"] = now
    elif status == EntryStatus.WINNER:
        changes["marked_winner_at"] = now
    sources = [source for source, targets in TRANSITIONS.items() if status in targets]
    updated = ContestEntry.objects.filter(
        contest_id=contest_id, pk__in=ids, status__in=sources
    ).update(**changes)
    if not updated:
        raise EntryNotFound("No entries found", code="entries_not_found")
    return updated


# --- Messages to one participant ----------------------------------------------------------------


@dataclass
class NotifyResult:
    sent: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _fill(template: str, variables: dict[str, str]) -> str:
    body = template
    for key, value in variables.items():
        body = body.replace(f"{{{key}}}", value)
    return body


def entry_notify(
    *,
    contest_id: int,
    entry_id: int,
    channels: Sequence[str],
    template: str,
    subject: str | None,
    variables: dict[str, Any] | None,
    actor: User,
) -> NotifyResult:
    """Send staff's message to the entry's participant.

    Placeholders ({name}, {contest_title}, {event_date}, {entry_id}, {admin_note}, {prize},
    {booking_link}) are filled as the legacy filled them. WhatsApp and SMS go out as one SMS
    to the entry's phone; e-mail is recorded as skipped. The same message on the same
    channel is never sent twice to one entry: a repeat answers "already sent" and queues
    nothing. When nothing at all can be sent the request is refused and nothing is recorded.
    """
    requested = list(dict.fromkeys(channels))
    unknown = [name for name in requested if name not in Channel.values]
    if not requested or unknown:
        raise ContestInvalid.for_field(
            "channels",
            f"Choose among {', '.join(Channel.values)}.",
            code="channel_invalid",
        )
    with transaction.atomic():
        entry = _entry_of(contest_id, entry_id, lock=True)
        contest = entry.contest
        filled = {str(key): str(value) for key, value in (variables or {}).items()}
        prize = ""
        if entry.status == EntryStatus.WINNER and isinstance(contest.prizes, list):
            first = contest.prizes[0] if contest.prizes else None
            prize = (
                str(first.get("title", "Prize")) if isinstance(first, dict) else str(first or "")
            )
        booking_link = (
            f"{settings.FRONTEND_URL.rstrip('/')}/bookings/{entry.booking_id}"
            if entry.booking_id
            else ""
        )
        defaults = {
            "name": entry.participant_name,
            "contest_title": contest.title,
            "event_date": entry.event_date.isoformat(),
            "entry_id": entry.reference_id,
            "admin_note": entry.admin_note or "",
            "prize": prize,
            "booking_link": booking_link,
        }
        body = _fill(template, {**defaults, **filled})
        event_key = hashlib.sha256(body.encode()).hexdigest()[:64]
        result = NotifyResult()
        queued = 0

        def record(channel: str, **fields: Any) -> bool:
            """Insert the record unless this message already went on this channel."""
            if ContestNotification.objects.filter(
                entry=entry, channel=channel, event_key=event_key
            ).exists():
                return False
            ContestNotification.objects.create(
                entry=entry,
                channel=channel,
                event_key=event_key,
                message_body=body,
                subject=subject or "",
                sent_by=actor,
                **fields,
            )
            return True

        texting = [name for name in requested if name in (Channel.WHATSAPP, Channel.SMS)]
        if texting:
            label = " and ".join(texting)
            try:
                mobile = mobile_digits(entry.phone or "")
            except InvalidInput:
                result.errors.append(f"{label}: No recipient available")
            else:
                if ContestNotification.objects.filter(
                    entry=entry, channel=Channel.SMS, event_key=event_key
                ).exists():
                    result.sent.append(f"{label} already sent to {entry.phone}")
                else:
                    sms = sms_queue(
                        to=mobile,
                        body=body,
                        purpose=MessagePurpose.NOTIFICATION,
                        template_id=settings.CONTEST_SMS_TEMPLATE_ID,
                    )
                    record(
                        Channel.SMS,
                        recipient_phone=entry.phone,
                        status=DeliveryStatus.QUEUED,
                        sms=sms,
                    )
                    queued += 1
                    result.sent.append(f"{label} queued for {entry.phone} (by SMS)")
        if Channel.EMAIL in requested:
            record(
                Channel.EMAIL,
                recipient_email=entry.email,
                status=DeliveryStatus.SKIPPED,
                error_message="E-mail is not available yet.",
            )
            result.errors.append("email: E-mail is not available yet; send by WhatsApp or SMS")
        if not queued and not any("already sent" in line for line in result.sent):
            raise ContestInvalid(
                "Nothing could be sent: " + "; ".join(result.errors),
                code="nothing_sent",
                extra={"sent": result.sent, "errors": result.errors},
            )
    return result


# --- Invitations to every customer --------------------------------------------------------------


@dataclass(frozen=True)
class InvitationStart:
    requested: list[str]
    user_ids: list[int] | None


def contest_invite_all(
    *, contest_id: int, channels: dict[str, bool], user_ids: Sequence[int] | None
) -> InvitationStart:
    """Queue the invitations of every customer (or of `user_ids`) to the contest; the task
    worker sends them in batches (contests.tasks.contest_invitations_batch)."""
    from contests.tasks import contest_invitations_batch

    if not Contest.objects.filter(pk=contest_id).exists():
        raise ContestNotFound()
    requested = [name for name in Channel.values if channels.get(name)]
    if not requested:
        raise ContestInvalid(
            "At least one notification channel must be selected", code="channel_required"
        )
    if Channel.WHATSAPP not in requested and Channel.SMS not in requested:
        raise ContestInvalid(
            "E-mail is not available yet: choose WhatsApp or SMS.", code="channel_unavailable"
        )
    ids = sorted(set(user_ids)) if user_ids else None
    limit = settings.CONTEST_USERS_LIST_MAX
    if ids is not None and len(ids) > limit:
        raise ContestInvalid.for_field(
            "user_ids",
            f"Choose at most {limit} users, or none to inform everyone.",
            code="too_many_users",
        )
    transaction.on_commit(
        lambda: contest_invitations_batch.enqueue(
            contest_id=contest_id, requested=requested, after_id=0, user_ids=ids
        )
    )
    return InvitationStart(requested=requested, user_ids=ids)


def invitation_text(contest: Contest, name: str) -> str:
    """The legacy's invitation (notifications.py, send_contest_invitation_sms)."""
    when = f"{contest.start_date:%b}".lower() + f"-{contest.start_date:%d-%Y}"
    prizes = contest.prizes if isinstance(contest.prizes, list) else []
    prize = "Exciting prizes"
    if prizes and isinstance(prizes[0], dict):
        prize = str(prizes[0].get("title") or "Prize")
        if len(prizes) > 1:
            prize = f"{prize} and more"
    link = f"{settings.FRONTEND_URL.rstrip('/')}/contest/{contest.slug}"
    return (
        f"Hello customer {name}, LeBRQ is happy to invite you to join an upcoming contest. "
        f"This contest is called {contest.title} and it will take place on {when} for all "
        f"interested participants. In this contest, the prize available is {prize} which will "
        f"be awarded to the winner. To complete your participation, please submit your details "
        f"using this link: {link} for a successful entry.\n\n"
        "We look forward to your participation. Best of luck from the Team LeBRQ"
    )


def invitations_send_batch(
    *, contest_id: int, requested: Sequence[str], after_id: int, user_ids: Sequence[int] | None
) -> int | None:
    """Invite the next CONTEST_NOTIFY_BATCH_SIZE customers with an id above `after_id`: one
    SMS each through the outbox, at most once per contest and customer. Returns the last id
    seen when more may follow, else None. Safe to rerun: invited customers are skipped, and
    the contest's row is locked so two runs of one contest take turns."""
    size: int = settings.CONTEST_NOTIFY_BATCH_SIZE
    customers = User.objects.filter(role=Role.CUSTOMER, is_active=True, pk__gt=after_id)
    if user_ids is not None:
        customers = customers.filter(pk__in=user_ids)
    batch = list(
        customers.order_by("pk").values_list("pk", "mobile", "first_name", "last_name", "username")[
            :size
        ]
    )
    if not batch:
        return None
    with transaction.atomic():
        contest = Contest.objects.select_for_update().filter(pk=contest_id).first()
        if contest is None:
            return None
        done = set(
            ContestInvitation.objects.filter(
                contest=contest, channel=Channel.SMS, user_id__in=[row[0] for row in batch]
            ).values_list("user_id", flat=True)
        )
        for user_id, mobile, first_name, last_name, username in batch:
            if user_id in done or not mobile:
                continue
            try:
                digits = mobile_digits(mobile)
            except InvalidInput:
                continue
            name = f"{first_name or ''} {last_name or ''}".strip() or username or "Customer"
            sms = sms_queue(
                to=digits,
                body=invitation_text(contest, name),
                purpose=MessagePurpose.NOTIFICATION,
                template_id=settings.CONTEST_SMS_TEMPLATE_ID,
            )
            ContestInvitation.objects.create(
                contest=contest,
                user_id=user_id,
                channel=Channel.SMS,
                requested=list(requested),
                sms=sms,
            )
    return batch[-1][0] if len(batch) == size else None


# --- Event dates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDateRequest:
    person_name: str
    event_type: str
    event_date: date
    relation: str = "family"
    email: str | None = None
    phone: str | None = None
    notify_on_offers: bool = True


def event_date_add(*, request: EventDateRequest) -> UserEventDate:
    email = (request.email or "").strip().lower() or None
    phone = (request.phone or "").strip() or None
    if not email and not phone:
        raise ContestInvalid("Email or phone is required", code="contact_required")
    contact = Q()
    if email:
        contact |= Q(email=email)
    if phone:
        contact |= Q(phone=phone)
    if UserEventDate.objects.filter(contact).count() >= MAX_EVENT_DATES_PER_CONTACT:
        raise ContestConflict(
            f"At most {MAX_EVENT_DATES_PER_CONTACT} dates for one e-mail or phone.",
            code="event_dates_limit",
        )
    return UserEventDate.objects.create(
        email=email or "",
        phone=phone or "",
        person_name=request.person_name,
        event_type=request.event_type,
        event_date=request.event_date,
        relation=request.relation or "family",
        notify_on_offers=request.notify_on_offers,
    )
