from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User, VendorProfile
from bookings.choices import BookingStatus, ProgramStatus, ProgramType
from bookings.models import Booking, Item, Program, ProgramParticipant, Space, Venue
from bookings.services import (
    BookingRequest,
    ItemRequest,
    booking_create,
    booking_payment_received,
    booking_transition,
)

STAFF_GROUP = "Venue staff"

DEMO_ITEMS = [
    # name, main_category, category, subcategory, type, price, extra fields
    ("Veg breakfast", "social-life", "food", "breakfast", "veg", "250.00", {}),
    ("Non-veg lunch buffet", "social-life", "food", "lunch", "non-veg", "450.00", {}),
    ("Birthday cake (1 kg)", "cake-others", "cake", "birthday-party", "", "1200.00", {}),
    ("Stage decoration", "social-life", "decoration", "stage", "", "8000.00", {}),
    ("Airport transport", "social-life", "transport", "transport", "", "1500.00", {}),
    (
        "Rhythm Live band",
        "performing-team",
        "team",
        "live-band",
        "",
        "15000.00",
        {
            "base_hours_included": 3,
            "rate_per_extra_hour": Decimal("3000.00"),
            "performance_team_profile": {
                "team_name": "Rhythm Live",
                "established_year": 2015,
                "specialties": ["weddings", "corporate nights"],
                "genres": ["Bollywood", "Malayalam film", "Pop"],
                "languages": ["Malayalam", "Hindi", "English"],
                "team_members": [
                    {"name": "Anu", "role": "Lead vocals", "bio": "Playback singer"},
                    {"name": "Rahul", "role": "Keys", "bio": "Arranger"},
                ],
                "performance_duration": "3 hours",
                "setup_time": "1 hour",
            },
        },
    ),
]


class Command(BaseCommand):
    help = "Load demo venues, spaces, items, users and bookings. Safe to run again."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        venue, _ = Venue.objects.get_or_create(
            name="LeBRQ", defaults={"address": "Tax Tower, MG Road", "city": "Kochi"}
        )
        hall = self._space(
            venue,
            "LeBRQ Grant Hall",
            capacity=150,
            price_per_hour=Decimal("2500.00"),
            advance_payment_percentage=Decimal("30"),
            features={
                "hall_features": [
                    {"id": "ac", "label": "Air conditioning", "paid": False},
                    {"id": "stage", "label": "Stage", "paid": True, "base_price": 2000},
                    {"id": "chairs", "label": "Extra chairs", "paid": True, "item_price": 25},
                ],
                "top_banners": [],
            },
            # The venue screen's price tables (bookings.pricing reads them).
            pricing_overrides={"duration": {"1h": 2000}},
            stage_options=[
                {"id": "stage-basic", "label": "Basic stage", "price": 1500},
                {"id": "stage-royal", "label": "Royal stage", "price": 6000},
            ],
            banner_sizes=[{"id": "banner-6x4", "label": "6 x 4 ft", "price": 900}],
            event_types=[
                {"id": "birthday", "label": "Birthday Party"},
                {"id": "babyshower", "label": "Baby Shower"},
                {"id": "corporate", "label": "Corporate Meeting"},
            ],
        )
        self._space(
            venue,
            "LeBRQ Meeting Room",
            capacity=12,
            price_per_hour=Decimal("600.00"),
            advance_payment_percentage=Decimal("50"),
            features=[{"id": "projector", "label": "Projector", "paid": False}],
        )
        vendor = self._vendor()
        items = self._items(vendor)
        demo = self._user("demo", "demo@example.com", "demo-pass-123", Role.CUSTOMER)
        staff = self._user("staff", "staff@example.com", "staff-pass-123", Role.ADMIN, staff=True)
        self._bookings(demo, staff, hall, items)
        self._programs(demo)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: customer demo / demo-pass-123, staff staff / staff-pass-123."
            )
        )

    def _space(self, venue: Venue, name: str, **fields: object) -> Space:
        space, _ = Space.objects.get_or_create(venue=venue, name=name, defaults=fields)
        return space

    def _vendor(self) -> VendorProfile:
        user = self._user("vendor", "vendor@example.com", "vendor-pass-123", Role.VENDOR)
        vendor, _ = VendorProfile.objects.get_or_create(
            user=user,
            defaults={"company_name": "Kochi Caterers", "contact_phone": "+919800000001"},
        )
        return vendor

    def _items(self, vendor: VendorProfile) -> dict[str, Item]:
        items = {}
        for name, main_category, category, subcategory, kind, price, extra in DEMO_ITEMS:
            items[name], _ = Item.objects.get_or_create(
                name=name,
                defaults={
                    "vendor": vendor if category == "food" else None,
                    "main_category": main_category,
                    "category": category,
                    "subcategory": subcategory,
                    "item_type": kind,
                    "price": Decimal(price),
                    **extra,
                },
            )
        return items

    def _user(
        self, username: str, email: str, password: str, role: str, *, staff: bool = False
    ) -> User:
        user = User.objects.filter(Q(username=username) | Q(email=email)).first()
        if user is None:
            user = User(username=username, email=email, role=role, is_staff=staff)
            user.set_password(password)
            user.save()
        if staff:
            user.groups.add(self._staff_group())
        return user

    def _staff_group(self) -> Group:
        group, created = Group.objects.get_or_create(name=STAFF_GROUP)
        if created:
            group.permissions.set(
                Permission.objects.filter(
                    Q(content_type__app_label__in=["bookings", "uploads"])
                    | Q(content_type__app_label="accounts", codename__startswith="view_")
                    | Q(content_type__model="vendorprofile")
                )
            )
        return group

    def _bookings(self, demo: User, staff: User, hall: Space, items: dict[str, Item]) -> None:
        today = timezone.localdate()

        def at(days: int, hour: int) -> datetime:
            return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))

        plans = [
            ("seed-demo-1", 7, 10, 14, "Birthday Party", ["Veg breakfast", "Birthday cake (1 kg)"]),
            ("seed-demo-2", 14, 18, 22, "Wedding Reception", ["Non-veg lunch buffet"]),
            ("seed-demo-3", 21, 9, 11, "Corporate meeting", []),
            ("seed-demo-4", 28, 16, 20, "Live music night", ["Rhythm Live band"]),
        ]
        for key, days, start_hour, end_hour, event_type, item_names in plans:
            booking, created = booking_create(
                user=demo,
                request=BookingRequest(
                    space_id=hall.pk,
                    start=at(days, start_hour),
                    end=at(days, end_hour),
                    items=tuple(ItemRequest(items[name].pk, quantity=1) for name in item_names),
                    attendees=40,
                    event_type=event_type,
                ),
                idempotency_key=key,
            )
            if created and booking.status == BookingStatus.PENDING_PAYMENT:
                # Demo bookings were paid in advance (at the desk: no gateway in the demo).
                with transaction.atomic():
                    locked = Booking.objects.select_for_update().get(pk=booking.pk)
                    booking = booking_payment_received(
                        booking=locked,
                        amount=locked.advance_amount,
                        actor=staff,
                        note="Advance paid at the desk (demo data).",
                    )
            if created and key == "seed-demo-2":
                booking_transition(booking=booking, action="approve", actor=staff)
            if created and key == "seed-demo-3":
                booking_transition(booking=booking, action="reject", actor=staff, note="Closed")

    def _programs(self, demo: User) -> None:
        yoga, _ = Program.objects.get_or_create(
            title="Morning Yoga",
            defaults={
                "program_type": ProgramType.YOGA,
                "schedule": "Mon-Sat 06:00-07:00",
                "start_time": time(6),
                "end_time": time(7),
                "price": Decimal("1500.00"),
                "status": ProgramStatus.APPROVED,
            },
        )
        Program.objects.get_or_create(
            title="Zumba Evenings",
            defaults={
                "program_type": ProgramType.ZUMBA,
                "schedule": "Tue/Thu 18:00-19:00",
                "start_time": time(18),
                "end_time": time(19),
                "price": Decimal("1200.00"),
                "status": ProgramStatus.APPROVED,
            },
        )
        ProgramParticipant.objects.get_or_create(
            program=yoga,
            user=demo,
            defaults={
                "name": "Demo Customer",
                "mobile": "+919800000002",
                "program_type": ProgramType.YOGA,
                "subscription_type": "monthly",
                "amount_paid": Decimal("1500.00"),
            },
        )
