from django.db import models


class OfferType(models.TextChoices):
    FESTIVAL = "festival", "Festival"
    BIRTHDAY = "birthday", "Birthday"
    FIRST_X_USERS = "first_x_users", "First X users"
    RACK = "rack", "Rack purchases"


class DiscountType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    FLAT = "flat", "Flat amount"


# The legacy's order when several apply: the highest wins.
PRIORITY = {
    "coupon": 100,
    OfferType.FESTIVAL: 50,
    OfferType.RACK: 40,
    OfferType.BIRTHDAY: 30,
    OfferType.FIRST_X_USERS: 10,
}
