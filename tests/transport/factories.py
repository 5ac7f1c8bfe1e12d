from decimal import Decimal

import factory

from tests.factories import BookingFactory, ModelFactory, UploadFactory
from transport.models import Vehicle, VehicleBooking


class VehicleFactory(ModelFactory[Vehicle]):
    class Meta:
        model = Vehicle

    class Params:
        with_image = factory.Trait(
            image=factory.SubFactory(UploadFactory, image=True, is_public=True)
        )

    vehicle_name = factory.Sequence(lambda n: f"Vehicle {n}")
    vehicle_capacity = 7
    base_fare = Decimal("300.00")
    per_km_rate = Decimal("15.00")


class VehicleBookingFactory(ModelFactory[VehicleBooking]):
    class Meta:
        model = VehicleBooking

    booking = factory.SubFactory(BookingFactory)
    vehicle = factory.SubFactory(VehicleFactory)
    number_of_guests = 4
    guest_contact_number = "9800000000"
    pickup_location = "Kanhangad"
    estimated_distance_km = Decimal("23.00")
    base_fare = Decimal("300.00")
    per_km_rate = Decimal("15.00")
    calculated_cost = Decimal("645.00")
    total_amount = Decimal("645.00")
