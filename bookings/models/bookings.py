import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import VendorProfile
from bookings.choices import BookingItemStatus, BookingLineKind, BookingStatus, BookingType
from bookings.models.catalog import Item
from bookings.models.venues import Space, Venue

# A booking in one of these states holds its slot; rejected and cancelled ones free it.
SLOT_HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.COMPLETED)


def new_booking_reference() -> str:
    return f"BK-{secrets.token_hex(5).upper()}"


def holds_slot_q() -> models.Q:
    """Bookings that hold their slot now: the settled ones, and those awaiting payment until
    their hold runs out (expiry needs no sweeper to free the slot; the sweeper only tidies)."""
    # Written as one IN list on status (plus a condition on the unpaid ones) rather than an
    # OR of two status tests, so the (status, start) index still serves a day's range.
    statuses = (*SLOT_HOLDING_STATUSES, BookingStatus.PENDING_PAYMENT)
    return (
        models.Q(status__in=statuses)
        & (
            ~models.Q(status=BookingStatus.PENDING_PAYMENT)
            | models.Q(payment_hold_expires_at__gt=timezone.now())
        )
        # A customer's subscription to the venue's program uses the program's slot.
        & models.Q(is_subscription=False)
    )


class BookingQuerySet(models.QuerySet["Booking"]):
    def holding_slot(self) -> "BookingQuerySet":
        return self.filter(holds_slot_q())

    def overlapping(self, space: Space, start: datetime, end: datetime) -> "BookingQuerySet":
        """Bookings of `space` that share any instant with [start, end) and hold their slot."""
        return self.holding_slot().filter(
            space=space, start_datetime__lt=end, end_datetime__gt=start
        )


class Booking(models.Model):
    """A customer's reservation of a space for a time window, with its add-on items."""

    booking_reference = models.CharField(
        max_length=32, unique=True, default=new_booking_reference, editable=False
    )
    series_reference = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="bookings")
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="bookings")
    start_datetime = models.DateTimeField()
    end_datetime = models.DateTimeField()
    attendees = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=32, choices=BookingStatus.choices, default=BookingStatus.PENDING
    )
    payment_hold_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While awaiting payment, the slot is held until then.",
    )
    booking_type = models.CharField(
        max_length=50, choices=BookingType.choices, default=BookingType.ONE_DAY
    )
    event_type = models.CharField(max_length=100, blank=True)
    space_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="The space's hire for the booked hours, at the price when it was booked.",
    )
    total_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Before tax: the space's hire plus every item's total.",
    )
    advance_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Due in advance: the space's advance percentage of the total, at booking time.",
    )
    paid_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Received so far (recorded by staff).",
    )
    customer_note = models.TextField(blank=True)
    admin_note = models.TextField(blank=True)
    is_admin_booking = models.BooleanField(default=False)
    # A customer's daily or monthly subscription to the venue's own program (yoga, zumba): it
    # holds no slot of its own (holds_slot_q), the program's booking does.
    is_subscription = models.BooleanField(default=False, db_default=False)
    banner_image_url = models.CharField(max_length=500, blank=True)
    stage_banner_url = models.CharField(max_length=500, blank=True)
    # Where guests are picked up, as the booking screen sends them (the legacy appended them to
    # customer_note); read by staff arranging transport, never by the lists.
    # Database defaults too, so rows written by SQL (bulk loads, the legacy import) need not
    # name these columns.
    transport_locations = models.JSONField(default=list, db_default=[], blank=True)
    default_pickup_location = models.CharField(max_length=500, blank=True, db_default="")
    # A booking a broker brought: the brokerage is computed by the server from the broker's
    # percentage when the booking is made, and settled once (by hand or through Razorpay).
    broker = models.ForeignKey(
        "accounts.BrokerProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    brokerage_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), db_default=Decimal("0")
    )
    broker_settled = models.BooleanField(default=False, db_default=False)
    broker_settled_at = models.DateTimeField(null=True, blank=True)
    broker_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # NULL, not "": keyless bookings must not collide in the (user, key) unique index.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=128, null=True, blank=True, editable=False
    )
    # SHA-256 of the whole normalized request that made the booking with that key
    # (services.request_fingerprint): a replay with the key must carry the same request. Empty
    # on keyless bookings and rows from before it was kept (those compare the booked fields).
    idempotency_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        db_table = "bookings"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lists' indexes end in their order, ties by id, so a page is read off the index
            # with no sort (InnoDB appends the id implicitly, but only at the very end; PostgreSQL
            # not at all). The own list's index then carries status, for its status filter.
            models.Index(
                fields=["user", "created_at", "id", "status"], name="bookings_own_list_idx"
            ),
            models.Index(fields=["created_at", "id"], name="bookings_list_idx"),
            # What each broker is owed: the settlement summary's one aggregate query.
            models.Index(fields=["broker", "broker_settled"], name="bookings_broker_owed_idx"),
            models.Index(fields=["status", "created_at", "id"], name="bookings_status_list_idx"),
            models.Index(fields=["status", "start_datetime"], name="bookings_status_start_idx"),
            models.Index(fields=["start_datetime"], name="bookings_start_idx"),
            models.Index(fields=["space", "end_datetime"], name="bookings_space_end_idx"),
            models.Index(fields=["booking_type", "start_datetime"], name="bookings_type_start_idx"),
            # The sweeper's scan for holds that ran out.
            models.Index(
                fields=["status", "payment_hold_expires_at"], name="bookings_payment_hold_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_datetime__gt=models.F("start_datetime")),
                name="bookings_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(total_amount__gte=0), name="bookings_total_non_negative"
            ),
            # NULL keys are distinct on MariaDB and PostgreSQL, so keyless bookings never clash.
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="bookings_user_idempotency_key_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.booking_reference

    @property
    def balance_due(self) -> Decimal:
        return max(self.total_amount - self.paid_amount, Decimal("0"))


class BookingItem(models.Model):
    """One line of what a booking bought, priced by the server when the booking was made: a
    catalog add-on, one of the space's options (paid feature, stage, banner), or an adjustment
    (event discount, weekend surcharge). The lines and the hire add up to the total."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(
        max_length=20,
        choices=BookingLineKind.choices,
        default=BookingLineKind.CATALOG,
        db_default=BookingLineKind.CATALOG,
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        related_name="booking_items",
        null=True,
        blank=True,
        help_text="The catalog item; empty for the space's own options and adjustments.",
    )
    # The name as bought (a catalog item renamed later keeps its old name on old invoices).
    name = models.CharField(max_length=255, db_default="")
    # The option's id in the space's JSON (stage or banner id, feature id), as the frontend
    # sends it in custom_items[].code.
    code = models.CharField(max_length=100, blank=True, db_default="")
    vendor = models.ForeignKey(
        VendorProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking_items",
    )
    quantity = models.PositiveIntegerField(default=1)
    hours_used = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    total_price = models.DecimalField(max_digits=12, decimal_places=2)
    event_date = models.DateField()
    booking_status = models.CharField(
        max_length=32, choices=BookingItemStatus.choices, default=BookingItemStatus.PENDING
    )
    # Fulfilment by the vendor, as the legacy columns record it: assigned (vendor set), accepted,
    # rejected with a note (the vendor is then cleared for staff to reassign), supplied, verified
    # by staff, settled (paid to the vendor).
    accepted_at = models.DateTimeField(null=True, blank=True)
    rejection_status = models.BooleanField(default=False, db_default=False)
    rejection_note = models.TextField(blank=True, db_default="")
    rejected_at = models.DateTimeField(null=True, blank=True)
    is_supplied = models.BooleanField(default=False)
    supplied_at = models.DateTimeField(null=True, blank=True)
    supply_verified = models.BooleanField(default=False, db_default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    supply_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    payment_settled = models.BooleanField(default=False)
    payment_settled_at = models.DateTimeField(null=True, blank=True)
    payment_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "booking_items"
        ordering = ["id"]
        indexes = [
            # Each ends in the staff list's order (event date, then id): see Booking's indexes.
            models.Index(fields=["event_date", "id"], name="booking_items_list_idx"),
            models.Index(
                fields=["vendor", "event_date", "id"], name="booking_items_vendor_list_idx"
            ),
            models.Index(
                fields=["payment_settled", "event_date", "id"],
                name="booking_items_settled_list_idx",
            ),
            # What each vendor is owed: the settlement summary's one aggregate query.
            models.Index(
                fields=["vendor", "payment_settled"], name="booking_items_vendor_owed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="booking_items_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name or self.item_id}"

    @property
    def image_url(self) -> str:
        return self.item.image_url if self.item is not None else ""

    @property
    def description(self) -> str:
        return self.item.description if self.item is not None else ""


class BookingEvent(models.Model):
    """Audit trail: who moved a booking from one status to another, and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "booking_events"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
