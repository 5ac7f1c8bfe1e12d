"""Offers and coupons: which apply, what they take off, and their uses taken exactly once.

The frontend prices an offer (OfferPopup: POST /offers/apply before booking) and a coupon
(payment-main: GET /offers/check, POST /offers/apply) before the booking exists, then books
with the discounted total and records the uses after. The server keeps each such answer as a
quote; when the booking's total is not the server's plain price, `discounts_for_booking`
looks for the customer's quoted offer and coupon that, recomputed now, give exactly the total
the customer saw, and takes their uses with the booking (the legacy trusted the browser's
total and counted uses after the fact, so the last coupon could be spent twice).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingLineKind, BookingStatus
from bookings.models import Booking
from bookings.services import Discount, DiscountPlan
from lebrq.errors import Conflict, InvalidInput, NotFound
from notify.choices import MessagePurpose
from notify.services import sms_queue
from offers.choices import PRIORITY, DiscountType, OfferType
from offers.models import (
    Coupon,
    CouponUsage,
    DiscountQuote,
    Offer,
    OfferNotification,
    OfferUsage,
)

CENT = Decimal("0.01")
QUOTE_VALID_MINUTES = 30
# Quotes looked at when matching a booking's total (the newest of each offer and coupon).
MAX_QUOTES = 10


class DiscountRefused(InvalidInput):
    default_code = "discount_refused"


class UsesExhausted(Conflict):
    default_message = "This coupon has no uses left."
    default_code = "coupon_exhausted"


# --- What a rule takes off -----------------------------------------------------------------------


def discount_of(rule: Offer | Coupon, amount: Decimal) -> Decimal:
    """The legacy's calculate_discount: percentage (capped) or flat, never more than the
    amount; DiscountRefused below the minimum purchase."""
    if amount < 0:
        raise DiscountRefused("The purchase amount cannot be negative.")
    minimum = rule.min_purchase_amount or Decimal("0")
    if amount < minimum:
        raise DiscountRefused(f"Minimum purchase of ₹{minimum:.2f} required")
    if rule.discount_type == DiscountType.PERCENTAGE:
        if rule.discount_value > 100:
            raise DiscountRefused("Percentage discount cannot exceed 100%")
        discount = amount * rule.discount_value / 100
        if rule.max_discount_amount:
            discount = min(discount, rule.max_discount_amount)
    else:
        discount = rule.discount_value
    return min(discount, amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _coupon_problem(
    coupon: Coupon, user: User | None, amount: Decimal, now: datetime
) -> str | None:
    if not coupon.is_active:
        return "Coupon is not active"
    if coupon.valid_from and now < coupon.valid_from:
        return "Coupon not yet valid"
    if coupon.valid_until and now > coupon.valid_until:
        return "Coupon expired"
    if coupon.min_purchase_amount and amount < coupon.min_purchase_amount:
        return f"Minimum purchase of ₹{coupon.min_purchase_amount:.2f} required"
    if coupon.max_usage_total is not None and coupon.current_usage_count >= coupon.max_usage_total:
        return "Coupon usage limit reached"
    if coupon.max_usage_per_user is not None and user is not None:
        used = CouponUsage.objects.filter(
            coupon=coupon, user=user, released_at__isnull=True
        ).count()
        if used >= coupon.max_usage_per_user:
            return "You have reached the maximum usage limit for this coupon"
    return None


def _offer_problem(offer: Offer, user: User | None, today: Any) -> str | None:
    if not offer.is_active:
        return "Offer is not active"
    if offer.start_date and today < offer.start_date:
        return "Offer not yet valid"
    if offer.end_date and today > offer.end_date:
        return "Offer expired"
    limited = offer.offer_type == OfferType.FIRST_X_USERS and offer.number_of_users is not None
    if limited and offer.claimed_count >= (offer.number_of_users or 0):
        return "Offer limit reached"
    if offer.offer_type == OfferType.BIRTHDAY:
        born = user.date_of_birth if user is not None else None
        if born is None or (born.month, born.day) != (today.month, today.day):
            return "A birthday offer applies on your birthday"
    return None


# --- /offers/check -------------------------------------------------------------------------------


def offer_entry(offer: Offer) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": offer.offer_type,
        "id": offer.pk,
        "title": offer.title,
        "description": offer.description,
        "discount_type": offer.discount_type,
        "discount_value": float(offer.discount_value),
        "min_purchase_amount": _float(offer.min_purchase_amount),
        "max_discount_amount": _float(offer.max_discount_amount),
        "priority": PRIORITY.get(offer.offer_type, offer.priority),
    }
    if offer.offer_type == OfferType.FESTIVAL:
        entry["festival_name"] = offer.festival_name
    if offer.offer_type == OfferType.RACK:
        entry["surprise_gift_name"] = offer.surprise_gift_name
        entry["surprise_gift_image_url"] = offer.surprise_gift_image_url
    if offer.offer_type == OfferType.FIRST_X_USERS:
        entry["number_of_users"] = offer.number_of_users
        entry["claimed_count"] = offer.claimed_count
    return entry


def coupon_entry(coupon: Coupon) -> dict[str, Any]:
    return {
        "type": "coupon",
        "id": coupon.pk,
        "code": coupon.code,
        "title": coupon.title,
        "description": coupon.description,
        "discount_type": coupon.discount_type,
        "discount_value": float(coupon.discount_value),
        "min_purchase_amount": _float(coupon.min_purchase_amount),
        "max_discount_amount": _float(coupon.max_discount_amount),
        "priority": PRIORITY["coupon"],
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def applicable(
    *, user: User | None, coupon_code: str, amount: Decimal, is_rack: bool
) -> dict[str, Any]:
    """The legacy's get_applicable_offers: every offer (and the coupon) that applies now,
    the best (highest priority) first."""
    now = timezone.now()
    today = timezone.localdate()
    entries: list[dict[str, Any]] = []
    if is_rack:
        kinds: tuple[str, ...] = (OfferType.RACK,)
    else:
        kinds = (OfferType.FESTIVAL, OfferType.BIRTHDAY, OfferType.FIRST_X_USERS)
        if coupon_code:
            coupon = Coupon.objects.filter(code=coupon_code.strip().upper()).first()
            if coupon is not None and _coupon_problem(coupon, user, amount, now) is None:
                entries.append(coupon_entry(coupon))
    offers = Offer.objects.filter(is_active=True, offer_type__in=kinds).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=today),
        Q(end_date__isnull=True) | Q(end_date__gte=today),
    )
    for offer in offers.order_by("-priority", "id")[:50]:
        if _offer_problem(offer, user, today) is not None:
            continue
        if offer.min_purchase_amount and amount < offer.min_purchase_amount:
            continue
        entries.append(offer_entry(offer))
    entries.sort(key=lambda entry: entry["priority"], reverse=True)
    return {
        "has_offer": bool(entries),
        "best_offer": entries[0] if entries else None,
        "all_applicable": entries,
    }


# --- /offers/apply -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    rule: Offer | Coupon
    purchase_amount: Decimal
    discount_amount: Decimal

    @property
    def final_amount(self) -> Decimal:
        return self.purchase_amount - self.discount_amount

    @property
    def entry(self) -> dict[str, Any]:
        if isinstance(self.rule, Coupon):
            return coupon_entry(self.rule)
        return offer_entry(self.rule)


def _rule(offer_id: int | None, offer_type: str, coupon_code: str) -> Offer | Coupon:
    if coupon_code or offer_type == "coupon":
        coupons = Coupon.objects.all()
        coupon = (
            coupons.filter(code=coupon_code.strip().upper()).first()
            if coupon_code
            else coupons.filter(pk=offer_id or 0).first()
        )
        if coupon is None:
            raise NotFound("Coupon not found")
        return coupon
    offer = Offer.objects.filter(pk=offer_id or 0).first()
    if offer is None:
        raise NotFound("Offer not found")
    return offer


def discount_apply(
    *,
    user: User,
    offer_id: int | None,
    offer_type: str,
    coupon_code: str,
    purchase_amount: Decimal,
    booking_id: int | None,
) -> Applied:
    """Price an offer or coupon for the customer. Before the booking: a quote its booking may
    claim. With the booking: its use, recorded once (the booking usually took it already)."""
    if offer_id is None and not coupon_code:
        raise InvalidInput("offer_id or coupon_code required", code="offer_required")
    rule = _rule(offer_id, offer_type, coupon_code)
    if booking_id is not None:
        return _use_for_booking(user=user, rule=rule, booking_id=booking_id, amount=purchase_amount)
    problem = (
        _coupon_problem(rule, user, purchase_amount, timezone.now())
        if isinstance(rule, Coupon)
        else _offer_problem(rule, user, timezone.localdate())
    )
    if problem is not None:
        raise DiscountRefused(problem)
    applied = Applied(rule, purchase_amount, discount_of(rule, purchase_amount))
    DiscountQuote.objects.create(
        user=user,
        offer=rule if isinstance(rule, Offer) else None,
        coupon=rule if isinstance(rule, Coupon) else None,
        purchase_amount=purchase_amount,
        discount_amount=applied.discount_amount,
    )
    return applied


def _use_for_booking(
    *, user: User, rule: Offer | Coupon, booking_id: int, amount: Decimal
) -> Applied:
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Booking not found")
    if booking.user_id != user.pk and not user.is_staff:
        raise NotFound("Booking not found")
    usages = (
        CouponUsage.objects.filter(coupon=rule)
        if isinstance(rule, Coupon)
        else OfferUsage.objects.filter(offer=rule)
    )
    existing = usages.filter(booking=booking).first()
    if existing is not None:
        return Applied(rule, existing.original_amount, existing.discount_amount)
    # A use the booking did not take at booking time (its total ignored the discount): the
    # customer paid the full price, so nothing is taken off now; the use is not recorded.
    raise Conflict(
        "This booking was priced without that offer; it cannot be applied afterwards.",
        code="discount_not_on_booking",
    )


# --- The hook bookings call: the discounts the customer's total includes -------------------------


def _recent_quotes(user: User, now: datetime) -> tuple[list[Offer], list[Coupon]]:
    since = now - timedelta(minutes=QUOTE_VALID_MINUTES)
    quotes = (
        DiscountQuote.objects.filter(user=user, created_at__gte=since)
        .select_related("offer", "coupon")
        .order_by("-created_at", "-id")[: MAX_QUOTES * 2]
    )
    offers: dict[int, Offer] = {}
    coupons: dict[int, Coupon] = {}
    for quote in quotes:
        if quote.offer is not None:
            offers.setdefault(quote.offer.pk, quote.offer)
        if quote.coupon is not None:
            coupons.setdefault(quote.coupon.pk, quote.coupon)
    return list(offers.values())[:MAX_QUOTES], list(coupons.values())[:MAX_QUOTES]


def discounts_for_booking(
    *, user: User, total: Decimal, client_total: Decimal
) -> DiscountPlan | None:
    """The customer's quoted offer and/or coupon that, recomputed on `total` now, bring it to
    exactly `client_total`; None when no combination does."""
    now = timezone.now()
    today = timezone.localdate()
    offers, coupons = _recent_quotes(user, now)
    for offer in [None, *offers]:
        if offer is not None and _offer_problem(offer, user, today) is not None:
            continue
        try:
            offer_off = discount_of(offer, total) if offer is not None else Decimal("0")
        except DiscountRefused:
            continue
        for coupon in [None, *coupons]:
            rest = total - offer_off
            if coupon is not None and _coupon_problem(coupon, user, rest, now) is not None:
                continue
            try:
                coupon_off = discount_of(coupon, rest) if coupon is not None else Decimal("0")
            except DiscountRefused:
                continue
            if offer is None and coupon is None:
                continue
            if rest - coupon_off == client_total:
                return _plan(user, total, offer, offer_off, coupon, coupon_off)
    return None


def _plan(
    user: User,
    total: Decimal,
    offer: Offer | None,
    offer_off: Decimal,
    coupon: Coupon | None,
    coupon_off: Decimal,
) -> DiscountPlan:
    discounts: list[Discount] = []
    if offer is not None:
        discounts.append(
            Discount(
                kind=BookingLineKind.OFFER,
                name=f"Offer: {offer.title}"[:255],
                code=str(offer.pk),
                amount=offer_off,
            )
        )
    if coupon is not None:
        discounts.append(
            Discount(
                kind=BookingLineKind.COUPON,
                name=f"Coupon {coupon.code}"[:255],
                code=coupon.code,
                amount=coupon_off,
            )
        )

    def claim(booking: Booking) -> None:
        if offer is not None:
            _take_offer(offer, user, booking, total, offer_off)
        if coupon is not None:
            _take_coupon(coupon, user, booking, total - offer_off, coupon_off)

    claim_fn: Callable[[Booking], None] = claim
    return DiscountPlan(discounts=tuple(discounts), claim=claim_fn)


def _take_offer(offer: Offer, user: User, booking: Booking, amount: Decimal, off: Decimal) -> None:
    if offer.offer_type == OfferType.FIRST_X_USERS and offer.number_of_users is not None:
        taken = Offer.objects.filter(pk=offer.pk, claimed_count__lt=F("number_of_users")).update(
            claimed_count=F("claimed_count") + 1
        )
        if not taken:
            raise Conflict(
                "This offer has been claimed by as many as it allows.", code="offer_exhausted"
            )
    OfferUsage.objects.create(
        offer=offer,
        user=user,
        booking=booking,
        discount_amount=off,
        original_amount=amount,
        final_amount=amount - off,
    )


def _take_coupon(
    coupon: Coupon, user: User, booking: Booking, amount: Decimal, off: Decimal
) -> None:
    """The coupon's row locked, its limits checked again, its counter moved: two bookings
    racing for its last use take turns, and the second finds none."""
    locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
    problem = _coupon_problem(locked, user, amount, timezone.now())
    if problem is not None:
        raise UsesExhausted(problem)
    Coupon.objects.filter(pk=coupon.pk).update(current_usage_count=F("current_usage_count") + 1)
    CouponUsage.objects.create(
        coupon=coupon,
        user=user,
        booking=booking,
        discount_amount=off,
        original_amount=amount,
        final_amount=amount - off,
    )


# --- Giving back the uses of bookings never paid -------------------------------------------------

UNPAID_ENDS = (BookingStatus.EXPIRED, BookingStatus.CANCELLED, BookingStatus.REJECTED)
# An unpaid booking ends within its payment hold (minutes), so only the last day's uses can
# need giving back; the (released_at, used_at) index keeps the look at them small as uses grow.
RELEASE_LOOKBACK = timedelta(days=1)
# Quotes are claimable for QUOTE_VALID_MINUTES; older ones are deleted, this many a run.
QUOTE_PRUNE_BATCH = 5000


def uses_release_unpaid(now: datetime | None = None) -> int:
    """Uses taken by bookings that ended without a payment go back to their coupon or offer."""
    now = now or timezone.now()
    released = 0
    for model, rule_field in ((CouponUsage, "coupon"), (OfferUsage, "offer")):
        stale = model.objects.filter(
            released_at__isnull=True,
            used_at__gte=now - RELEASE_LOOKBACK,
            booking__status__in=UNPAID_ENDS,
            booking__paid_amount=0,
        ).values_list("pk", flat=True)[:500]
        for usage_id in stale:
            with transaction.atomic():
                usage = model.objects.select_for_update().get(pk=usage_id)
                if usage.released_at is not None:
                    continue
                usage.released_at = now
                usage.save(update_fields=["released_at"])
                rule_id = getattr(usage, f"{rule_field}_id")
                if rule_field == "coupon":
                    Coupon.objects.filter(pk=rule_id, current_usage_count__gt=0).update(
                        current_usage_count=F("current_usage_count") - 1
                    )
                else:
                    Offer.objects.filter(
                        pk=rule_id, claimed_count__gt=0, offer_type=OfferType.FIRST_X_USERS
                    ).update(claimed_count=F("claimed_count") - 1)
                released += 1
    return released


def quotes_prune(now: datetime | None = None) -> int:
    """Delete quotes too old to be claimed (they are only evidence for a booking being made)."""
    now = now or timezone.now()
    old = DiscountQuote.objects.filter(
        created_at__lt=now - timedelta(minutes=QUOTE_VALID_MINUTES) - RELEASE_LOOKBACK
    ).values_list("pk", flat=True)[:QUOTE_PRUNE_BATCH]
    deleted, _ = DiscountQuote.objects.filter(pk__in=list(old)).delete()
    return deleted


# --- Telling customers ---------------------------------------------------------------------------

NOTIFY_BATCH = 500


def offer_message(offer: Offer) -> str:
    off = (
        f"{offer.discount_value.normalize():f}% off"
        if offer.discount_type == DiscountType.PERCENTAGE
        else f"₹{offer.discount_value:.0f} off"
    )
    return f"LeBRQ: {offer.title} - {off} your booking. Book at lebrq.com"[:300]


def offer_notify_all(*, offer_id: int, actor_id: int | None) -> int:
    """An SMS to each customer with a mobile not yet told about this offer, in batches of
    NOTIFY_BATCH (never every customer in memory); the (offer, user) record makes a rerun
    send nothing twice."""
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        return 0
    body = offer_message(offer)
    sent = 0
    last_id = 0
    while True:
        batch = list(
            User.objects.filter(pk__gt=last_id, is_staff=False, is_active=True)
            .exclude(mobile="")
            .exclude(pk__in=OfferNotification.objects.filter(offer=offer).values("user_id"))
            .order_by("pk")
            .values_list("pk", "mobile")[:NOTIFY_BATCH]
        )
        if not batch:
            return sent
        last_id = batch[-1][0]
        with transaction.atomic():
            for user_id, mobile in batch:
                _, created = OfferNotification.objects.get_or_create(
                    offer=offer,
                    user_id=user_id,
                    defaults={"sms_sent": True, "notified_by_id": actor_id},
                )
                if created:
                    sms_queue(to=mobile, body=body, purpose=MessagePurpose.NOTIFICATION)
                    sent += 1


# --- Rack orders (the racks app, by dotted path: it sits beside offers) ---------------------------


@dataclass(frozen=True)
class RackOfferPrice:
    discount: Decimal
    surprise_gift_name: str
    surprise_gift_image_url: str


def rack_offer_price(*, user: User, offer_id: int, amount: Decimal) -> RackOfferPrice:
    """What a rack offer takes off a cart of `amount` now, recomputed here (the cart's
    discount_amount is the browser's word). DiscountRefused when it does not apply."""
    offer = Offer.objects.filter(pk=offer_id, offer_type=OfferType.RACK).first()
    if offer is None:
        raise DiscountRefused("This is not a rack offer.", code="offer_not_applicable")
    problem = _offer_problem(offer, user, timezone.localdate())
    if problem is not None:
        raise DiscountRefused(problem)
    return RackOfferPrice(
        discount=discount_of(offer, amount),
        surprise_gift_name=offer.surprise_gift_name,
        surprise_gift_image_url=offer.surprise_gift_image_url,
    )
