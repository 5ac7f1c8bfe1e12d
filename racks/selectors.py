"""Every read of the racks app, each a fixed number of queries, each bounded.

The legacy answered every rack, product and order at once; the caps below are far above what
a venue's shelves hold (racks/README.md), so the screens, which do not page, miss nothing.
"""

from dataclasses import dataclass
from urllib.parse import quote

import segno
from django.conf import settings
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from racks.exceptions import OrderNotFound, RackNotFound
from racks.models import Rack, RackOrder, RackOrderLine, RackProduct

RACKS_CAP = 200
PRODUCTS_PER_RACK_CAP = 500
ALL_PRODUCTS_CAP = 2000
ORDERS_PAGE_DEFAULT = 200
ORDERS_PAGE_MAX = 500


def _with_products(racks: QuerySet[Rack]) -> QuerySet[Rack]:
    products = RackProduct.objects.order_by("id")
    return racks.prefetch_related(
        Prefetch("products", queryset=products[:PRODUCTS_PER_RACK_CAP], to_attr="product_list")
    )


def rack_list(*, active_only: bool) -> list[Rack]:
    racks = Rack.objects.order_by("id")
    if active_only:
        racks = racks.filter(active=True)
    return list(_with_products(racks)[:RACKS_CAP])


def rack_get(*, rack_id: int | None = None, code: str | None = None) -> Rack:
    racks = _with_products(Rack.objects.all())
    rack = (
        racks.filter(pk=rack_id).first() if rack_id is not None else racks.filter(code=code).first()
    )
    if rack is None:
        raise RackNotFound()
    return rack


def product_list(*, active_only: bool, status: str | None) -> list[RackProduct]:
    """Products of every rack (the shop page the QR codes open lists them all)."""
    products = RackProduct.objects.order_by("id")
    if active_only:
        products = products.filter(rack__active=True)
    if status:
        products = products.filter(status=status)
    return list(products[:ALL_PRODUCTS_CAP])


@dataclass(frozen=True)
class RackQr:
    rack: Rack
    rack_url: str
    png_data_uri: str


def rack_qr(*, rack_id: int) -> RackQr:
    """The rack's QR code: the shop page's address for its code, as a PNG data URI (the
    staff screen shows it in an <Image> and saves it as .png). Drawn from the code each time:
    a few kB, nothing stored that could go stale when the code changes."""
    rack = Rack.objects.filter(pk=rack_id).first()
    if rack is None:
        raise RackNotFound()
    rack_url = f"{settings.FRONTEND_URL.rstrip('/')}/rack/{quote(rack.code, safe='')}"
    png = segno.make(rack_url, error="m").png_data_uri(scale=10, border=5)
    return RackQr(rack=rack, rack_url=rack_url, png_data_uri=png)


def _order_rows() -> QuerySet[RackOrder]:
    return RackOrder.objects.select_related("user", "payment").prefetch_related(
        Prefetch("lines", queryset=RackOrderLine.objects.order_by("id"))
    )


def order_for_customer(*, user: User, order_id: int) -> RackOrder:
    """An order its customer (or staff) may read; anyone else's is not found."""
    order = _order_rows().filter(pk=order_id).first()
    if order is None or (order.user_id != user.pk and not user.is_staff):
        raise OrderNotFound()
    return order


@dataclass(frozen=True)
class OrderPage:
    orders: list[RackOrder]
    total: int
    page: int
    page_size: int


def order_staff_list(
    *, status: str | None, payment_status: str | None, page: int, page_size: int
) -> OrderPage:
    """Newest first (index rack_order_*newest_idx), a page at a time."""
    orders = RackOrder.objects.order_by("-created_at", "-id")
    if status:
        orders = orders.filter(status=status)
    if payment_status:
        orders = orders.filter(payment_status=payment_status)
    total = orders.count()
    start = (page - 1) * page_size
    ids = list(orders.values_list("pk", flat=True)[start : start + page_size])
    rows = _order_rows().filter(pk__in=ids).order_by("-created_at", "-id")
    return OrderPage(orders=list(rows), total=total, page=page, page_size=page_size)
