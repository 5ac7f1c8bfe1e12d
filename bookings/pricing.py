"""Money arithmetic for bookings, and the price of a booking as the frontend shows it.

Decimal only. The legacy server took whatever the browser said things cost; the browser's
venue screens (app/venue/grant-hall.tsx, jockey-night.tsx, live-show.tsx in the legacy
frontend) compute the total the customer sees and pays. `quote` reproduces that computation
on the server from the space's own price tables, so the figure charged is ours, and a client
that shows a different one is told so (409) instead of silently charged something else.

The rules, in the frontend's order:
1. Hire: `pricing_overrides.duration["{h}h"]` or `pricing_overrides.hour["{h}"]` for a whole
   number of hours, else hours x price_per_hour; rounded to the rupee.
2. Add-ons: catalog items (unit price x quantity, plus hours beyond those included at the
   extra-hour rate); paid hall features (item_price x quantity, or base_price x hours); the
   stage option; the banner size. A stage banner image and transport cost nothing here (the
   frontend leaves transport out of its total: staff quote it).
3. Event discount on the sum: birthday 5 %, baby shower 3 % (EVENT_TYPE_DISCOUNT_PERCENT);
   the result rounded to the rupee (with or without a discount, as the frontend does).
4. Weekend surcharge (venue-local Saturday or Sunday) of 5 %, not on live shows; rounded to
   the rupee.
Offers and coupons come after, with their own lines (offers app).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from bookings.choices import BookingLineKind, BookingType
from lebrq.errors import InvalidInput

CENT = Decimal("0.01")
RUPEE = Decimal("1")
SECONDS_PER_HOUR = Decimal(3600)
# No option of a space costs this much: a bigger figure in a price table is a typo.
MAX_OPTION_PRICE = Decimal("100000000")

# Event type ids of the space's event_types (or the type's own name) -> discount in percent.
EVENT_TYPE_DISCOUNT_PERCENT: Mapping[str, Decimal] = {
    "birthday": Decimal("5"),
    "babyshower": Decimal("3"),
}
WEEKEND_SURCHARGE_PERCENT = Decimal("5")
# The legacy charged nothing for the hire of a yoga or zumba class booking (programs are paid
# as subscriptions).
FREE_HIRE_EVENT_TYPES = frozenset({"yoga", "zumba"})
# Booking types the venue screens add no weekend surcharge to (live-show.tsx).
NO_WEEKEND_SURCHARGE_TYPES = frozenset({BookingType.LIVE, BookingType.LIVE_PLAIN})

FEATURE_CODE_PREFIX = "paid-feature-"
STAGE_BANNER_CODE_PREFIX = "stage_banner:"
TRANSPORT_CODE = "transport"


def money(amount: Decimal) -> Decimal:
    """Round to paise, half up (how invoices round)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def whole_rupees(amount: Decimal) -> Decimal:
    """Round to the rupee, half up: JavaScript's Math.round for the positive totals the
    frontend rounds, so both sides reach the same figure."""
    return amount.quantize(RUPEE, rounding=ROUND_HALF_UP).quantize(CENT)


def booked_hours(start: datetime, end: datetime) -> Decimal:
    return Decimal(int((end - start).total_seconds())) / SECONDS_PER_HOUR


def space_charge(price_per_hour: Decimal, hours: Decimal) -> Decimal:
    return price_per_hour * hours


def item_line_total(
    *,
    unit_price: Decimal,
    quantity: int,
    hours_used: Decimal | None = None,
    base_hours_included: int = 0,
    rate_per_extra_hour: Decimal = Decimal("0"),
) -> Decimal:
    """Unit price x quantity, plus hours beyond those included at the extra-hour rate."""
    extra_hours = max((hours_used or Decimal("0")) - base_hours_included, Decimal("0"))
    return (unit_price + extra_hours * rate_per_extra_hour) * quantity


def percentage_of(amount: Decimal, percent: Decimal) -> Decimal:
    return amount * percent / Decimal(100)


# --- The space's price tables ---------------------------------------------------------------


class PriceTableInvalid(InvalidInput):
    """A space's stored price table cannot price this booking (staff must fix the space)."""

    default_message = "This space's price table is malformed; staff have to correct it."
    default_code = "space_price_table_invalid"


def table_price(value: Any, where: str) -> Decimal:
    """A price read from a space's table; PriceTableInvalid unless a number (or numeric
    string) from 0 to MAX_OPTION_PRICE. bookings.space_options validates with it at save time."""
    if isinstance(value, bool) or value is None:
        raise PriceTableInvalid(f"{where}: not a price.")
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise PriceTableInvalid(f"{where}: not a price.") from None
    if not price.is_finite() or not Decimal(0) <= price < MAX_OPTION_PRICE:
        raise PriceTableInvalid(f"{where}: not a price.")
    return price


def hire_amount(*, price_per_hour: Decimal, pricing_overrides: Any, hours: Decimal) -> Decimal:
    """Rule 1: a duration's own price when the space has one, else the hourly rate."""
    if hours == hours.to_integral_value() and isinstance(pricing_overrides, Mapping):
        whole = int(hours)
        for table_name, key in (("duration", f"{whole}h"), ("hour", str(whole))):
            table = pricing_overrides.get(table_name)
            if isinstance(table, Mapping) and table.get(key) is not None:
                return whole_rupees(
                    table_price(table[key], f"pricing_overrides.{table_name}.{key}")
                )
    return whole_rupees(price_per_hour * hours)


def option_list(value: Any, where: str) -> list[Mapping[str, Any]]:
    """A table of options (stages, banners, features): a list of objects; null or "" is none."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(o, Mapping) for o in value):
        raise PriceTableInvalid(f"{where}: not a list of options.")
    return value


def hall_features(features: Any) -> list[Mapping[str, Any]]:
    """The space's features as a list, from either form the staff screens save: a plain
    list, or {"hall_features": [...], "top_banners": [...]}."""
    if isinstance(features, Mapping):
        return option_list(features.get("hall_features"), "features.hall_features")
    return option_list(features, "features")


def _option_by_id(options: Sequence[Mapping[str, Any]], option_id: str) -> Mapping[str, Any] | None:
    for option in options:
        if str(option.get("id")) == option_id:
            return option
    return None


# --- Quoting a booking ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceOptionRequest:
    """A line the frontend sends in custom_items: the space's own option, named by `code`."""

    code: str
    quantity: int = 1
    name: str = ""


@dataclass(frozen=True)
class CatalogLine:
    """A catalog item with what the customer asked of it (the item's prices are the server's)."""

    item_id: int
    name: str
    unit_price: Decimal
    quantity: int
    hours_used: Decimal | None
    base_hours_included: int
    rate_per_extra_hour: Decimal


@dataclass(frozen=True)
class PricedLine:
    kind: str
    name: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    code: str = ""
    item_id: int | None = None
    hours_used: Decimal | None = None


@dataclass(frozen=True)
class SpacePrices:
    """What of a space prices a booking."""

    price_per_hour: Decimal
    pricing_overrides: Any
    features: Any
    stage_options: Any
    banner_sizes: Any
    event_types: Any


@dataclass(frozen=True)
class Quote:
    hire: Decimal
    lines: tuple[PricedLine, ...]
    total: Decimal
    stage_banner_url: str = ""


def feature_unit_price(feature: Mapping[str, Any], feature_id: str) -> tuple[Decimal, bool]:
    """A paid feature's unit price, and whether it is charged by the hour (else per item)."""
    by_item = feature.get("pricing_type") or ("item" if feature.get("item_price") else "hour")
    if by_item == "item":
        return table_price(
            feature.get("item_price") or 0, f"feature {feature_id}.item_price"
        ), False
    return table_price(feature.get("base_price") or 0, f"feature {feature_id}.base_price"), True


def _feature_line(features: Sequence[Mapping[str, Any]], request: SpaceOptionRequest) -> PricedLine:
    feature_id = request.code.removeprefix(FEATURE_CODE_PREFIX)
    feature = next(
        (
            f
            for f in features
            if str(f.get("id") or f.get("label")) == feature_id and f.get("paid") is True
        ),
        None,
    )
    if feature is None:
        raise InvalidInput.for_field(
            "custom_items", f"This space has no paid feature {feature_id!r}.", code="unknown_option"
        )
    unit, by_hour = feature_unit_price(feature, feature_id)
    # The frontend sends an hourly feature's hours as its quantity.
    hours = Decimal(request.quantity) if by_hour else None
    return PricedLine(
        kind=BookingLineKind.FEATURE,
        name=str(feature.get("label") or feature_id)[:255],
        quantity=request.quantity,
        unit_price=unit,
        total=unit * request.quantity,
        code=feature_id[:100],
        hours_used=hours,
    )


def _option_line(
    options: Sequence[Mapping[str, Any]], request: SpaceOptionRequest, kind: str, label: str
) -> PricedLine:
    option = _option_by_id(options, request.code)
    if option is None:
        raise InvalidInput.for_field(
            "custom_items",
            f"This space has no {label} option {request.code!r}.",
            code="unknown_option",
        )
    unit = table_price(option.get("price") or 0, f"{label} {request.code}.price")
    return PricedLine(
        kind=kind,
        name=f"{label.capitalize()}: {option.get('label') or request.code}"[:255],
        quantity=1,
        unit_price=unit,
        total=unit,
        code=request.code[:100],
    )


def _space_option_line(space: SpacePrices, request: SpaceOptionRequest) -> PricedLine:
    code = request.code
    if code.startswith(FEATURE_CODE_PREFIX):
        return _feature_line(hall_features(space.features), request)
    if code.startswith(STAGE_BANNER_CODE_PREFIX) or code == "stage_banner":
        return PricedLine(
            kind=BookingLineKind.STAGE_BANNER,
            name="Stage Banner Image",
            quantity=1,
            unit_price=Decimal("0"),
            total=Decimal("0"),
        )
    if code == TRANSPORT_CODE:
        # The venue screens leave transport out of the total they show (it is "temporarily
        # disabled" there); staff quote it. The line records that it was asked for.
        return PricedLine(
            kind=BookingLineKind.TRANSPORT,
            name="Transport",
            quantity=1,
            unit_price=Decimal("0"),
            total=Decimal("0"),
            code=TRANSPORT_CODE,
        )
    stage_options = option_list(space.stage_options, "stage_options")
    if _option_by_id(stage_options, code) is not None:
        return _option_line(stage_options, request, BookingLineKind.STAGE, "stage")
    banner_sizes = option_list(space.banner_sizes, "banner_sizes")
    if _option_by_id(banner_sizes, code) is not None:
        return _option_line(banner_sizes, request, BookingLineKind.BANNER, "banner")
    raise InvalidInput.for_field(
        "custom_items",
        f"{code!r} is none of this space's features, stages or banners.",
        code="unknown_option",
    )


def _event_type_id(space: SpacePrices, event_type: str) -> str:
    """The id of the space's event type (or subcategory) whose label or id is `event_type`."""
    wanted = event_type.strip().casefold()
    categories = space.event_types if isinstance(space.event_types, list) else []
    for category in categories:
        if not isinstance(category, Mapping):
            continue
        subcategories = category.get("subcategories")
        for entry in [category, *(subcategories if isinstance(subcategories, list) else [])]:
            if not isinstance(entry, Mapping):
                continue
            names = {str(entry.get("id", "")).casefold(), str(entry.get("label", "")).casefold()}
            if wanted in names:
                return str(entry.get("id", "")).casefold()
    return wanted.replace(" ", "")


def event_discount_percent(space: SpacePrices, event_type: str) -> Decimal:
    if not event_type.strip():
        return Decimal("0")
    return EVENT_TYPE_DISCOUNT_PERCENT.get(_event_type_id(space, event_type), Decimal("0"))


def quote(
    *,
    space: SpacePrices,
    start: datetime,
    end: datetime,
    local_day: date,
    event_type: str,
    booking_type: str,
    catalog: Sequence[CatalogLine],
    options: Sequence[SpaceOptionRequest],
) -> Quote:
    """The price of a booking by the rules in this module's docstring."""
    hours = booked_hours(start, end)
    if event_type.strip().casefold() in FREE_HIRE_EVENT_TYPES:
        hire = Decimal("0.00")
    else:
        hire = hire_amount(
            price_per_hour=space.price_per_hour,
            pricing_overrides=space.pricing_overrides,
            hours=hours,
        )
    lines, stage_banner_url = _addon_lines(space, catalog, options)
    base = hire + sum((line.total for line in lines), Decimal("0"))

    discount_percent = event_discount_percent(space, event_type)
    # The frontend rounds here even without a discount, so a total is always whole rupees.
    discounted = whole_rupees(base * (100 - discount_percent) / 100)
    if discount_percent:
        lines.append(
            _adjustment(
                BookingLineKind.EVENT_DISCOUNT,
                "Event discount",
                discount_percent,
                discounted - base,
            )
        )
    elif discounted != base:
        lines.append(
            _adjustment(BookingLineKind.ROUNDING, "Rounding to the rupee", None, discounted - base)
        )

    weekend = local_day.weekday() >= 5 and booking_type not in NO_WEEKEND_SURCHARGE_TYPES
    total = (
        whole_rupees(discounted * (100 + WEEKEND_SURCHARGE_PERCENT) / 100)
        if weekend
        else discounted
    )
    if total != discounted:
        lines.append(
            _adjustment(
                BookingLineKind.WEEKEND_SURCHARGE,
                "Weekend surcharge",
                WEEKEND_SURCHARGE_PERCENT,
                total - discounted,
            )
        )
    return Quote(hire=hire, lines=tuple(lines), total=total, stage_banner_url=stage_banner_url)


def _addon_lines(
    space: SpacePrices, catalog: Sequence[CatalogLine], options: Sequence[SpaceOptionRequest]
) -> tuple[list[PricedLine], str]:
    """The add-ons' lines (catalog items, then the space's own options) and the stage banner
    image the options carry."""
    lines: list[PricedLine] = [
        PricedLine(
            kind=BookingLineKind.CATALOG,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=money(
                item_line_total(
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    hours_used=line.hours_used,
                    base_hours_included=line.base_hours_included,
                    rate_per_extra_hour=line.rate_per_extra_hour,
                )
            ),
            item_id=line.item_id,
            hours_used=line.hours_used,
        )
        for line in catalog
    ]
    stage_banner_url = ""
    for request in options:
        lines.append(_space_option_line(space, request))
        if request.code.startswith(STAGE_BANNER_CODE_PREFIX):
            stage_banner_url = request.code.removeprefix(STAGE_BANNER_CODE_PREFIX)[:500]
    return lines, stage_banner_url


def subscription_quote(
    *,
    space: SpacePrices,
    unit_price: Decimal,
    quantity: int,
    catalog: Sequence[CatalogLine],
    options: Sequence[SpaceOptionRequest],
) -> Quote:
    """A subscription to the venue's program (app/book/[id].tsx): days or months at the
    program's price, rounded to the rupee, plus add-ons; no event discount and no weekend
    surcharge, as that screen computes it. The fee stands where a hall's hire would."""
    fee = whole_rupees(unit_price * quantity)
    lines, stage_banner_url = _addon_lines(space, catalog, options)
    total = fee + sum((line.total for line in lines), Decimal("0"))
    return Quote(hire=fee, lines=tuple(lines), total=total, stage_banner_url=stage_banner_url)


def _adjustment(kind: str, label: str, percent: Decimal | None, amount: Decimal) -> PricedLine:
    return PricedLine(
        kind=kind,
        name=label if percent is None else f"{label} ({percent.normalize():f} %)",
        quantity=1,
        unit_price=amount,
        total=amount,
    )
