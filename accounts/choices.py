from django.db import models


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ADMIN = "admin", "Admin"
    VENDOR = "vendor", "Vendor"
    BROKER = "broker", "Broker"
