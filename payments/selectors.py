"""Reads of payments and refunds, with their joins, for the API and the admin."""

from django.db.models import QuerySet

from accounts.models import User
from payments.models import Payment, Refund


def payment_for_customer(*, user: User, payment_id: str) -> Payment | None:
    """A payment by its gateway id (what the success page has), if it is the user's."""
    payments = Payment.objects.filter(provider_payment_id=payment_id)
    if not user.is_staff:
        payments = payments.filter(user=user)
    return payments.first()


def payments_of_booking(booking_id: int) -> QuerySet[Payment]:
    return Payment.objects.filter(booking_id=booking_id).order_by("-created_at", "-id")


def refunds_of_booking(booking_id: int) -> QuerySet[Refund]:
    return Refund.objects.filter(booking_id=booking_id).order_by("-created_at", "-id")


def staff_payment_list(*, status: str | None) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("booking", "user").defer("user__password")
    if status:
        payments = payments.filter(status=status)
    return payments.order_by("-created_at", "-id")


def staff_refund_list(*, status: str | None) -> QuerySet[Refund]:
    refunds = Refund.objects.select_related(
        "booking__space", "booking__venue", "booking__user", "payment__user"
    )
    if status:
        refunds = refunds.filter(status=status)
    return refunds.order_by("-created_at", "-id")
