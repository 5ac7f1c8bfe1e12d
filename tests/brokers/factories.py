from decimal import Decimal

import factory

from accounts.choices import Role
from accounts.models import BrokerProfile
from tests.factories import BookingFactory, ModelFactory, UserFactory


class BrokerFactory(ModelFactory[BrokerProfile]):
    class Meta:
        model = BrokerProfile

    user = factory.SubFactory(UserFactory, role=Role.BROKER)
    company_name = factory.Sequence(lambda n: f"Broker {n}")
    contact_email = factory.LazyAttribute(lambda b: f"{b.user.username}@brokers.example")
    brokerage_percentage = Decimal("5.00")
    bank_account_name = "Ravi Nair"
    bank_account_number = "123456789012"
    bank_ifsc_code = "SBIN0001234"
    bank_name = "State Bank of India"
    is_approved = True


def brokered_booking(broker: BrokerProfile, total: str = "2000.00", **kwargs):
    """A booking the broker brought, its brokerage as booking_create computes it."""
    amount = Decimal(total)
    return BookingFactory(
        broker=broker,
        total_amount=amount,
        brokerage_amount=broker.brokerage_on(amount),
        **kwargs,
    )
