from django.apps import AppConfig


class RacksConfig(AppConfig):
    name = "racks"
    verbose_name = "Racks: the venue's QR-coded shelves, their products and orders"
