from decimal import Decimal

import factory

from racks.models import Rack, RackProduct
from tests.factories import ModelFactory


class RackFactory(ModelFactory[Rack]):
    class Meta:
        model = Rack

    name = factory.Sequence(lambda n: f"Rack {n}")
    code = factory.Sequence(lambda n: f"RACK-{n}")
    location = "Lobby"


class RackProductFactory(ModelFactory[RackProduct]):
    class Meta:
        model = RackProduct

    rack = factory.SubFactory(RackFactory)
    name = factory.Sequence(lambda n: f"Chocolate box {n}")
    price = Decimal("250.00")
    stock_quantity = 5
    category = "Sweets"
