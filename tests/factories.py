import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import factory
from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User, VendorProfile
from bookings.choices import BookingStatus, ProgramStatus, ProgramType
from bookings.models import (
    Booking,
    BookingItem,
    Item,
    Program,
    ProgramParticipant,
    Space,
    Venue,
)
from payments.choices import PaymentStatus, RefundType
from payments.models import Payment, Refund
from tests.samples import PDF_BYTES, image_bytes
from uploads.choices import MediaType, UploadKind
from uploads.models import GalleryImage, Upload

PASSWORD = "correct-horse-battery"


class ModelFactory[M: Model](factory.django.DjangoModelFactory[M]):
    """DjangoModelFactory, with the type of what calling it returns: the saved model instance."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass makes UserFactory(...) return a User (its create strategy)
        # but does not annotate it; mypy only lets __new__ say so with this ignore.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Asha"
    last_name = "Menon"
    mobile = factory.Sequence(lambda n: f"+9198{n:08d}")
    role = Role.CUSTOMER
    password = factory.django.Password(PASSWORD)

    class Params:
        staff = factory.Trait(role=Role.ADMIN, is_staff=True)


class VendorFactory(ModelFactory[VendorProfile]):
    class Meta:
        model = VendorProfile

    user = factory.SubFactory(UserFactory, role=Role.VENDOR)
    company_name = factory.Sequence(lambda n: f"Vendor {n}")


class VenueFactory(ModelFactory[Venue]):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    city = "Kochi"


class SpaceFactory(ModelFactory[Space]):
    class Meta:
        model = Space

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Hall {n}")
    capacity = 100
    price_per_hour = Decimal("1000.00")
    advance_payment_percentage = Decimal("25")


class ItemFactory(ModelFactory[Item]):
    class Meta:
        model = Item

    name = factory.Sequence(lambda n: f"Item {n}")
    main_category = "social-life"
    category = "food"
    subcategory = "lunch"
    item_type = "veg"
    price = Decimal("250.00")
    vendor = factory.SubFactory(VendorFactory)


class BookingFactory(ModelFactory[Booking]):
    """A booking row as stored; use bookings.services.booking_create to exercise the rules."""

    class Meta:
        model = Booking

    user = factory.SubFactory(UserFactory)
    space = factory.SubFactory(SpaceFactory)
    venue = factory.SelfAttribute("space.venue")
    start_datetime = factory.Sequence(
        lambda n: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            + timedelta(days=2, hours=3 * n)
        )
    )
    end_datetime = factory.LazyAttribute(lambda b: b.start_datetime + timedelta(hours=2))
    status = BookingStatus.PENDING
    event_type = "Birthday Party"
    attendees = 20
    total_amount = Decimal("2000.00")


class BookingItemFactory(ModelFactory[BookingItem]):
    class Meta:
        model = BookingItem

    booking = factory.SubFactory(BookingFactory)
    item = factory.SubFactory(ItemFactory)
    vendor = factory.SelfAttribute("item.vendor")
    name = factory.SelfAttribute("item.name")
    quantity = 2
    unit_price = factory.SelfAttribute("item.price")
    total_price = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)
    event_date = factory.LazyAttribute(lambda line: timezone.localdate(line.booking.start_datetime))


class ProgramFactory(ModelFactory[Program]):
    class Meta:
        model = Program

    title = factory.Sequence(lambda n: f"Program {n}")
    program_type = ProgramType.YOGA
    price = Decimal("1500.00")
    status = ProgramStatus.APPROVED


class ParticipantFactory(ModelFactory[ProgramParticipant]):
    class Meta:
        model = ProgramParticipant

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    name = "Asha Menon"
    mobile = "+919800000000"
    program_type = factory.SelfAttribute("program.program_type")


class UploadFactory(ModelFactory[Upload]):
    """An upload whose file really exists in MEDIA_ROOT (written through the storage API).

    A private PDF by default; `UploadFactory(image=True)` is a small PNG, and
    `UploadFactory(content=b"...")` any bytes.
    """

    class Meta:
        model = Upload

    class Params:
        content = PDF_BYTES
        image = factory.Trait(
            content=factory.LazyFunction(lambda: image_bytes("PNG", size=(8, 6))),
            kind=UploadKind.IMAGE,
            original_name="photo.png",
            content_type="image/png",
            width=8,
            height=6,
        )

    owner = factory.SubFactory(UserFactory)
    kind = UploadKind.FILE
    original_name = "document.pdf"
    content_type = "application/pdf"
    # Stored under a random name like the service does; the suffix follows the type.
    file = factory.LazyAttribute(
        lambda u: ContentFile(u.content, name=f"x.{u.content_type.split('/')[-1]}")
    )
    size = factory.LazyAttribute(lambda u: len(u.content))
    sha256 = factory.LazyAttribute(lambda u: hashlib.sha256(u.content).hexdigest())


class GalleryImageFactory(ModelFactory[GalleryImage]):
    class Meta:
        model = GalleryImage

    upload = factory.SubFactory(UploadFactory, image=True, is_public=True, owner=None)
    title = factory.Sequence(lambda n: f"Gallery picture {n}")
    media_type = MediaType.IMAGE


class PaymentFactory(ModelFactory[Payment]):
    """A payment received through the gateway for a booking."""

    class Meta:
        model = Payment

    booking = factory.SubFactory(BookingFactory)
    user = factory.SelfAttribute("booking.user")
    amount = Decimal("1000.00")
    amount_paise = 100000
    order_id = factory.Sequence(lambda n: f"order_Factory{n:09d}")
    provider_payment_id = factory.Sequence(lambda n: f"pay_Factory{n:011d}")
    status = PaymentStatus.SUCCESS
    paid_at = factory.LazyFunction(timezone.now)


class RefundFactory(ModelFactory[Refund]):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory)
    booking = factory.SelfAttribute("payment.booking")
    amount = Decimal("400.00")
    refund_type = RefundType.CANCELLATION
