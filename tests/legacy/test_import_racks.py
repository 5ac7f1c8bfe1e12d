# The legacy DDL is kept one column list per line, and its datetimes are naive (that is the
# quirk under test): long lines and naive datetimes are intended here, as in legacy_db.py.
# ruff: noqa: E501, DTZ001
"""The legacy racks, their products and orders through manage.py import_legacy."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from racks.models import Rack, RackOrder, RackOrderLine, RackProduct
from tests.legacy import legacy_db
from tests.legacy.test_import import _import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
_J = legacy_db._J
INNODB = legacy_db.INNODB

# Two of the three tables routers/racks.py reads and writes (models_rack.py; FLOAT money at
# 8bf6f23, the newest backend's metadata column), restated, rows invented; racks itself is in
# legacy_db.SCHEMA.
SCHEMA = {
    "rack_products": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, rack_id int(11) NOT NULL, name varchar(255) NOT NULL,
  description text DEFAULT NULL, image_url varchar(500) DEFAULT NULL, images_json {_J}, videos_json {_J},
  price float NOT NULL, stock_quantity int(11) NOT NULL, delivery_time varchar(100) DEFAULT NULL,
  category varchar(100) DEFAULT NULL, status varchar(32) NOT NULL, metadata {_J},
  created_at datetime NOT NULL, updated_at datetime NOT NULL) {INNODB}""",
    "rack_orders": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) NOT NULL, rack_id int(11) DEFAULT NULL,
  order_reference varchar(50) NOT NULL, total_amount float NOT NULL, original_amount float DEFAULT NULL,
  items_json longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, applied_offer_id int(11) DEFAULT NULL, discount_amount float DEFAULT NULL,
  is_surprise_gift tinyint(1) DEFAULT 0, recipient_name varchar(255) DEFAULT NULL,
  recipient_mobile varchar(15) DEFAULT NULL, delivery_address text DEFAULT NULL, pin_code varchar(10) DEFAULT NULL,
  city varchar(100) DEFAULT NULL, state varchar(100) DEFAULT NULL, occasion_type varchar(50) DEFAULT NULL,
  birthday_date datetime DEFAULT NULL, personal_message text DEFAULT NULL, payment_id varchar(100) DEFAULT NULL,
  payment_status varchar(32) DEFAULT 'pending', status varchar(32) DEFAULT 'pending',
  created_at datetime DEFAULT current_timestamp(), updated_at datetime DEFAULT current_timestamp()) {INNODB}""",
}


def rack_rows() -> dict[str, list[dict[str, Any]]]:
    stamp = {"created_at": T0, "updated_at": T0 + timedelta(hours=1)}
    return {
        "racks": [
            {"id": 1, "code": "DEFAULT", "name": "All Products", "active": 1, **stamp},
            {
                "id": 3,
                "code": "LOBBY-1",
                "name": "Invented lobby rack",
                "location": "Lobby",
                "active": 0,
                "category_name": "Gifts",
                "venue_id": 1,
                "metadata": '{"invented": true}',
                **stamp,
            },
        ],
        "rack_products": [
            {
                "id": 10,
                "rack_id": 1,
                "name": "Invented chocolate box",
                "image_url": "/static/uploads/box.jpg",
                "images_json": '["/static/uploads/box.jpg", "/static/uploads/box2.jpg"]',
                "price": 1234.57,
                "stock_quantity": 4,
                "status": "active",
                **stamp,
            },
            {
                "id": 11,
                "rack_id": 3,
                "name": "Invented teddy",
                "price": 99.5,
                "stock_quantity": -2,  # the legacy decremented nothing, but staff typed it
                "status": "active",
                **stamp,
            },
        ],
        "rack_orders": [
            {
                "id": 5,
                "user_id": 2,
                "rack_id": None,  # the legacy stored the browser's null
                "order_reference": "RO-INVENTED01",
                "total_amount": 2469.14,
                "original_amount": None,
                "items_json": json.dumps(
                    [
                        {
                            "product_id": 10,
                            "name": "Invented chocolate box",
                            "price": 1234.57,
                            "quantity": 2,
                            "subtotal": 2469.14,
                        },
                        {"product_id": 999, "name": "Gone product", "price": 0, "quantity": 1},
                    ]
                ),
                "is_surprise_gift": 1,
                "recipient_name": "Invented Recipient",
                "recipient_mobile": "9800000099",
                "birthday_date": datetime(2025, 4, 2),
                "payment_id": "pay_INVENTED1",
                "payment_status": "completed",
                "status": "confirmed",
                **stamp,
            },
        ],
    }


def test_racks_products_and_orders_keep_ids_money_and_lines(legacy_files, tmp_path, monkeypatch):
    for table, ddl in SCHEMA.items():
        monkeypatch.setitem(legacy_db.SCHEMA, table, ddl)
    # A source database of this test's own: the shared one is dropped and rebuilt by every
    # legacy test, and sessions running them at once cut each other's connections.
    monkeypatch.setattr(legacy_db, "SOURCE_DB", "lebrq_racks_legacy_src")
    monkeypatch.setattr(
        legacy_db, "SOURCE_URL", "mysql://root@127.0.0.1:3306/lebrq_racks_legacy_src"
    )
    data = legacy_db.rows()
    data.update(rack_rows())
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    for table in ("racks", "rack_products", "rack_orders"):
        assert report["checks"]["counts"][table]["skipped"] == 0
        assert report["tables"][table]["checksum_legacy"]
    ledger = {(e["table"], e["column"]) for e in report["ledger"]}
    assert not {key for key in ledger if key[0] in {"racks", *SCHEMA}}
    assert report["tables"]["rack_products"]["money_new"] == {"price": "1334.07"}

    lobby = Rack.objects.get(pk=3)
    assert (lobby.code, lobby.location, lobby.active, lobby.category_name) == (
        "LOBBY-1",
        "Lobby",
        False,
        "Gifts",
    )
    assert lobby.created_at == T0
    box = RackProduct.objects.get(pk=10)
    assert (box.price, box.stock_quantity, box.rack_id) == (Decimal("1234.57"), 4, 1)
    assert box.images == ["/static/uploads/box.jpg", "/static/uploads/box2.jpg"]
    # A negative stock cannot be stored (never sell what is not there): fixed to none left.
    assert RackProduct.objects.get(pk=11).stock_quantity == 0
    fixed = [(r["table"], r["legacy_id"], r["column"]) for r in report["rows"]]
    assert ("rack_products", 11, "stock_quantity") in fixed

    order = RackOrder.objects.get(pk=5)
    assert order.rack_id is None
    assert (order.total_amount, order.original_amount, order.discount_amount) == (
        Decimal("2469.14"),
        Decimal("2469.14"),
        Decimal("0.00"),
    )
    assert (order.payment_status, order.status, order.is_surprise_gift) == (
        "completed",
        "confirmed",
        True,
    )
    assert order.birthday_date == date(2025, 4, 2)
    # pay_INVENTED1 is an imported payment: linked, and its reference kept.
    assert (order.payment_id, order.legacy_payment_ref) == (1, "pay_INVENTED1")
    lines = list(
        RackOrderLine.objects.filter(order=order).values_list(
            "product_id", "product_name", "quantity", "unit_price", "subtotal"
        )
    )
    assert lines == [
        (10, "Invented chocolate box", 2, Decimal("1234.57"), Decimal("2469.14")),
        (None, "Gone product", 1, Decimal("0.00"), Decimal("0.00")),
    ]
