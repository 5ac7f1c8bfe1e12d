"""Contests (the legacy's `contests`, `contest_entries`, `contest_entry_files`,
`contest_notifications` and `user_event_dates` tables), and who was invited to which contest.

Text the legacy left NULL is "" here, and null again in the answers (contests/api/
serializers.py, NULL_IF_BLANK): the screens tell null from "".
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bookings.models import Booking
from contests.choices import Channel, DeliveryStatus, EntryStatus
from notify.models import OutboundSms
from uploads.models import Upload

# At most this many entries per person (e-mail or phone) in one contest.
MAX_PER_USER_LIMIT = 1000
MAX_WINNERS = 1_000_000


class Contest(models.Model):
    title = models.CharField(max_length=200)
    # Part of the public page's path (/contest/<slug>): letters, digits, _ and -.
    slug = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    hero_image_url = models.CharField(max_length=500, blank=True)
    banner_image_url = models.CharField(max_length=500, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    # ["birthday", "anniversary", "other"]; null: any event type.
    applicable_event_types = models.JSONField(null=True, blank=True)
    # New entries are refused once this many are approved or winners.
    first_x_winners = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_WINNERS)]
    )
    eligibility_criteria = models.TextField(blank=True)
    per_user_limit = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_USER_LIMIT)]
    )
    auto_approve = models.BooleanField(default=False)
    # [{"title": "...", "qty": 1, "details": "..."}]
    prizes = models.JSONField(null=True, blank=True)
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "contests"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="contests_list_idx"),
            models.Index(
                fields=["is_published", "created_at", "id"], name="contests_published_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contests_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContestEntry(models.Model):
    # PROTECT: a contest with entries is not deleted (the legacy's foreign key refused it too).
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="entries")
    participant_name = models.CharField(max_length=200)
    email = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    event_type = models.CharField(max_length=50)
    event_date = models.DateField()
    relation = models.CharField(max_length=50, default="self")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    owner_email = models.CharField(max_length=255, blank=True)
    owner_phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    admin_note = models.TextField(blank=True)
    # The legacy's best-effort OCR of the proof (never implemented there; kept for its rows).
    ocr_confidence = models.FloatField(null=True, blank=True)
    ocr_date_matches = models.BooleanField(null=True, blank=True)
    ocr_extracted_text = models.TextField(blank=True)
    reference_id = models.CharField(max_length=50, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    marked_winner_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "contest_entries"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "contest entries"
        indexes = [
            # The staff list and the export, newest first, with and without a status.
            models.Index(fields=["contest", "created_at", "id"], name="contest_entries_list_idx"),
            models.Index(
                fields=["contest", "status", "created_at", "id"],
                name="contest_entries_status_idx",
            ),
            # The per-person limit, and the staff list's filters.
            models.Index(fields=["contest", "email"], name="contest_entries_email_idx"),
            models.Index(fields=["contest", "phone"], name="contest_entries_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_name} ({self.reference_id})"


class ContestEntryFile(models.Model):
    """A proof file. Uploaded first (POST /contests/{slug}/upload-proof, `entry` empty), then
    claimed by the entry that names its URL; unclaimed ones are swept (contests.tasks).

    `key` is the unguessable name the upload answer carries; the file itself is served only
    to staff or through a signed link (contests.services.proof_link). Rows imported from the
    legacy have no upload, only the URL the legacy stored (`legacy_url`).
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="proof_files")
    entry = models.ForeignKey(
        ContestEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    upload = models.OneToOneField(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="contest_proof"
    )
    key = models.CharField(max_length=32, unique=True)
    file_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=100)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    legacy_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contest_entry_files"
        ordering = ["id"]
        indexes = [
            # Unclaimed proofs by age (the sweep).
            models.Index(fields=["entry", "created_at"], name="contest_files_claim_idx"),
        ]

    def __str__(self) -> str:
        return self.file_name


class ContestNotification(models.Model):
    """A message staff sent to one entry's participant. One per entry, channel and message
    (`event_key`): a repeated request (double click, retry) sends nothing twice."""

    entry = models.ForeignKey(ContestEntry, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    event_key = models.CharField(max_length=64)
    recipient_email = models.CharField(max_length=255, blank=True)
    recipient_phone = models.CharField(max_length=32, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    message_body = models.TextField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    error_message = models.TextField(blank=True)
    # Imported rows only: when the legacy sent it and what its provider answered.
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_response = models.JSONField(null=True, blank=True)
    sms = models.ForeignKey(
        OutboundSms, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contest_notifications"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "channel", "event_key"], name="contest_notifications_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to entry {self.entry_id}"


class ContestInvitation(models.Model):
    """A customer told about a contest (POST .../notify-all): at most once per contest, user
    and delivery channel, whatever staff click or the worker retries."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # How it is delivered (SMS today); `requested` keeps what staff ticked.
    channel = models.CharField(max_length=20, choices=Channel.choices)
    requested = models.JSONField(default=list)
    sms = models.ForeignKey(
        OutboundSms, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contest_invitations"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user", "channel"], name="contest_invitations_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of user {self.user_id} to contest {self.contest_id}"


class UserEventDate(models.Model):
    """A family member's birthday or anniversary left on a contest page, for offers."""

    email = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    person_name = models.CharField(max_length=200)
    event_type = models.CharField(max_length=50)
    event_date = models.DateField()
    relation = models.CharField(max_length=50, default="family")
    notify_on_offers = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "user_event_dates"
        ordering = ["event_date", "id"]
        indexes = [
            models.Index(fields=["email"], name="user_event_dates_email_idx"),
            models.Index(fields=["phone"], name="user_event_dates_phone_idx"),
            models.Index(fields=["event_date"], name="user_event_dates_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.event_type} on {self.event_date}"
