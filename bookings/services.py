"""Booking workflows: create without double-booking, and move through the status lifecycle."""

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.choices import Role
from accounts.models import BrokerProfile, User
from bookings import limits, policies, pricing, space_options
from bookings.choices import (
    SUBSCRIPTION_TYPES,
    BookingItemStatus,
    BookingLineKind,
    BookingStatus,
    BookingType,
)
from bookings.exceptions import (
    BookingConflict,
    IdempotencyKeyReused,
    InvalidTransition,
    PriceMismatch,
    SlotUnavailable,
    SpaceInUse,
)
from bookings.models import (
    AdminSetting,
    Booking,
    BookingEvent,
    BookingGuest,
    BookingItem,
    Item,
    Space,
    Venue,
)
from bookings.models.settings import SettingKey
from lebrq.errors import Forbidden, InvalidInput, NotFound


@dataclass(frozen=True)
class ItemRequest:
    """One add-on line as the customer asked for it (prices come from the catalog)."""

    item_id: int
    quantity: int = 1
    hours_used: Decimal | None = None


@dataclass(frozen=True)
class GuestRequest:
    """A guest from the booking screen's list; the mobile number as given (digits kept)."""

    name: str
    mobile: str
    pickup_location: str = ""
    needs_transportation: bool = False


@dataclass(frozen=True, kw_only=True)
class BookingRequest:
    """What a customer asked to book, as validated input: never a price."""

    space_id: int
    start: datetime
    end: datetime
    items: tuple[ItemRequest, ...] = ()
    # The space's own options (paid features, stage, banner...), the frontend's custom_items.
    options: tuple[pricing.SpaceOptionRequest, ...] = ()
    # The total the customer was shown, when the client sends one: refused if it is not ours.
    client_total: Decimal | None = None
    attendees: int | None = None
    event_type: str = ""
    booking_type: str = BookingType.ONE_DAY
    customer_note: str = ""
    banner_image_url: str = ""
    stage_banner_url: str = ""
    # The venue's own program or show (the legacy's is_admin_booking): staff only, approved at
    # once, free of charge.
    venue_program: bool = False
    admin_note: str = ""
    guests: tuple[GuestRequest, ...] = ()
    transport_locations: tuple[dict[str, Any], ...] = ()
    default_pickup_location: str = ""
    # Booked from a program's screen (a daily or monthly booking_type through POST /bookings):
    # priced per day or month and holding no slot of its own. See is_subscription.
    subscription: bool = False


# action -> (statuses it may start from, status it ends in)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({BookingStatus.PENDING}), BookingStatus.APPROVED),
    "reject": (frozenset({BookingStatus.PENDING}), BookingStatus.REJECTED),
    "cancel": (
        frozenset({BookingStatus.PENDING_PAYMENT, BookingStatus.PENDING, BookingStatus.APPROVED}),
        BookingStatus.CANCELLED,
    ),
    "complete": (frozenset({BookingStatus.APPROVED}), BookingStatus.COMPLETED),
}


def _validate_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidInput.for_field("end_datetime", "Must be after start_datetime.")
    if start <= timezone.now():
        raise InvalidInput.for_field("start_datetime", "Must be in the future.")
    max_hours = settings.BOOKING_MAX_HOURS
    if end - start > timedelta(hours=max_hours):
        raise InvalidInput.for_field(
            "end_datetime", f"A booking lasts at most {max_hours} hours; book a series."
        )


def is_subscription(request: BookingRequest) -> bool:
    """A customer's subscription to the venue's own program (POST /bookings of a
    SUBSCRIPTION_TYPES type, not the venue's own booking)."""
    return (
        request.subscription
        and request.booking_type in SUBSCRIPTION_TYPES
        and not request.venue_program
    )


def _validate_subscription_window(request: BookingRequest) -> None:
    """The program screen books a day at the class's hours, or months from today at them:
    "today" may already be past the class's start, so the rule is the date, not the instant."""
    start, end = request.start, request.end
    if end <= start:
        raise InvalidInput.for_field("end_datetime", "Must be after start_datetime.")
    if timezone.localdate(start) < timezone.localdate():
        raise InvalidInput.for_field("start_datetime", "A subscription cannot start in the past.")
    if request.booking_type == BookingType.DAILY:
        if end - start > timedelta(hours=settings.BOOKING_MAX_HOURS):
            raise InvalidInput.for_field("end_datetime", "A day's class lasts one day at most.")
        return
    most = settings.SUBSCRIPTION_MAX_MONTHS
    if subscription_months(request) > most:
        raise InvalidInput.for_field("end_datetime", f"A subscription lasts {most} months at most.")


def subscription_months(request: BookingRequest) -> int:
    """Whole months from the start's date to the end's (the screen adds N months to today;
    JavaScript rolls 31 January + 1 month over to early March, which is still one month)."""
    first, last = timezone.localdate(request.start), timezone.localdate(request.end)
    months = (last.year - first.year) * 12 + last.month - first.month
    if last.day < first.day:
        months -= 1
    return max(months, 1)


FEES_NOTE = re.compile(r"Fees:\s*daily\s*=\s*(\d+(?:\.\d+)?)\s*,\s*monthly\s*=\s*(\d+(?:\.\d+)?)")


def program_prices(space: Space, event_type: str) -> tuple[Decimal, Decimal]:
    """(per day, per month) of the venue's program `event_type` on `space`: from the fees its
    regular-program booking names in its note (app/(tabs)/training.tsx writes "Fees: daily=450,
    monthly=1200"), else the settings' (the figures the legacy screens show)."""
    program = (
        Booking.objects.filter(
            space=space,
            is_admin_booking=True,
            status=BookingStatus.APPROVED,
            event_type__iexact=event_type.strip(),
        )
        .exclude(booking_type__in=(BookingType.LIVE, BookingType.LIVE_PLAIN))
        .order_by("-start_datetime", "-id")
        .values_list("customer_note", flat=True)
        .first()
    )
    match = FEES_NOTE.search(program or "")
    if match is None:
        return settings.PROGRAM_DAY_PRICE, settings.PROGRAM_MONTH_PRICE
    return Decimal(match.group(1)), Decimal(match.group(2))


def _catalog_items(space: Space, requests: Sequence[ItemRequest]) -> dict[int, Item]:
    """The requested items that can be booked with `space`, in one query."""
    wanted = {r.item_id for r in requests}
    items = Item.objects.filter(pk__in=wanted, available=True).filter(
        Q(space=space) | Q(space__isnull=True)
    )
    found = {item.pk: item for item in items}
    missing = sorted(wanted - found.keys())
    if missing:
        raise InvalidInput.for_field(
            "items", f"Items not available for this space: {', '.join(map(str, missing))}."
        )
    return found


def _quote(space: Space, request: BookingRequest, catalog: dict[int, Item]) -> pricing.Quote:
    prices = pricing.SpacePrices(
        price_per_hour=space.price_per_hour,
        pricing_overrides=space.pricing_overrides,
        features=space.features,
        stage_options=space.stage_options,
        banner_sizes=space.banner_sizes,
        event_types=space.event_types,
    )
    lines = [
        pricing.CatalogLine(
            item_id=line.item_id,
            name=catalog[line.item_id].name,
            unit_price=catalog[line.item_id].price,
            quantity=line.quantity,
            hours_used=line.hours_used,
            base_hours_included=catalog[line.item_id].base_hours_included,
            rate_per_extra_hour=catalog[line.item_id].rate_per_extra_hour,
        )
        for line in request.items
    ]
    if is_subscription(request):
        per_day, per_month = program_prices(space, request.event_type)
        if request.booking_type == BookingType.MONTHLY:
            unit, quantity = per_month, subscription_months(request)
        else:
            # "Day x N": N places in the day's class (the screen sends N as attendees).
            unit, quantity = per_day, request.attendees or 1
        return pricing.subscription_quote(
            space=prices, unit_price=unit, quantity=quantity, catalog=lines, options=request.options
        )
    return pricing.quote(
        space=prices,
        start=request.start,
        end=request.end,
        local_day=timezone.localdate(request.start),
        event_type=request.event_type,
        booking_type=request.booking_type,
        catalog=lines,
        options=request.options,
    )


def _initial_status(request: BookingRequest, total: Decimal) -> tuple[str, datetime | None]:
    """The venue's own programs are approved at once; a booking that costs something holds
    its slot for PAYMENT_HOLD_MINUTES while its customer pays (the payments app confirms it);
    a free one waits for staff."""
    if request.venue_program:
        return BookingStatus.APPROVED, None
    if total > 0:
        return BookingStatus.PENDING_PAYMENT, timezone.now() + timedelta(
            minutes=settings.PAYMENT_HOLD_MINUTES
        )
    return BookingStatus.PENDING, None


@dataclass(frozen=True)
class Discount:
    """An offer or coupon taken off a booking (offers.services decides which)."""

    kind: str  # BookingLineKind.OFFER or COUPON
    name: str
    code: str
    amount: Decimal  # taken off, positive


@dataclass(frozen=True)
class DiscountPlan:
    discounts: tuple[Discount, ...]
    # Takes the discounts' uses for the booking, in its transaction (raises when one is gone).
    claim: Callable[[Booking], None]


def _discount_resolver() -> Callable[..., DiscountPlan | None] | None:
    """settings.BOOKING_DISCOUNTS by dotted path: the offers app sits above bookings."""
    path: str = settings.BOOKING_DISCOUNTS
    return import_string(path) if path else None


DISCOUNT_KINDS = frozenset({BookingLineKind.OFFER, BookingLineKind.COUPON})


def _with_discounts(priced: pricing.Quote, discounts: Sequence[Discount]) -> pricing.Quote:
    lines = [
        pricing.PricedLine(
            kind=d.kind,
            name=d.name,
            quantity=1,
            unit_price=-d.amount,
            total=-d.amount,
            code=d.code[:100],
        )
        for d in discounts
    ]
    taken = sum((d.amount for d in discounts), Decimal("0"))
    return replace(
        priced, lines=(*priced.lines, *lines), total=max(priced.total - taken, Decimal("0"))
    )


def _priced(
    space: Space,
    request: BookingRequest,
    catalog: dict[int, Item],
    *,
    user: User | None = None,
    kept_discounts: Sequence[Discount] = (),
) -> tuple[pricing.Quote, DiscountPlan | None]:
    """The server's price of `request`, with the discounts it keeps (an edit) or that the
    customer's total includes (their quotes, offers.services); PriceMismatch when the client
    showed a total no legitimate discount explains."""
    priced = _quote(space, request, catalog)
    if request.venue_program:
        # The venue's own event costs nobody anything; its lines stay as what it uses.
        zeroed = pricing.Quote(
            hire=Decimal("0"),
            lines=tuple(
                replace(line, unit_price=Decimal("0"), total=Decimal("0")) for line in priced.lines
            ),
            total=Decimal("0"),
            stage_banner_url=priced.stage_banner_url,
        )
        return zeroed, None
    if kept_discounts:
        priced = _with_discounts(priced, kept_discounts)
    plan = None
    if request.client_total is not None and request.client_total != priced.total:
        resolver = _discount_resolver()
        if user is not None and resolver is not None and not kept_discounts:
            plan = resolver(user=user, total=priced.total, client_total=request.client_total)
        if plan is None:
            raise PriceMismatch(
                f"The total shown ({request.client_total}) is not the price of this booking "
                f"({priced.total}); reload the prices and try again.",
                extra={
                    "client_total": str(request.client_total),
                    "server_total": str(priced.total),
                },
            )
        priced = _with_discounts(priced, plan.discounts)
    return priced, plan


def _line_row(
    booking: Booking, line: pricing.PricedLine, catalog: dict[int, Item], event_date: date
) -> BookingItem:
    return BookingItem(
        booking=booking,
        kind=line.kind,
        item_id=line.item_id,
        vendor_id=catalog[line.item_id].vendor_id if line.item_id is not None else None,
        name=line.name,
        code=line.code,
        quantity=line.quantity,
        hours_used=line.hours_used,
        unit_price=line.unit_price,
        total_price=line.total,
        event_date=event_date,
    )


def _lock_space(space_id: int) -> Space | None:
    """Lock the space's row until the transaction ends.

    Under READ COMMITTED a SELECT ... FOR UPDATE over an empty overlap range locks nothing, so
    two requests for one slot would both see it free and both insert. Locking the parent row
    makes them take turns (docs/DESIGN.md, Double booking).
    """
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic()"
    return Space.objects.select_for_update().filter(pk=space_id, active=True).first()


def _first_clash(space: Space, start: datetime, end: datetime) -> Booking | None:
    clashes = Booking.objects.overlapping(space, start, end).order_by("start_datetime")
    return clashes.only("booking_reference").first()


def _canonical(value: Any) -> Any:
    """A JSON-ready form in which equal requests are equal: instants in UTC, decimals by
    value (2 and 2.00 are one quantity), dataclasses and mappings with sorted keys."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def request_fingerprint(request: BookingRequest) -> str:
    """SHA-256 of the whole validated request (every field the endpoint accepts, with its
    add-ons, options, guests and pickup points), so a replayed Idempotency-Key is checked
    against all of it. Add-ons are listed once each, so their order is not part of it."""
    body = _canonical(request)
    body["items"] = sorted(body["items"], key=lambda line: line["item_id"])
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _existing_for_key(
    user: User, idempotency_key: str | None, request: BookingRequest
) -> Booking | None:
    """The booking an earlier request with this key made, if the request is the same one: its
    fingerprint (request_fingerprint) must match, else 422. A booking from before fingerprints
    were kept is compared on what it stored (space, window, attendees, event type)."""
    if not idempotency_key:
        return None
    existing = Booking.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.idempotency_fingerprint:
        same = existing.idempotency_fingerprint == request_fingerprint(request)
    else:
        same = (
            existing.space_id,
            existing.start_datetime,
            existing.end_datetime,
            existing.attendees,
            existing.event_type,
        ) == (request.space_id, request.start, request.end, request.attendees, request.event_type)
    if not same:
        raise IdempotencyKeyReused
    return existing


def booking_create(
    *, user: User, request: BookingRequest, idempotency_key: str | None = None
) -> tuple[Booking, bool]:
    """Book the requested space and window with add-ons, priced from the catalog now.

    Returns (booking, created). A retried request with the same idempotency key returns the
    booking the first one made, with created=False.
    """
    _check_venue_program(user, request)
    existing = _existing_for_key(user, idempotency_key, request)
    if existing is not None:
        return existing, False
    subscription = is_subscription(request)
    if subscription:
        _validate_subscription_window(request)
    else:
        _validate_window(request.start, request.end)
        limits.check_horizon(user, request.start)
    try:
        with transaction.atomic():
            space = _lock_space(request.space_id)
            if space is None:
                raise InvalidInput.for_field("space_id", "Unknown or inactive space.")
            # A retry that waited for the lock behind its original sees the committed booking.
            existing = _existing_for_key(user, idempotency_key, request)
            if existing is not None:
                return existing, False
            # A subscription takes a place in the venue's own program: no slot of its own
            # (Booking.holds_slot_q), and its attendees are days or places, not a crowd.
            if not subscription:
                limits.lock_customer(user)
                limits.check_pending_room(user)
                _check_space_free(space, request, user)
            booking = _insert_booking(
                user=user, space=space, request=request, idempotency_key=idempotency_key
            )
    except IntegrityError:
        # Same key, different space: the two did not share a lock, the unique index decided.
        existing = _existing_for_key(user, idempotency_key, request)
        if existing is None:
            raise
        return existing, False
    return booking, True


def clash_message(clash: Booking, viewer: User) -> str:
    """The 409's text: another customer's booking reference is not the viewer's to know."""
    if viewer.is_staff or clash.user_id == viewer.pk:
        return f"Time slot conflicts with booking {clash}."
    return "Time slot conflicts with another booking."


def _check_space_free(space: Space, request: BookingRequest, user: User) -> None:
    if request.attendees is not None and request.attendees > space.capacity:
        raise InvalidInput.for_field(
            "attendees", f"This space holds at most {space.capacity} people."
        )
    clash = _first_clash(space, request.start, request.end)
    if clash is not None:
        raise SlotUnavailable(clash_message(clash, user))


def _check_venue_program(user: User, request: BookingRequest) -> None:
    if request.venue_program and not user.is_staff:
        # The legacy let any customer mark a booking as the venue's own: approved and free.
        raise Forbidden(
            "Only staff book the venue's own programs (is_admin_booking).",
            code="venue_program_staff_only",
        )


def _booking_broker(user: User) -> BrokerProfile | None:
    """The broker a booking is credited to: its maker, when an approved broker (the legacy
    credited any broker with a profile; an unapproved one cannot log in here)."""
    if user.role != Role.BROKER:
        return None
    return BrokerProfile.objects.filter(user=user, is_approved=True).first()


def _insert_booking(
    *,
    user: User,
    space: Space,
    request: BookingRequest,
    idempotency_key: str | None,
    series_reference: str = "",
) -> Booking:
    catalog = _catalog_items(space, request.items) if request.items else {}
    priced, plan = _priced(space, request, catalog, user=user)
    space_amount, total = priced.hire, priced.total
    status, hold_until = _initial_status(request, total)
    broker = _booking_broker(user)
    booking = Booking.objects.create(
        user=user,
        broker=broker,
        # On the total the customer owes (after discounts), fixed when booked: the legacy
        # never recomputed it on edits; staff settle what was agreed then.
        brokerage_amount=broker.brokerage_on(total) if broker is not None else Decimal("0"),
        venue_id=space.venue_id,
        space=space,
        start_datetime=request.start,
        end_datetime=request.end,
        space_amount=space_amount,
        total_amount=total,
        advance_amount=policies.advance_payment().share_of(total),
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=request_fingerprint(request) if idempotency_key else "",
        attendees=request.attendees,
        event_type=request.event_type,
        booking_type=request.booking_type,
        customer_note=request.customer_note,
        banner_image_url=request.banner_image_url,
        stage_banner_url=request.stage_banner_url or priced.stage_banner_url,
        is_admin_booking=request.venue_program,
        is_subscription=is_subscription(request),
        admin_note=request.admin_note,
        status=status,
        payment_hold_expires_at=hold_until,
        series_reference=series_reference,
        transport_locations=list(request.transport_locations),
        default_pickup_location=request.default_pickup_location,
    )
    event_date = timezone.localdate(request.start)
    BookingItem.objects.bulk_create(
        _line_row(booking, line, catalog, event_date) for line in priced.lines
    )
    if plan is not None:
        plan.claim(booking)
    BookingGuest.objects.bulk_create(
        BookingGuest(
            booking=booking,
            name=guest.name,
            mobile=guest.mobile,
            pickup_location=guest.pickup_location or request.default_pickup_location,
            needs_transportation=guest.needs_transportation,
        )
        for guest in request.guests
    )
    BookingEvent.objects.create(booking=booking, actor=user, to_status=booking.status)
    return booking


def booking_transition(*, booking: Booking, action: str, actor: User, note: str = "") -> Booking:
    """Move `booking` along the lifecycle (TRANSITIONS); InvalidTransition when its current
    status does not allow it."""
    allowed_from, to_status = TRANSITIONS[action]
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status not in allowed_from:
            raise InvalidTransition(
                f"Cannot {action} a booking that is {locked.status}; allowed only from "
                f"{', '.join(sorted(allowed_from))}."
            )
        from_status = locked.status
        locked.status = to_status
        update_fields = ["status", "updated_at"]
        if note and action in ("approve", "reject"):
            locked.admin_note = note
            update_fields.append("admin_note")
        locked.save(update_fields=update_fields)
        if to_status == BookingStatus.CANCELLED:
            locked.items.update(
                booking_status=BookingItemStatus.CANCELLED, updated_at=timezone.now()
            )
        BookingEvent.objects.create(
            booking=locked, actor=actor, from_status=from_status, to_status=to_status, note=note
        )
    return locked


def booking_cancel_by_customer(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """Customers may cancel until CANCELLATION_MIN_NOTICE_HOURS before the start; staff any time."""
    notice = timedelta(hours=settings.CANCELLATION_MIN_NOTICE_HOURS)
    if not actor.is_staff and booking.start_datetime - timezone.now() < notice:
        raise BookingConflict(
            f"Bookings can be cancelled only up to {settings.CANCELLATION_MIN_NOTICE_HOURS} "
            "hours before they start.",
            code="cancellation_window_closed",
        )
    return booking_transition(booking=booking, action="cancel", actor=actor, note=note)


def booking_items_settle(*, lines: QuerySet[BookingItem]) -> int:
    """Record that the vendors of these lines have been paid; returns how many changed."""
    return lines.filter(payment_settled=False).update(
        payment_settled=True, payment_settled_at=timezone.now(), updated_at=timezone.now()
    )


# A series makes at most this many bookings in one request (a year of daily classes).
SERIES_MAX_DAYS = 366


@dataclass(frozen=True, kw_only=True)
class SeriesRequest:
    """One booking a day from first_day to last_day (inclusive), at the time of day of
    `booking`'s start and end, skipping the excluded weekdays (Monday = 0)."""

    booking: BookingRequest
    first_day: date
    last_day: date
    excluded_weekdays: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SeriesResult:
    series_reference: str
    created: tuple[Booking, ...]
    skipped: tuple[tuple[date, str], ...]


def new_series_reference() -> str:
    return f"SR-{secrets.token_hex(5).upper()}"


def booking_series_create(*, user: User, request: SeriesRequest) -> SeriesResult:
    """Book every day of the series that is free; days that clash, lie in the past or are
    excluded are skipped with their reason, as the legacy did. All or nothing is written: one
    transaction, with the space locked so no booking slips between the checks and inserts."""
    template = request.booking
    _check_venue_program(user, template)
    # A series books the hall day by day (the venue's regular programs, a customer's training
    # days), whatever its booking_type: never a subscription to a program.
    template = replace(template, subscription=False)
    day_count = (request.last_day - request.first_day).days + 1
    if day_count < 1:
        raise InvalidInput.for_field("end_datetime", "The series ends before it starts.")
    if day_count > SERIES_MAX_DAYS:
        raise InvalidInput.for_field("num_days", f"A series lasts at most {SERIES_MAX_DAYS} days.")
    start_time = timezone.localtime(template.start).timetz().replace(tzinfo=None)
    end_time = timezone.localtime(template.end).timetz().replace(tzinfo=None)
    reference = new_series_reference()
    created: list[Booking] = []
    skipped: list[tuple[date, str]] = []
    horizon = timezone.now() + timedelta(days=settings.BOOKING_MAX_DAYS_AHEAD)
    with transaction.atomic():
        space = _lock_space(template.space_id)
        if space is None:
            raise InvalidInput.for_field("space_id", "Unknown or inactive space.")
        limits.lock_customer(user)
        if template.attendees is not None and template.attendees > space.capacity:
            raise InvalidInput.for_field(
                "attendees", f"This space holds at most {space.capacity} people."
            )
        for offset in range(day_count):
            day = request.first_day + timedelta(days=offset)
            if day.weekday() in request.excluded_weekdays:
                skipped.append((day, "excluded_weekday"))
                continue
            start = timezone.make_aware(datetime.combine(day, start_time))
            end = timezone.make_aware(datetime.combine(day, end_time))
            if end <= start:
                end = start + timedelta(hours=1)  # the legacy's rule for a window past midnight
            if start <= timezone.now():
                skipped.append((day, "past"))
                continue
            if limits.is_limited(user) and start > horizon:
                skipped.append((day, "too_far_ahead"))
                continue
            clash = _first_clash(space, start, end)
            if clash is not None:
                mine = user.is_staff or clash.user_id == user.pk
                skipped.append((day, f"conflict:{clash.booking_reference}" if mine else "conflict"))
                continue
            created.append(
                _insert_booking(
                    user=user,
                    space=space,
                    request=replace(template, start=start, end=end),
                    idempotency_key=None,
                    series_reference=reference,
                )
            )
        # Counted with the new rows (this transaction sees them): all or nothing.
        limits.check_pending_room(user, adding=0)
    return SeriesResult(reference, tuple(created), tuple(skipped))


@dataclass(frozen=True, kw_only=True)
class BookingChanges:
    """An edit of a booking as the edit screens send it: None leaves a field as it is.
    `items`, when given, is the whole new list of catalog add-ons."""

    start: datetime | None = None
    end: datetime | None = None
    items: tuple[ItemRequest, ...] | None = None
    attendees: int | None = None
    event_type: str | None = None
    customer_note: str | None = None
    client_total: Decimal | None = None


@dataclass(frozen=True)
class BookingEdit:
    booking: Booking
    original_total: Decimal
    paid: Decimal

    @property
    def new_total(self) -> Decimal:
        return self.booking.total_amount

    @property
    def balance(self) -> Decimal:
        return max(self.new_total - self.paid, Decimal("0"))

    @property
    def refund(self) -> Decimal:
        return max(self.paid - self.new_total, Decimal("0"))


# Bookings that may still be edited by their customer (the legacy edited these two).
EDITABLE_STATUSES = frozenset({BookingStatus.PENDING, BookingStatus.APPROVED})
# An edit of an unpaid booking would move its slot hold around; the customer pays first.


def booking_update(*, booking_id: int, actor: User, changes: BookingChanges) -> BookingEdit:
    """Move, resize or change the add-ons of a booking, repriced at today's prices.

    As the legacy did, an edited booking goes back to staff for review (the legacy's `edited`
    status is our `pending`), and the answer says what is left to pay or to refund. Catalog
    lines already supplied or settled with their vendor cannot be removed or changed.
    """
    with transaction.atomic():
        current = Booking.objects.only("space_id").get(pk=booking_id)
        space = _lock_space(current.space_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status not in EDITABLE_STATUSES:
            raise InvalidTransition(
                f"A booking that is {booking.status} cannot be edited.", code="not_editable"
            )
        if booking.start_datetime <= timezone.now():
            raise BookingConflict("A booking that has started cannot be edited.", code="started")
        if space is None:
            raise BookingConflict("Its space is no longer bookable.", code="space_inactive")
        if booking.is_subscription:
            raise InvalidTransition(
                "A program subscription is not edited: cancel it and subscribe again.",
                code="not_editable",
            )
        start = changes.start or booking.start_datetime
        end = changes.end or booking.end_datetime
        _validate_window(start, end)
        limits.check_horizon(actor, start)
        attendees = changes.attendees if changes.attendees is not None else booking.attendees
        if attendees is not None and attendees > space.capacity:
            raise InvalidInput.for_field(
                "attendees", f"This space holds at most {space.capacity} people."
            )
        clash = _first_clash_except(space, start, end, booking.pk)
        if clash is not None:
            raise SlotUnavailable(clash_message(clash, actor))

        lines = list(booking.items.all())
        catalog_lines = [line for line in lines if line.kind == BookingLineKind.CATALOG]
        items = (
            changes.items
            if changes.items is not None
            else tuple(
                ItemRequest(line.item_id, line.quantity, line.hours_used)
                for line in catalog_lines
                if line.item_id is not None
            )
        )
        request = BookingRequest(
            space_id=space.pk,
            start=start,
            end=end,
            items=items,
            options=tuple(
                pricing.SpaceOptionRequest(
                    code=_option_code(line), quantity=line.quantity, name=line.name
                )
                for line in lines
                if line.kind in OPTION_KINDS
            ),
            event_type=changes.event_type if changes.event_type is not None else booking.event_type,
            booking_type=booking.booking_type,
            client_total=changes.client_total,
            venue_program=booking.is_admin_booking,
        )
        catalog = _catalog_items(space, request.items) if request.items else {}
        # Offers and coupons it was booked with stay, at the amounts taken then.
        kept = [
            Discount(kind=line.kind, name=line.name, code=line.code, amount=-line.total_price)
            for line in lines
            if line.kind in DISCOUNT_KINDS
        ]
        priced, _ = _priced(space, request, catalog, kept_discounts=kept)
        _check_fulfilled_lines_kept(catalog_lines, priced)

        original_total = booking.total_amount
        from_status = booking.status
        booking.start_datetime, booking.end_datetime = start, end
        booking.attendees = attendees
        booking.event_type = request.event_type
        if changes.customer_note is not None:
            booking.customer_note = changes.customer_note
        booking.space_amount = priced.hire
        booking.total_amount = priced.total
        booking.advance_amount = policies.advance_payment().share_of(priced.total)
        if booking.status == BookingStatus.APPROVED and not booking.is_admin_booking:
            booking.status = BookingStatus.PENDING
        booking.save()
        _replace_lines(booking, lines, priced, catalog)
        BookingEvent.objects.create(
            booking=booking,
            actor=actor,
            from_status=from_status,
            to_status=booking.status,
            note=f"Edited: {start:%Y-%m-%d %H:%M} to {end:%H:%M}, total {original_total} -> "
            f"{priced.total}.",
        )
    return BookingEdit(booking=booking, original_total=original_total, paid=booking.paid_amount)


OPTION_KINDS = frozenset(
    {
        BookingLineKind.FEATURE,
        BookingLineKind.STAGE,
        BookingLineKind.BANNER,
        BookingLineKind.STAGE_BANNER,
        BookingLineKind.TRANSPORT,
    }
)


def _option_code(line: BookingItem) -> str:
    """The custom_items code that bought this line, rebuilt from what the line kept."""
    if line.kind == BookingLineKind.FEATURE:
        return pricing.FEATURE_CODE_PREFIX + line.code
    if line.kind == BookingLineKind.STAGE_BANNER:
        return "stage_banner"
    return line.code


def _first_clash_except(
    space: Space, start: datetime, end: datetime, booking_id: int
) -> Booking | None:
    clashes = (
        Booking.objects.overlapping(space, start, end)
        .exclude(pk=booking_id)
        .order_by("start_datetime")
    )
    return clashes.only("booking_reference").first()


def _check_fulfilled_lines_kept(catalog_lines: list[BookingItem], priced: pricing.Quote) -> None:
    wanted = {(line.item_id, line.quantity) for line in priced.lines if line.item_id is not None}
    for line in catalog_lines:
        fulfilled = line.is_supplied or line.payment_settled
        if fulfilled and (line.item_id, line.quantity) not in wanted:
            raise BookingConflict(
                f"{line.name} has been supplied already; it cannot be removed or changed.",
                code="line_fulfilled",
            )


def _replace_lines(
    booking: Booking, old: list[BookingItem], priced: pricing.Quote, catalog: dict[int, Item]
) -> None:
    """Keep the rows of catalog lines still bought (their vendor and fulfilment state),
    repriced; delete the rest and write the new quote's other lines."""
    kept = {line.item_id: line for line in old if line.kind == BookingLineKind.CATALOG}
    event_date = timezone.localdate(booking.start_datetime)
    keep_ids: list[int] = []
    new_lines: list[BookingItem] = []
    for line in priced.lines:
        row = kept.pop(line.item_id, None) if line.item_id is not None else None
        if row is not None:
            row.quantity, row.hours_used = line.quantity, line.hours_used
            row.unit_price, row.total_price = line.unit_price, line.total
            row.name, row.event_date = line.name, event_date
            row.save(
                update_fields=[
                    "quantity",
                    "hours_used",
                    "unit_price",
                    "total_price",
                    "name",
                    "event_date",
                    "updated_at",
                ]
            )
            keep_ids.append(row.pk)
            continue
        new_lines.append(_line_row(booking, line, catalog, event_date))
    booking.items.exclude(pk__in=keep_ids).delete()
    BookingItem.objects.bulk_create(new_lines)


def settings_save(values: dict[SettingKey, str]) -> None:
    """Write platform settings, each validated as the admin validates it."""
    rows = []
    for key, value in values.items():
        row = AdminSetting(setting_key=key, value=value)
        try:
            row.clean()
        except DjangoValidationError as exc:
            raise InvalidInput.for_field(key, " ".join(exc.messages)) from None
        rows.append(row)
    with transaction.atomic():
        for row in rows:
            AdminSetting.objects.update_or_create(
                setting_key=row.setting_key, defaults={"value": row.value}
            )


def booking_payment_received(
    *, booking: Booking, amount: Decimal, actor: User | None, note: str
) -> Booking:
    """Count money received towards `booking` (locked by the caller, in its transaction).

    An unpaid booking holding (or having held) its slot becomes pending: staff review it, as
    before payments existed; approved at once when staff turned auto-approve on
    (policies.auto_approve). The payments app calls this once per payment; seed data and staff
    tools may record money received elsewhere.
    """
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    from_status = booking.status
    booking.paid_amount += amount
    if booking.status in (BookingStatus.PENDING_PAYMENT, BookingStatus.EXPIRED):
        # With auto-approve on, a paid customer booking skips staff review.
        approve = not booking.is_admin_booking and policies.auto_approve()
        booking.status = BookingStatus.APPROVED if approve else BookingStatus.PENDING
        booking.payment_hold_expires_at = None
        if approve:
            note = f"{note} (approved automatically)".strip()
    booking.save(update_fields=["paid_amount", "status", "payment_hold_expires_at", "updated_at"])
    BookingEvent.objects.create(
        booking=booking, actor=actor, from_status=from_status, to_status=booking.status, note=note
    )
    return booking


# --- Spaces (staff) ---------------------------------------------------------------------------

# The option tables, checked and normalized by bookings.space_options before they are saved.
SPACE_OPTION_FIELDS = (
    "features",
    "pricing_overrides",
    "event_types",
    "stage_options",
    "banner_sizes",
)


def _space_options(values: dict[str, Any], stored: Space | None) -> dict[str, Any]:
    checked = dict(values)
    for field, normalize in space_options.NORMALIZERS.items():
        if field in checked:
            checked[field] = normalize(checked[field])
    if "pricing_overrides" in checked:
        checked["pricing_overrides"] = space_options.normalize_pricing_overrides(
            checked["pricing_overrides"], stored.pricing_overrides if stored else None
        )
    return checked


def _save_space(space: Space) -> None:
    try:
        space.full_clean(exclude=["venue"])
    except DjangoValidationError as exc:
        fields = exc.message_dict
        raise InvalidInput(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items()),
            fields=fields,
        ) from None
    space.save()


def space_create(*, venue_id: int, values: dict[str, Any]) -> Space:
    """A new space of the venue; `values` are Space fields, the option tables as the staff
    screens send them (bookings.space_options)."""
    if not Venue.objects.filter(pk=venue_id).exists():
        raise NotFound("Venue not found.", code="venue_not_found")
    # The legacy's defaults for what the new-space screen may leave out.
    defaults: dict[str, Any] = {"capacity": 0, "price_per_hour": Decimal("0")}
    space = Space(venue_id=venue_id, **{**defaults, **_space_options(values, None)})
    _save_space(space)
    return space


def space_update(
    *, space_id: int, values: dict[str, Any], remove_feature_ids: Sequence[str] = ()
) -> Space:
    """Change the given fields of a space. `remove_feature_ids` drops those features from the
    stored list without resending it (lib/spaceAdmin.ts removeFeatureById)."""
    with transaction.atomic():
        space = Space.objects.select_for_update().filter(pk=space_id).first()
        if space is None:
            raise NotFound("Space not found.", code="space_not_found")
        if remove_feature_ids and "features" not in values:
            values = {**values, "features": _without_features(space.features, remove_feature_ids)}
        for field, value in _space_options(values, space).items():
            setattr(space, field, value)
        _save_space(space)
    return space


def _without_features(features: Any, feature_ids: Sequence[str]) -> Any:
    drop = {str(feature_id) for feature_id in feature_ids}

    def kept(feature_list: Any) -> Any:
        if not isinstance(feature_list, list):
            return feature_list
        return [
            f for f in feature_list if not (isinstance(f, dict) and str(f.get("id", "")) in drop)
        ]

    if isinstance(features, dict):
        return {**features, "hall_features": kept(features.get("hall_features"))}
    return kept(features)


def space_delete(*, space_id: int) -> None:
    """Delete a space no booking or catalog item refers to; otherwise SpaceInUse (deactivate
    it instead: it then leaves the public lists and keeps its bookings' history)."""
    with transaction.atomic():
        space = Space.objects.select_for_update().filter(pk=space_id).first()
        if space is None:
            raise NotFound("Space not found.", code="space_not_found")
        if Booking.objects.filter(space=space).exists():
            raise SpaceInUse(
                "This space has bookings, so it cannot be deleted; deactivate it instead "
                "(active: false).",
                code="space_has_bookings",
            )
        if Item.objects.filter(space=space).exists():
            # Deleting would make its space-only items (SET_NULL) available with every space.
            raise SpaceInUse(
                "Catalog items are offered only with this space; move or delete them first, or "
                "deactivate the space instead (active: false).",
                code="space_has_items",
            )
        space.delete()


# --- Staff edits of a booking -----------------------------------------------------------------

# PATCH /admin/bookings/{id} may set a status; it moves by the lifecycle action that ends there.
STATUS_ACTIONS = {to_status: action for action, (_, to_status) in TRANSITIONS.items()}


@dataclass(frozen=True, kw_only=True)
class StaffBookingChanges:
    """What the staff booking screen may change without repricing; None leaves a field."""

    admin_note: str | None = None
    customer_note: str | None = None
    attendees: int | None = None
    status: str | None = None


def booking_staff_update(*, booking_id: int, actor: User, changes: StaffBookingChanges) -> Booking:
    """Staff notes and head count, and a status change through the lifecycle (the legacy set
    any status it was sent, approving a cancelled booking as readily as a pending one)."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None:
            raise NotFound("Booking not found.", code="booking_not_found")
        if changes.attendees is not None and changes.attendees > booking.space.capacity:
            raise InvalidInput.for_field(
                "attendees", f"This space holds at most {booking.space.capacity} people."
            )
        if changes.status is not None and changes.status != booking.status:
            action = STATUS_ACTIONS.get(changes.status)
            if action is None:
                raise InvalidInput.for_field(
                    "status",
                    f"Staff move a booking to {', '.join(sorted(STATUS_ACTIONS))}, not "
                    f"{changes.status}.",
                )
            booking = booking_transition(
                booking=booking, action=action, actor=actor, note=changes.admin_note or ""
            )
        update_fields = []
        for field in ("admin_note", "customer_note", "attendees"):
            value = getattr(changes, field)
            if value is not None:
                setattr(booking, field, value)
                update_fields.append(field)
        if update_fields:
            booking.save(update_fields=[*update_fields, "updated_at"])
    return booking


def bookings_mark_viewed() -> None:
    """Staff have seen every booking made until now (the admin's "new bookings" badge counts
    those made after). One setting, not a flag on each booking row: the legacy's UPDATE of
    every unseen booking ran on each visit of the bookings screen."""
    settings_save({SettingKey.BOOKINGS_VIEWED_AT: timezone.now().isoformat()})
