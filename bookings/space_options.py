"""The schema of a space's option tables, checked when staff save a space.

The venue screens price bookings from five JSON fields of a space that the staff screens write
(app/admin/spaces/new.tsx, spaces/[id].tsx, stages, banners, transport). A malformed table must
be refused when it is saved (400 `space_price_table_invalid`, naming the field), not found when
a customer books (docs/DESIGN.md, Space option tables). Prices are read by the very functions
that price bookings (bookings.pricing.table_price, feature_unit_price, option_list,
hall_features), so whatever passes here can be quoted.

The schema (every form the staff screens write is accepted):

- ``features``: a list of features, or ``{"hall_features": [feature, ...], "top_banners":
  [url, ...]}`` (other keys of that object are kept). The space editor writes the object only
  while the space has banner images and rewrites it as a plain list otherwise; both price the
  same (pricing.hall_features). A feature is an object with ``id`` (string or number) or
  ``label``; ``paid`` becomes a boolean (true, "true", 1 and "1" are paid, as the legacy read
  them); ``base_price``, ``additional_hour_price`` and ``item_price`` are prices ("" is 0, null
  drops the key); ``pricing_type`` is "hour", "item" or absent; a feature marked ``"deleted":
  true`` is dropped (lib/spaceAdmin.ts markFeatureDeleted). Other keys (icon, image, details,
  addon_trigger) are kept as sent.
- ``pricing_overrides``: an object. ``hour``, ``month`` and ``year`` map a whole number ("1",
  "2"...) to a price or null; ``duration`` maps "<hours>h" to a price or null; ``transport`` is
  ``{km_rate, min_charge, tiers: [{upto: number or null, per_km, min_charge}]}``. Other keys are
  kept. The space editor sends only hour/month/year, so a PATCH that leaves out ``duration``
  or ``transport`` keeps the stored ones (send null to remove one).
- ``stage_options`` and ``banner_sizes``: lists of ``{id, label, price, image?}`` (banners also
  ``width``, ``height``: positive whole numbers). The new-space screen sends ``{name, price,
  image_url}``: ``label`` is then taken from ``name`` and ``id`` made as the stages and banners
  screens make it ("stage-<label slug>", "banner-<label slug>[-<w>x<h>]"). Ids are unique.
- ``event_types``: a list of ``{id?, label?, subcategories?: [same]}``.

null for any of them is an empty table.
"""

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from bookings import pricing
from bookings.pricing import PriceTableInvalid

JsonObject = dict[str, Any]

FEATURE_PRICE_KEYS = ("base_price", "additional_hour_price", "item_price")
PRICING_TYPES = frozenset({"hour", "item"})
WHOLE_NUMBER_TABLES = ("hour", "month", "year")
# Tables of pricing_overrides the space editor does not show, kept when a PATCH leaves them out.
KEPT_OVERRIDE_TABLES = ("duration", "transport")
TRUE_FORMS = (True, 1, "true", "True", "1")
MAX_TABLE_ENTRIES = 500


def _invalid(field: str, message: str) -> PriceTableInvalid:
    return PriceTableInvalid(f"{field}: {message}", fields={field: [message]})


def _number(price: Decimal) -> int | float:
    """A price as the JSON number the screens do arithmetic on."""
    return int(price) if price == price.to_integral_value() else float(price)


def _checked_price(value: Any, where: str, field: str) -> int | float:
    try:
        return _number(pricing.table_price(value, where))
    except PriceTableInvalid:
        raise _invalid(field, f"{where} is not a price from 0 to 99,999,999.") from None


def _object_list(value: Any, where: str, field: str) -> list[JsonObject]:
    try:
        options = pricing.option_list(value, where)
    except PriceTableInvalid:
        raise _invalid(field, f"{where} must be a list of objects.") from None
    if len(options) > MAX_TABLE_ENTRIES:
        raise _invalid(field, f"{where} holds at most {MAX_TABLE_ENTRIES} entries.")
    return [dict(option) for option in options]


def _slug(text: str) -> str:
    # The stages and banners screens: label.toLowerCase().replace(/[^a-z0-9]+/g, '-')
    return re.sub(r"[^a-z0-9]+", "-", text.lower())


# --- features ----------------------------------------------------------------------------------


def _feature(raw: JsonObject, index: int) -> JsonObject:
    feature = dict(raw)
    where = f"feature {feature.get('id') or feature.get('label') or index}"
    feature_id = feature.get("id")
    if isinstance(feature_id, bool) or not isinstance(feature_id, str | int | type(None)):
        raise _invalid("features", f"{where}: id must be a string or number.")
    if not (feature_id or feature.get("label")):
        raise _invalid("features", f"feature {index}: give it an id or a label.")
    feature["paid"] = feature.get("paid") in TRUE_FORMS
    pricing_type = feature.get("pricing_type")
    if pricing_type is None:
        feature.pop("pricing_type", None)
    elif pricing_type not in PRICING_TYPES:
        raise _invalid("features", f"{where}: pricing_type must be hour or item.")
    for key in FEATURE_PRICE_KEYS:
        if key not in feature:
            continue
        if feature[key] is None:
            del feature[key]
        else:
            value = 0 if feature[key] == "" else feature[key]
            feature[key] = _checked_price(value, f"{where}.{key}", "features")
    if feature["paid"]:
        # What a booking of it will cost, read as pricing reads it.
        pricing.feature_unit_price(feature, str(feature_id or feature.get("label")))
    return feature


def _feature_list(value: Any, where: str) -> list[JsonObject]:
    features = _object_list(value, where, "features")
    kept = [f for f in features if f.get("deleted") not in TRUE_FORMS]
    return [_feature(raw, index) for index, raw in enumerate(kept)]


def normalize_features(value: Any) -> list[JsonObject] | JsonObject:
    if isinstance(value, Mapping):
        features = dict(value)
        features["hall_features"] = _feature_list(
            value.get("hall_features"), "features.hall_features"
        )
        banners = value.get("top_banners")
        if banners is not None and not (
            isinstance(banners, list) and all(isinstance(url, str) for url in banners)
        ):
            raise _invalid("features", "features.top_banners must be a list of image URLs.")
        return features
    return _feature_list(value, "features")


# --- pricing_overrides ------------------------------------------------------------------------


def _price_table(value: Any, name: str, key_pattern: re.Pattern[str]) -> JsonObject:
    where = f"pricing_overrides.{name}"
    if not isinstance(value, Mapping):
        raise _invalid("pricing_overrides", f"{where} must be an object.")
    if len(value) > MAX_TABLE_ENTRIES:
        raise _invalid("pricing_overrides", f"{where} holds at most {MAX_TABLE_ENTRIES} entries.")
    table: JsonObject = {}
    for key, price in value.items():
        if not key_pattern.fullmatch(str(key)):
            raise _invalid("pricing_overrides", f"{where}: {key!r} is not a duration it knows.")
        table[str(key)] = (
            None if price is None else _checked_price(price, f"{where}.{key}", "pricing_overrides")
        )
    return table


def _transport(value: Any) -> JsonObject:
    where = "pricing_overrides.transport"
    if not isinstance(value, Mapping):
        raise _invalid("pricing_overrides", f"{where} must be an object.")
    transport = dict(value)
    for key in ("km_rate", "min_charge"):
        if transport.get(key) is not None:
            transport[key] = _checked_price(transport[key], f"{where}.{key}", "pricing_overrides")
    tiers = _object_list(transport.get("tiers"), f"{where}.tiers", "pricing_overrides")
    for index, tier in enumerate(tiers):
        for key in ("upto", "per_km", "min_charge"):
            if tier.get(key) is not None:
                tier[key] = _checked_price(
                    tier[key], f"{where}.tiers.{index}.{key}", "pricing_overrides"
                )
    if "tiers" in transport:
        transport["tiers"] = tiers
    return transport


WHOLE_NUMBER_KEY = re.compile(r"[1-9][0-9]{0,3}")
DURATION_KEY = re.compile(r"[1-9][0-9]{0,3}h")


def normalize_pricing_overrides(value: Any, stored: Any = None) -> JsonObject:
    """The overrides as saved; `stored` (a PATCH's current value) lends the tables the space
    editor does not send."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise _invalid("pricing_overrides", "pricing_overrides must be an object.")
    overrides = dict(value)
    if isinstance(stored, Mapping):
        for name in KEPT_OVERRIDE_TABLES:
            if name not in overrides and name in stored:
                overrides[name] = stored[name]
    for name in [*WHOLE_NUMBER_TABLES, "duration", "transport"]:
        if overrides.get(name) is None:
            overrides.pop(name, None)
        elif name == "transport":
            overrides[name] = _transport(overrides[name])
        else:
            pattern = DURATION_KEY if name == "duration" else WHOLE_NUMBER_KEY
            overrides[name] = _price_table(overrides[name], name, pattern)
    return overrides


# --- stages, banners, event types -------------------------------------------------------------


def _options(value: Any, field: str, make_id: Callable[[JsonObject], str]) -> list[JsonObject]:
    options = _object_list(value, field, field)
    seen: set[str] = set()
    for index, option in enumerate(options):
        label = option.get("label") or option.get("name")
        if not isinstance(label, str) or not label.strip():
            raise _invalid(field, f"{field} {index}: give it a label.")
        option["label"] = label
        if option.get("id") in (None, ""):
            option["id"] = make_id(option)
        option_id = str(option["id"])
        if option_id in seen:
            raise _invalid(field, f"{field}: the id {option_id!r} is used twice.")
        seen.add(option_id)
        option["price"] = _checked_price(
            option.get("price") or 0, f"{field} {option_id}.price", field
        )
    return options


def _stage_id(option: JsonObject) -> str:
    return f"stage-{_slug(option['label'])}"


def _banner_id(option: JsonObject) -> str:
    size = (
        f"-{option['width']}x{option['height']}"
        if option.get("width") and option.get("height")
        else ""
    )
    return f"banner-{_slug(option['label'])}{size}"


def normalize_stage_options(value: Any) -> list[JsonObject]:
    return _options(value, "stage_options", _stage_id)


def normalize_banner_sizes(value: Any) -> list[JsonObject]:
    banners = _options(value, "banner_sizes", _banner_id)
    for banner in banners:
        for key in ("width", "height"):
            size = banner.get(key)
            if size is None:
                continue
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise _invalid(
                    "banner_sizes", f"banner {banner['id']}: {key} must be a whole number ≥ 1."
                )
    return banners


def normalize_event_types(value: Any) -> list[JsonObject]:
    event_types = _object_list(value, "event_types", "event_types")
    for category in event_types:
        if "subcategories" in category and category["subcategories"] is not None:
            _object_list(category["subcategories"], "event_types subcategories", "event_types")
    return event_types


NORMALIZERS: dict[str, Callable[[Any], Any]] = {
    "features": normalize_features,
    "stage_options": normalize_stage_options,
    "banner_sizes": normalize_banner_sizes,
    "event_types": normalize_event_types,
}
