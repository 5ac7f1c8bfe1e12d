"""Event definitions and their dated schedules (the ticketed side of programs), and the link
from a participant to the schedule and the payment that bought its tickets.

Programs and participants themselves are bookings.models.Program / ProgramParticipant (the
legacy tables); this app adds what ticketing needs without reshaping them.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bookings.models import ProgramParticipant
from payments.models import Payment
from programs.choices import ScheduleStatus

MAX_TICKETS_PER_SCHEDULE = 100_000


class EventDefinition(models.Model):
    """A recurring event (a yoga class, a live show's run): the template its schedules copy."""

    event_code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40, help_text="yoga, zumba, live, concert...")
    event_category = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    default_ticket_price = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    banner_image_url = models.CharField(max_length=500, blank=True)
    poster_url = models.CharField(max_length=500, blank=True)
    # Monday = 0; schedules are generated on these weekdays.
    weekdays = models.JSONField(default=list, blank=True)
    start_time = models.TimeField()
    end_time = models.TimeField()
    max_tickets = models.PositiveIntegerField(
        default=50, validators=[MaxValueValidator(MAX_TICKETS_PER_SCHEDULE)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "event_definitions"
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["event_type", "is_active"], name="event_defs_type_idx")]

    def __str__(self) -> str:
        return self.title


class EventSchedule(models.Model):
    """One dated occurrence, with its own ticket stock. tickets_sold only moves under this
    row's lock (programs.services), and a constraint keeps it within max_tickets."""

    definition = models.ForeignKey(
        EventDefinition, on_delete=models.PROTECT, related_name="schedules"
    )
    schedule_date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    max_tickets = models.PositiveIntegerField(
        validators=[MaxValueValidator(MAX_TICKETS_PER_SCHEDULE)]
    )
    tickets_sold = models.PositiveIntegerField(default=0)
    ticket_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Empty: the definition's."
    )
    status = models.CharField(
        max_length=20, choices=ScheduleStatus.choices, default=ScheduleStatus.SCHEDULED
    )
    is_blocked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "event_schedules"
        ordering = ["-schedule_date", "start_time", "id"]
        indexes = [
            models.Index(fields=["schedule_date", "start_time"], name="event_schedules_date_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "schedule_date", "start_time"],
                name="event_schedules_one_per_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(tickets_sold__lte=models.F("max_tickets")),
                name="event_schedules_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition} on {self.schedule_date}"

    @property
    def price(self) -> Decimal:
        return (
            self.ticket_price
            if self.ticket_price is not None
            else self.definition.default_ticket_price
        )

    @property
    def tickets_available(self) -> int:
        return self.max_tickets - self.tickets_sold


class TicketType(models.Model):
    """A tier of an event's tickets (Standard, VIP, Early Bird), at its own price, with at
    most `max_quantity` sold per schedule (empty: only the schedule's own capacity limits it).
    The legacy's ticket_types (newest backend, models_events.py)."""

    definition = models.ForeignKey(
        EventDefinition, on_delete=models.CASCADE, related_name="ticket_types"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    max_quantity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TICKETS_PER_SCHEDULE)],
        help_text="Per schedule; empty: no limit of its own.",
    )
    perks = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ticket_types"
        ordering = ["sort_order", "id"]
        indexes = [
            models.Index(
                fields=["definition", "is_active", "sort_order"], name="ticket_types_list_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.definition_id})"


class TicketTypeSales(models.Model):
    """How many tickets of a type one schedule has sold: moved only by a conditional UPDATE
    that keeps it within the type's max_quantity (programs.services._reserve)."""

    schedule = models.ForeignKey(EventSchedule, on_delete=models.CASCADE, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="sales")
    sold = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "ticket_type_sales"
        verbose_name_plural = "ticket type sales"
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "ticket_type"], name="ticket_type_sales_one_per_schedule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sold} x {self.ticket_type_id} on schedule {self.schedule_id}"


class ParticipantTicket(models.Model):
    """What ticketing adds to a participant: the schedule it holds seats in, and the payment
    that bought them (one participant per payment: a payment registers its people once)."""

    participant = models.OneToOneField(
        ProgramParticipant, on_delete=models.CASCADE, primary_key=True, related_name="ticket"
    )
    event_schedule = models.ForeignKey(
        EventSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="participant_ticket"
    )
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "participant_tickets"

    def __str__(self) -> str:
        return f"Tickets of participant {self.participant_id}"


class Event(models.Model):
    """The legacy's bare `events` list (title and a free-text date), kept for its screen."""

    title = models.CharField(max_length=200)
    date_text = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "events"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title
