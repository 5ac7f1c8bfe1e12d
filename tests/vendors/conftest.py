from datetime import UTC
from decimal import Decimal

import pytest

from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, ItemFactory, VendorFactory


@pytest.fixture
def vendor(db):
    return VendorFactory(
        company_name="Spice Route Caterers",
        contact_email="spice@example.com",
        contact_phone="+919800000001",
        address="Beach Road",
    )


@pytest.fixture
def other_vendor(db):
    return VendorFactory(company_name="Bloom Decor", contact_email="bloom@example.com")


@pytest.fixture
def vendor_client(vendor):
    return bearer_client(vendor.user)


@pytest.fixture
def biryani(vendor):
    """A catalog item of the vendor: customers pay 250, the vendor is paid 200."""
    return ItemFactory(
        vendor=vendor, name="Chicken biryani", vendor_price=Decimal("200.00"), price=Decimal("250")
    )


@pytest.fixture
def line(biryani):
    """Two biryanis on a booking, assigned to the vendor (the item's vendor)."""
    return BookingItemFactory(item=biryani, quantity=2)


@pytest.fixture
def open_line(biryani):
    """A line no vendor has yet."""
    return BookingItemFactory(item=biryani, vendor=None, quantity=3)


def supplied(line, *, verified: bool = True):
    from django.utils import timezone

    line.is_supplied = True
    line.supplied_at = timezone.now()
    line.supply_verified = verified
    line.verified_at = timezone.now() if verified else None
    line.save()
    return line


def naive(moment):
    """A record timestamp as the legacy sent it: naive UTC, to the second."""
    from django.utils import timezone

    return timezone.make_naive(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")
