"""Staff settling the same vendor lines twice at once (two screens, a double click), in real
concurrent transactions on MariaDB: exactly one settles them, the other is refused, and each
line is settled once. The control test shows the race the row locks close."""

import threading
from decimal import Decimal

import pytest

from bookings.models import BookingItem
from tests.concurrency.gate import all_at_once
from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, ItemFactory, UserFactory
from vendors import services
from vendors.choices import FulfilmentAction
from vendors.models import FulfilmentEvent

pytestmark = pytest.mark.django_db(transaction=True)

SETTLERS = 4


def supplied_lines(count: int) -> list[int]:
    item = ItemFactory(vendor_price=Decimal("150.00"))
    return [BookingItemFactory(item=item, is_supplied=True).pk for _ in range(count)]


def test_concurrent_settles_of_the_same_lines_settle_them_once():
    ids = supplied_lines(3)
    clients = [bearer_client(UserFactory(staff=True)) for _ in range(SETTLERS)]

    def settle(client):
        return lambda: (
            client.post(
                "/api/vendor/payments/settle", {"booking_item_ids": ids}, format="json"
            ).status_code
        )

    statuses = all_at_once([settle(client) for client in clients])

    assert sorted(status for status in statuses if isinstance(status, int)) == [200] + [409] * (
        SETTLERS - 1
    )
    assert BookingItem.objects.filter(pk__in=ids, payment_settled=True).count() == 3
    # One settlement event per line: nobody's settle half-applied.
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 3
    settlers = set(
        BookingItem.objects.filter(pk__in=ids).values_list("payment_settled_by", flat=True)
    )
    assert len(settlers) == 1


def test_overlapping_settles_never_settle_a_line_twice():
    first, shared, last = supplied_lines(3)
    staff = UserFactory(staff=True)

    results = all_at_once(
        [
            lambda: services.settle_by_hand(item_ids=[first, shared], actor=staff),
            lambda: services.settle_by_hand(item_ids=[shared, last], actor=staff),
        ]
    )

    settled = [r for r in results if isinstance(r, int)]
    assert len(settled) == 1, results
    assert (
        FulfilmentEvent.objects.filter(
            action=FulfilmentAction.SETTLED, booking_item_id=shared
        ).count()
        == 1
    )


def test_control_without_the_row_locks_both_settles_pass(monkeypatch):
    """Without select_for_update both requests read the lines unsettled and both pass their
    checks: the lock, not luck, makes the test above hold (the conditional UPDATE then stops
    the second from writing, so it fails loudly instead of paying twice)."""
    ids = supplied_lines(2)
    staff = UserFactory(staff=True)
    gate = threading.Barrier(2, timeout=60)
    unlocked = BookingItem.objects.filter

    def without_lock(wanted):
        lines = list(unlocked(pk__in=sorted(set(wanted))).select_related("item").order_by("pk"))
        gate.wait()  # both have read the lines before either writes
        return lines

    monkeypatch.setattr(services, "_locked_lines", without_lock)
    results = all_at_once(
        [lambda: services.settle_by_hand(item_ids=ids, actor=staff) for _ in range(2)]
    )

    # Both passed the checks; the conditional UPDATE let one write and refused the other.
    assert sorted(type(r).__name__ for r in results) == ["AlreadySettled", "int"]
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 2


def test_a_payout_and_a_settle_by_hand_racing_settle_the_line_once(razorpay):
    """Staff settle a line by hand while its Razorpay payout is being verified: one of the two
    settles it; if the hand was first, the payout is refunded."""
    from payments.models import Refund

    [line_id] = supplied_lines(1)
    staff = UserFactory(staff=True)
    prepared = services.prepare_payment(item_ids=[line_id], actor=staff)
    order_id = prepared.payment.order_id
    payment_id = razorpay.pay(order_id)

    results = all_at_once(
        [
            lambda: services.verify_payment(
                actor=staff,
                order_id=order_id,
                payment_id=payment_id,
                signature=razorpay.signature(order_id, payment_id),
                item_ids=[line_id],
            ),
            lambda: services.settle_by_hand(item_ids=[line_id], actor=staff),
        ]
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert type(refused[0]).__name__ == "AlreadySettled"
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 1
    hand_won = any(isinstance(r, int) for r in results)
    assert Refund.objects.count() == (1 if hand_won else 0)
