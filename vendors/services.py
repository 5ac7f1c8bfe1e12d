"""Writes of the vendors app: vendor profiles (invitation, suspension), the vendor's catalog,
the fulfilment steps of booking items, notifications, and settlements (by hand or through
Razorpay). The rules are in vendors/README.md.

Each fulfilment step locks the booking item's row, checks the step is allowed from where the
item stands (else WrongFulfilmentStep, 409), writes the columns and a FulfilmentEvent, and
queues the notice to the other side once the transaction commits.
"""

import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import user_cache
from accounts.choices import Role
from accounts.models import User, VendorProfile
from bookings import catalog_services
from bookings.catalog_services import ItemChanges
from bookings.choices import BookingItemStatus
from bookings.models import BookingItem, Item
from lebrq.errors import InvalidInput, NotFound
from notify.choices import MessagePurpose
from notify.services import sms_queue
from payments.choices import PaymentPurpose, PaymentStatus
from payments.models import Payment
from payments.services import checkout_verify, purpose_order_create, to_paise
from vendors import selectors
from vendors.choices import FulfilmentAction
from vendors.exceptions import (
    AlreadySettled,
    BookingItemNotFound,
    NothingToPay,
    NotificationNotFound,
    OrderNotFound,
    PayoutInProgress,
    SettlementMismatch,
    VendorNotFound,
    VendorRejectedItem,
    WrongFulfilmentStep,
)
from vendors.models import (
    BookingItemRejection,
    FulfilmentEvent,
    VendorNotification,
    VendorSettlement,
    VendorSettlementLine,
)
from vendors.tasks import fulfilment_event_notify, vendor_settlement_notify

CENT = Decimal("0.01")
# Lines one settlement (by hand or one payment) may cover.
SETTLE_MAX_ITEMS = selectors.SUMMARY_LINES_MAX


# --- Vendor profiles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewVendor:
    user_id: int | None
    username: str
    company_name: str
    description: str
    contact_email: str
    contact_phone: str
    address: str


@dataclass(frozen=True)
class CreatedVendor:
    vendor: VendorProfile
    # Set when a new login was made: shown once to staff, stored only hashed.
    temporary_password: str | None


def _free_username(base: str) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", base.lower().strip()).strip("_") or "vendor"
    base = base[:140]
    candidate, n = base, 0
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def vendor_create(*, new: NewVendor) -> CreatedVendor:
    """POST /admin/vendors: a profile for an existing user (made a vendor), or a new vendor
    login with a temporary password (the legacy's two modes)."""
    password: str | None = None
    if new.user_id is not None:
        user = User.objects.select_for_update().filter(pk=new.user_id).first()
        if user is None:
            raise NotFound("User not found", code="user_not_found")
        if VendorProfile.objects.filter(user=user).exists():
            raise InvalidInput(
                "Vendor profile already exists for this user", code="vendor_profile_exists"
            )
        if user.role != Role.VENDOR:
            user.role = Role.VENDOR
            user.save(update_fields=["role"])
    else:
        if not new.contact_email:
            raise InvalidInput.for_field(
                "contact_email", "is required to create a new vendor user."
            )
        email = new.contact_email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise InvalidInput.for_field(
                "contact_email", "a user with this e-mail exists: pass its user_id instead."
            )
        base = new.username or new.company_name.strip() or email.split("@")[0]
        password = secrets.token_urlsafe(9)
        user = User(username=_free_username(base), email=email, role=Role.VENDOR)
        user.mobile = new.contact_phone
        user.set_password(password)
        user.save()
    vendor = VendorProfile.objects.create(
        user=user,
        company_name=new.company_name,
        description=new.description,
        contact_email=new.contact_email,
        contact_phone=new.contact_phone,
        address=new.address,
    )
    return CreatedVendor(vendor=vendor, temporary_password=password)


def _phone(vendor: VendorProfile) -> str:
    return vendor.contact_phone or vendor.user.mobile


def _invite(vendor: VendorProfile, password: str) -> None:
    """Text the vendor their login from the task worker (sensitive: the outbox does not log
    it). The legacy e-mailed it; our outgoing channel below the apps is the SMS outbox."""
    sms_queue(
        to=_phone(vendor),
        body=(
            f"Your vendor account is ready. Username: {vendor.user.username} "
            f"Temporary password: {password} Please change it after logging in."
        ),
        purpose=MessagePurpose.NOTIFICATION,
        sensitive=True,
    )


def vendor_invite_new(created: CreatedVendor) -> bool:
    """Send a new login to the vendor; False when there is none or no number to text it to
    (staff were shown the temporary password)."""
    if created.temporary_password is None or not _phone(created.vendor):
        return False
    _invite(created.vendor, created.temporary_password)
    return True


@transaction.atomic
def vendor_invite(*, vendor_id: int) -> VendorProfile:
    """POST /admin/vendors/{id}/invite: a new temporary password, texted to the vendor. With no
    number to send it to, nothing changes (the old password keeps working)."""
    vendor = VendorProfile.objects.select_related("user").filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorNotFound()
    if not _phone(vendor):
        raise InvalidInput(
            "The vendor has no phone number to send the login to.", code="vendor_contact_missing"
        )
    password = secrets.token_urlsafe(9)
    vendor.user.set_password(password)
    vendor.user.save(update_fields=["password"])
    _invite(vendor, password)
    return vendor


PROFILE_FIELDS = ("company_name", "description", "contact_email", "contact_phone", "address")


@transaction.atomic
def vendor_update(*, vendor_id: int, values: Mapping[str, str]) -> VendorProfile:
    vendor = VendorProfile.objects.select_for_update().filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorNotFound()
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(vendor, name, values[name])
    vendor.save()
    return vendor


@transaction.atomic
def vendor_suspend(*, vendor_id: int, until: datetime | None) -> VendorProfile:
    """Suspend until `until` (None lifts it). Written on the user too: login and every
    authenticated request check User.suspended_until (accounts.authentication)."""
    vendor = VendorProfile.objects.select_for_update().filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorNotFound()
    vendor.suspended_until = until
    vendor.save(update_fields=["suspended_until", "updated_at"])
    User.objects.filter(pk=vendor.user_id).update(suspended_until=until)
    user_cache.forget(vendor.user_id)  # a bulk update sends no signal
    return vendor


# --- The vendor's catalog ----------------------------------------------------------------------


def vendor_item_create(*, vendor: VendorProfile, values: Mapping[str, Any]) -> Item:
    """The vendor's price is their cost (vendor_price); the catalog price is computed by the
    server from it and staff's markup (none on a new item)."""
    changes = dict(values)
    changes["vendor_price"] = changes.pop("price")
    changes["vendor_id"] = vendor.pk
    return catalog_services.item_create(changes=ItemChanges(changes))


def _own_item(vendor: VendorProfile, item_id: int) -> Item:
    item = Item.objects.filter(pk=item_id, vendor=vendor).first()
    if item is None:
        raise NotFound("Item not found", code="item_not_found")
    return item


def vendor_item_update(*, vendor: VendorProfile, item_id: int, values: Mapping[str, Any]) -> Item:
    _own_item(vendor, item_id)
    changes = dict(values)
    if "price" in changes:
        # Repriced by markup in item_update: the customer price is never the vendor's word.
        changes["vendor_price"] = changes.pop("price")
    return catalog_services.item_update(item_id=item_id, changes=ItemChanges(changes))


def vendor_item_delete(*, vendor: VendorProfile, item_id: int) -> None:
    _own_item(vendor, item_id)
    catalog_services.item_delete(item_id=item_id)


# --- Fulfilment --------------------------------------------------------------------------------


def _locked(item_id: int) -> BookingItem:
    item = BookingItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise BookingItemNotFound()
    return item


def _locked_order(vendor: VendorProfile, item_id: int) -> BookingItem:
    item = BookingItem.objects.select_for_update().filter(pk=item_id, vendor=vendor).first()
    if item is None:
        raise OrderNotFound()
    return item


def _record(
    item: BookingItem,
    action: FulfilmentAction,
    *,
    actor: User,
    vendor_id: int | None,
    note: str = "",
) -> FulfilmentEvent:
    event = FulfilmentEvent.objects.create(
        booking_item=item, action=action, actor=actor, vendor_id=vendor_id, note=note
    )
    transaction.on_commit(lambda: fulfilment_event_notify.enqueue(event.pk))
    return event


def _refuse_unless_open(item: BookingItem) -> None:
    """Steps before supply: not on a cancelled line, nor one already supplied or paid."""
    if item.booking_status == BookingItemStatus.CANCELLED:
        raise WrongFulfilmentStep("This booking item is cancelled.", code="item_cancelled")
    if item.payment_settled:
        raise WrongFulfilmentStep("This booking item is already settled.", code="item_settled")
    if item.is_supplied:
        raise WrongFulfilmentStep("This booking item is already supplied.", code="item_supplied")


def _refuse_unassignable(item: BookingItem, vendor: VendorProfile) -> None:
    if vendor.suspended_until is not None and vendor.suspended_until > timezone.now():
        raise WrongFulfilmentStep("This vendor is suspended.", code="vendor_suspended")
    rejection = BookingItemRejection.objects.filter(booking_item=item, vendor=vendor).first()
    if rejection is not None:
        raise VendorRejectedItem(
            "This vendor has previously rejected this item. "
            f"Reason: {rejection.rejection_note or 'Not provided'}"
        )


def _give_to(item: BookingItem, vendor: VendorProfile) -> None:
    item.vendor = vendor
    item.accepted_at = None
    item.rejection_status = False
    item.rejection_note = ""
    item.rejected_at = None
    if item.booking_status != BookingItemStatus.CONFIRMED:
        item.booking_status = BookingItemStatus.PENDING
    item.save(
        update_fields=[
            "vendor",
            "accepted_at",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "booking_status",
            "updated_at",
        ]
    )


def _vendor_for_assignment(vendor_id: int) -> VendorProfile:
    vendor = VendorProfile.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorNotFound()
    return vendor


@transaction.atomic
def assign_vendor(
    *, item_id: int, vendor_id: int, actor: User
) -> tuple[BookingItem, VendorProfile]:
    """Staff give a line with no vendor to one (a cancelled assignment may be given again)."""
    item = _locked(item_id)
    vendor = _vendor_for_assignment(vendor_id)
    if item.vendor_id is not None:
        raise WrongFulfilmentStep(
            "A vendor is already assigned to this item: reassign it instead.",
            code="vendor_already_assigned",
        )
    _refuse_unless_open(item)
    _refuse_unassignable(item, vendor)
    _give_to(item, vendor)
    _record(item, FulfilmentAction.ASSIGNED, actor=actor, vendor_id=vendor.pk)
    return item, vendor


@transaction.atomic
def reassign_vendor(
    *, item_id: int, vendor_id: int, actor: User
) -> tuple[BookingItem, VendorProfile]:
    """Staff move a line (rejected, cancelled or still open) to another vendor; the previous
    vendor, unless they rejected it, is told it was taken from them."""
    item = _locked(item_id)
    vendor = _vendor_for_assignment(vendor_id)
    _refuse_unless_open(item)
    if item.vendor_id == vendor.pk and not item.rejection_status:
        raise WrongFulfilmentStep(
            "This vendor is already assigned to this item.", code="vendor_already_assigned"
        )
    _refuse_unassignable(item, vendor)
    previous, previous_rejected = item.vendor_id, item.rejection_status
    _give_to(item, vendor)
    if previous is not None and previous != vendor.pk and not previous_rejected:
        _record(
            item,
            FulfilmentAction.CANCELLED,
            actor=actor,
            vendor_id=previous,
            note="Reassigned to another vendor",
        )
    _record(item, FulfilmentAction.REASSIGNED, actor=actor, vendor_id=vendor.pk)
    return item, vendor


@dataclass(frozen=True)
class Cancelled:
    item: BookingItem
    previous_vendor: VendorProfile | None
    note: str


@transaction.atomic
def cancel_vendor(*, item_id: int, note: str, actor: User) -> Cancelled:
    """Staff take a line back from its vendor before it is supplied, with a note; the line
    waits for another vendor (the legacy stored the note as the line's rejection note)."""
    item = _locked(item_id)
    if item.vendor_id is None:
        raise WrongFulfilmentStep("No vendor assigned to this item", code="no_vendor_assigned")
    _refuse_unless_open(item)
    previous = VendorProfile.objects.filter(pk=item.vendor_id).first()
    item.vendor = None
    item.rejection_status = True
    item.rejection_note = f"[Admin Cancelled] {note or 'No note provided'}"
    item.rejected_at = timezone.now()
    item.accepted_at = None
    item.booking_status = BookingItemStatus.APPROVED
    item.save(
        update_fields=[
            "vendor",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "accepted_at",
            "booking_status",
            "updated_at",
        ]
    )
    _record(
        item,
        FulfilmentAction.CANCELLED,
        actor=actor,
        vendor_id=previous.pk if previous else None,
        note=note,
    )
    return Cancelled(item=item, previous_vendor=previous, note=note)


@transaction.atomic
def accept_order(*, vendor: VendorProfile, item_id: int, actor: User) -> BookingItem:
    item = _locked_order(vendor, item_id)
    if item.booking_status == BookingItemStatus.CANCELLED:
        raise WrongFulfilmentStep("This order is cancelled.", code="item_cancelled")
    if item.rejection_status:
        raise WrongFulfilmentStep("This order was rejected.", code="order_rejected")
    if item.accepted_at is not None:
        raise WrongFulfilmentStep("This order is already accepted.", code="order_accepted")
    item.booking_status = BookingItemStatus.CONFIRMED
    item.accepted_at = timezone.now()
    item.save(update_fields=["booking_status", "accepted_at", "updated_at"])
    _record(item, FulfilmentAction.ACCEPTED, actor=actor, vendor_id=vendor.pk)
    return item


@transaction.atomic
def reject_order(*, vendor: VendorProfile, item_id: int, reason: str, actor: User) -> BookingItem:
    """The vendor says no, with a reason: the line keeps them (their orders list shows it
    rejected) until staff reassign it, and they are never offered it again."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Rejection reason is required")
    item = _locked_order(vendor, item_id)
    if item.rejection_status:
        raise WrongFulfilmentStep("This order is already rejected.", code="order_rejected")
    _refuse_unless_open(item)
    now = timezone.now()
    item.rejection_status = True
    item.rejection_note = reason
    item.rejected_at = now
    item.save(update_fields=["rejection_status", "rejection_note", "rejected_at", "updated_at"])
    BookingItemRejection.objects.update_or_create(
        booking_item=item,
        vendor=vendor,
        defaults={"rejection_note": reason, "rejected_at": now},
    )
    _record(item, FulfilmentAction.REJECTED, actor=actor, vendor_id=vendor.pk, note=reason)
    return item


def _supply(item: BookingItem) -> None:
    if item.booking_status == BookingItemStatus.CANCELLED:
        raise WrongFulfilmentStep("This booking item is cancelled.", code="item_cancelled")
    if item.rejection_status:
        raise WrongFulfilmentStep("This order was rejected.", code="order_rejected")
    if item.is_supplied:
        raise WrongFulfilmentStep("This item is already marked supplied.", code="item_supplied")
    item.is_supplied = True
    item.supplied_at = timezone.now()
    item.save(update_fields=["is_supplied", "supplied_at", "updated_at"])


@transaction.atomic
def mark_supplied_by_vendor(*, vendor: VendorProfile, item_id: int, actor: User) -> BookingItem:
    item = _locked_order(vendor, item_id)
    _supply(item)
    _record(item, FulfilmentAction.SUPPLIED, actor=actor, vendor_id=vendor.pk)
    return item


@transaction.atomic
def mark_supplied_by_staff(*, item_id: int, supplied: bool, actor: User) -> BookingItem:
    """Staff mark a vendor's line supplied, or undo it (which undoes its verification too);
    a settled line stays supplied."""
    item = _locked(item_id)
    if item.vendor_id is None:
        raise WrongFulfilmentStep("No vendor assigned to this item", code="no_vendor_assigned")
    if supplied:
        _supply(item)
        action = FulfilmentAction.SUPPLIED
    else:
        if not item.is_supplied:
            raise WrongFulfilmentStep("This item is not marked supplied.", code="item_not_supplied")
        if item.payment_settled:
            raise WrongFulfilmentStep("This booking item is already settled.", code="item_settled")
        item.is_supplied = False
        item.supplied_at = None
        item.supply_verified = False
        item.verified_at = None
        item.save(
            update_fields=[
                "is_supplied",
                "supplied_at",
                "supply_verified",
                "verified_at",
                "updated_at",
            ]
        )
        action = FulfilmentAction.UNSUPPLIED
    _record(item, action, actor=actor, vendor_id=item.vendor_id)
    return item


@transaction.atomic
def verify_supply(*, item_id: int, actor: User) -> BookingItem:
    item = _locked(item_id)
    if not item.is_supplied:
        raise WrongFulfilmentStep(
            "Item must be marked as supplied before verification", code="item_not_supplied"
        )
    if item.supply_verified:
        raise WrongFulfilmentStep("This supply is already verified.", code="supply_verified")
    item.supply_verified = True
    item.verified_at = timezone.now()
    item.save(update_fields=["supply_verified", "verified_at", "updated_at"])
    _record(item, FulfilmentAction.VERIFIED, actor=actor, vendor_id=item.vendor_id)
    return item


# --- Notifications -----------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> None:
    changed = VendorNotification.objects.filter(
        pk=notification_id, vendor_user=user, is_deleted=False, is_read=False
    ).update(is_read=True, read_at=timezone.now())
    if not changed:
        raise NotificationNotFound("Notification not found or already read")


def notifications_mark_all_read(*, user: User) -> int:
    return VendorNotification.objects.filter(
        vendor_user=user, is_deleted=False, is_read=False
    ).update(is_read=True, read_at=timezone.now())


def notification_delete(*, user: User, notification_id: int) -> None:
    changed = VendorNotification.objects.filter(
        pk=notification_id, vendor_user=user, is_deleted=False
    ).update(is_deleted=True)
    if not changed:
        raise NotificationNotFound()


# --- Settlements -------------------------------------------------------------------------------


def _line_amount(line: BookingItem) -> Decimal:
    price = line.item.vendor_price if line.item is not None else None
    return ((price or Decimal("0")) * line.quantity).quantize(CENT)


def _refuse_unpayable(lines: list[BookingItem]) -> None:
    settled = [line.pk for line in lines if line.payment_settled]
    if settled:
        raise AlreadySettled(
            f"Booking items already settled: {', '.join(map(str, settled))}",
            extra={"booking_item_ids": settled},
        )
    unsupplied = [line.pk for line in lines if line.vendor_id is None or not line.is_supplied]
    if unsupplied:
        raise WrongFulfilmentStep(
            f"Only supplied items with a vendor can be settled: {', '.join(map(str, unsupplied))}",
            code="item_not_supplied",
            extra={"booking_item_ids": unsupplied},
        )


def _settle(lines: list[BookingItem], *, by: User | None) -> None:
    """Mark the locked, checked lines settled (WHERE payment_settled = false: never twice),
    log them, and tell each vendor once."""
    now = timezone.now()
    ids = [line.pk for line in lines]
    changed = BookingItem.objects.filter(pk__in=ids, payment_settled=False).update(
        payment_settled=True, payment_settled_at=now, payment_settled_by=by, updated_at=now
    )
    if changed != len(ids):
        # Cannot happen under the row locks taken by the callers; refuse rather than pay twice.
        raise AlreadySettled()
    FulfilmentEvent.objects.bulk_create(
        FulfilmentEvent(
            booking_item_id=line.pk,
            action=FulfilmentAction.SETTLED,
            actor=by,
            vendor_id=line.vendor_id,
            created_at=now,
            # Told once per settlement below, not per line.
            notified_at=now,
        )
        for line in lines
    )
    per_vendor: dict[int, list[BookingItem]] = defaultdict(list)
    for line in lines:
        if line.vendor_id is not None:
            per_vendor[line.vendor_id].append(line)
    key = f"settled-{now:%Y%m%d%H%M%S%f}-{min(ids)}"
    for vendor_id, own in per_vendor.items():
        amount = sum((_line_amount(line) for line in own), Decimal("0"))
        transaction.on_commit(
            partial(
                vendor_settlement_notify.enqueue,
                vendor_id,
                len(own),
                str(amount),
                f"{key}-{vendor_id}",
            )
        )


def _locked_lines(ids: Iterable[int]) -> list[BookingItem]:
    # In id order, so two settlements of overlapping lines take their locks in one order.
    wanted = sorted(set(ids))
    # The items come in a second, unlocked query: PostgreSQL cannot lock the nullable side of
    # the outer join select_related would make, and MariaDB has no FOR UPDATE OF.
    lines = list(
        BookingItem.objects.select_for_update()
        .filter(pk__in=wanted)
        .prefetch_related("item")
        .order_by("pk")
    )
    if len(lines) != len(wanted):
        raise BookingItemNotFound("Some booking items not found")
    return lines


@transaction.atomic
def settle_by_hand(*, item_ids: list[int], actor: User) -> int:
    """POST /vendor/payments/settle: staff record that these lines were paid outside the app.
    All or nothing: a line already settled (by a concurrent settle or a payment) refuses the
    whole request, 409, so no line is ever settled twice."""
    lines = _locked_lines(item_ids)
    _refuse_unpayable(lines)
    _settle(lines, by=actor)
    return len(lines)


@dataclass(frozen=True)
class Prepared:
    payment: Payment
    settlement: VendorSettlement
    item_ids: list[int]


def _prepare(*, lines: list[BookingItem], actor: User) -> Prepared:
    if not lines:
        raise NothingToPay("No unsettled items found")
    _refuse_unpayable(lines)
    vendors = {line.vendor_id for line in lines}
    if len(vendors) != 1:
        raise InvalidInput(
            "One payment pays one vendor: pick the items of one vendor.", code="several_vendors"
        )
    vendor_id = lines[0].vendor_id
    assert vendor_id is not None
    unpriced = [line.pk for line in lines if line.item is None or line.item.vendor_price is None]
    if unpriced:
        # Paid nothing for them, they would still be marked settled: staff price them first
        # (or settle them by hand).
        raise InvalidInput(
            f"These items have no vendor price: {', '.join(map(str, unpriced))}",
            code="vendor_price_missing",
            extra={"booking_item_ids": unpriced},
        )
    _refuse_payout_in_progress([line.pk for line in lines])
    amounts = {line.pk: _line_amount(line) for line in lines}
    total = sum(amounts.values(), Decimal("0"))
    if total <= 0:
        raise NothingToPay()
    recorded: list[VendorSettlement] = []

    def record(payment: Payment) -> None:
        settlement = VendorSettlement.objects.create(
            payment=payment, vendor_id=vendor_id, amount=total, prepared_by=actor
        )
        VendorSettlementLine.objects.bulk_create(
            VendorSettlementLine(settlement=settlement, booking_item_id=pk, amount=amount)
            for pk, amount in amounts.items()
        )
        recorded.append(settlement)

    payment = purpose_order_create(
        user=actor,
        amount=total,
        purpose=PaymentPurpose.VENDOR_SETTLEMENT,
        notes={"vendor_id": str(vendor_id), "item_count": str(len(lines))},
        on_created=record,
    )
    return Prepared(payment=payment, settlement=recorded[0], item_ids=sorted(amounts))


def _refuse_payout_in_progress(ids: list[int]) -> None:
    """A second payout for lines whose first is still at the checkout (a double click, two
    screens) would be paid and then refunded: refused while the first can still be paid. The
    capture handler stays the guarantee (two prepared at the same instant both pass here)."""
    since = timezone.now() - timedelta(minutes=settings.PAYMENT_HOLD_MINUTES)
    busy = sorted(
        VendorSettlementLine.objects.filter(
            booking_item_id__in=ids,
            settlement__settled_at__isnull=True,
            settlement__refusal="",
            settlement__payment__status=PaymentStatus.PENDING,
            settlement__created_at__gte=since,
        ).values_list("booking_item_id", flat=True)
    )
    if busy:
        raise PayoutInProgress(
            f"A payment for these items is in progress: {', '.join(map(str, busy))}",
            extra={"booking_item_ids": busy},
        )


def prepare_payment(*, item_ids: list[int], actor: User) -> Prepared:
    """POST /vendor/payments/prepare-payment: a Razorpay order for these lines, for the
    amount the server computes (vendor price x quantity); the lines are recorded with it."""
    wanted = sorted(set(item_ids))
    lines = list(BookingItem.objects.filter(pk__in=wanted).select_related("item").order_by("pk"))
    if len(lines) != len(wanted):
        raise BookingItemNotFound("Some booking items not found")
    return _prepare(lines=lines, actor=actor)


def prepare_bulk_payment(
    *, vendor_id: int, period: str, include_unverified: bool, actor: User
) -> Prepared:
    """POST /vendor/payments/prepare-bulk-payment: every unsettled line the summary lists for
    this vendor and window (the server picks them, at most SETTLE_MAX_ITEMS)."""
    selectors.vendor_get(vendor_id)
    window = selectors.summary_window(period)
    lines = list(
        selectors.summary_lines(vendor_id, window, include_unverified=include_unverified)
        .filter(payment_settled=False)
        .select_related("item")
        .order_by("pk")[:SETTLE_MAX_ITEMS]
    )
    return _prepare(lines=lines, actor=actor)


def verify_payment(
    *,
    actor: User,
    order_id: str,
    payment_id: str,
    signature: str,
    item_ids: list[int],
    vendor_id: int | None = None,
) -> tuple[VendorSettlement, int]:
    """The browser's word that the payout was paid, checked by payments (signature, then
    Razorpay's record). The capture handler settles exactly the prepared lines, whoever
    reports the payment first; this answers what it did."""
    settlement = (
        VendorSettlement.objects.select_related("payment")
        .filter(payment__order_id=order_id)
        .first()
    )
    if settlement is None:
        raise NotFound("No vendor payment was prepared for this order.", code="payment_not_found")
    prepared = set(settlement.lines.values_list("booking_item_id", flat=True))
    if set(item_ids) != prepared or (vendor_id is not None and vendor_id != settlement.vendor_id):
        raise SettlementMismatch()
    checkout_verify(
        user=actor, order_id=order_id, payment_id=payment_id, signature=signature, booking_id=None
    )
    settlement.refresh_from_db()
    if settlement.refusal:
        raise AlreadySettled(
            f"{settlement.refusal} The payment will be refunded.", code="payment_refunded"
        )
    return settlement, len(prepared)


def settlement_captured(payment: Payment) -> str | None:
    """payments' capture handler for VENDOR_SETTLEMENT: runs once, in the capture transaction
    with the payment locked. Settles exactly the lines the payment was prepared for, or none
    (then the reason is returned and payments refunds the money)."""
    settlement = VendorSettlement.objects.select_for_update().filter(payment=payment).first()
    if settlement is None:
        return "No vendor settlement was prepared for this payment."
    ids = list(settlement.lines.values_list("booking_item_id", flat=True))
    lines = _locked_lines(ids)
    reason: str | None = None
    if payment.amount_paise != to_paise(settlement.amount):
        reason = "The amount paid is not the amount prepared."
    elif settled := [line.pk for line in lines if line.payment_settled]:
        reason = f"Booking items {', '.join(map(str, settled))} were settled meanwhile."
    elif any(line.vendor_id != settlement.vendor_id for line in lines):
        reason = "Some items were moved to another vendor since the payment was prepared."
    if reason is not None:
        settlement.refusal = reason
        settlement.save(update_fields=["refusal"])
        return reason
    _settle(lines, by=payment.user)
    settlement.settled_at = timezone.now()
    settlement.save(update_fields=["settled_at"])
    return None
