"""A million bookings in MariaDB, generated inside the server (MariaDB's seq_ tables), so the
load takes a minute instead of an hour of ORM inserts. Kept between runs: reloaded only when the
row count is not what this module makes."""

import os

BOOKINGS = 1_000_000
CUSTOMERS = 1_000
SPACES = 20
# Every fifth booking belongs to one heavy customer, so /api/bookings has 2,000+ pages too.
HEAVY_SHARE = 5
# The catalog list (/api/items) pages available items: enough for full pages.
CATALOG_ITEMS = 500


def load(connection) -> bool:
    """Fill the (migrated) database; False when it already holds the dataset."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bookings")
        if cursor.fetchone()[0] == BOOKINGS:
            return False
        for table in ("booking_items", "booking_events", "bookings", "items", "spaces"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM users WHERE username LIKE 'bench%%'")
        cursor.execute(
            "INSERT INTO venues (name, address, city, timezone, metadata_json, created_at,"
            " updated_at) VALUES ('Bench venue', '', 'Kochi', 'Asia/Kolkata', '{}', NOW(), NOW())"
        )
        venue = cursor.lastrowid
        cursor.execute(
            "INSERT INTO spaces (venue_id, name, description, image_url, capacity,"
            " price_per_hour, advance_payment_percentage, features, pricing_overrides,"
            " event_types, stage_options, banner_sizes, active, created_at, updated_at)"
            f" SELECT {venue}, CONCAT('Hall ', seq), '', '', 100, 1000.00, 25, '[]', '{{}}',"
            f" '[]', '[]', '[]', 1, NOW(), NOW() FROM seq_1_to_{SPACES}"
        )
        cursor.execute("SELECT MIN(id) FROM spaces")
        first_space = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO items (name, description, main_category, category, subcategory, type,"
            " vendor_price, admin_markup_percent, price, image_url, video_url,"
            " profile_image_url, profile_info, available, item_status,"
            " preparation_time_minutes, base_hours_included, rate_per_extra_hour,"
            " is_eligible_for_space_offer, created_at, updated_at) VALUES ('Veg lunch', '',"
            " 'social-life', 'food', 'lunch', 'veg', NULL, 0, 250.00, '', '', '', '', 1,"
            " 'available', 0, 0, 0, 1, NOW(), NOW())"
        )
        item = cursor.lastrowid
        cursor.execute(
            "INSERT INTO users (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined, role, mobile, profile_image)"
            " SELECT '!', seq = 0, CONCAT('bench', seq), 'Bench', CONCAT('Customer ', seq),"
            " CONCAT('bench', seq, '@example.com'), seq = 0, 1, NOW(),"
            " IF(seq = 0, 'admin', 'customer'), CONCAT('+9190', LPAD(seq, 8, '0')), ''"
            f" FROM seq_0_to_{CUSTOMERS}"
        )
        cursor.execute("SELECT id FROM users WHERE username = 'bench1'")
        first_customer = cursor.fetchone()[0]
        statuses = "'pending', 'approved', 'rejected', 'cancelled', 'completed'"
        cursor.execute(
            "INSERT INTO bookings (booking_reference, series_reference, user_id, venue_id,"
            " space_id, start_datetime, end_datetime, attendees, status, booking_type,"
            " event_type, space_amount, total_amount, advance_amount, paid_amount, customer_note,"
            " admin_note, is_admin_booking, banner_image_url, stage_banner_url,"
            " idempotency_key, created_at, updated_at)"
            " SELECT CONCAT('BK-', LPAD(HEX(seq), 10, '0')), '',"
            f" IF(seq % {HEAVY_SHARE} = 0, {first_customer},"
            f"    {first_customer} + 1 + seq % ({CUSTOMERS} - 1)),"
            f" {venue}, {first_space} + seq % {SPACES},"
            " TIMESTAMP('2024-01-01') + INTERVAL seq * 3 MINUTE,"
            " TIMESTAMP('2024-01-01') + INTERVAL seq * 3 + 120 MINUTE,"
            f" 50, ELT(1 + seq % 5, {statuses}), 'one_day', 'Birthday Party',"
            " 2000.00, 2500.00, 625.00, 0, '', '', 0, '', '', NULL,"
            " TIMESTAMP('2023-01-01') + INTERVAL seq * 2 MINUTE,"
            " TIMESTAMP('2023-01-01') + INTERVAL seq * 2 MINUTE"
            f" FROM seq_1_to_{BOOKINGS}"
        )
        cursor.execute(
            "INSERT INTO booking_items (booking_id, item_id, vendor_id, quantity, hours_used,"
            " unit_price, total_price, event_date, booking_status, is_supplied,"
            " payment_settled, payment_settled_at, created_at, updated_at)"
            f" SELECT id, {item}, NULL, 2, NULL, 250.00, 500.00, DATE(start_datetime),"
            " 'pending', 0, id % 2, NULL, created_at, updated_at FROM bookings"
        )
        for table in ("users", "bookings", "booking_items"):
            cursor.execute(f"ANALYZE TABLE {table}")
            cursor.fetchall()
    return True


def load_catalog(connection) -> bool:
    """Top the catalog up to CATALOG_ITEMS items, every field variant the list shows among
    them (a space's own items, a performance team's profile, hourly rates); False when full."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM items")
        missing = CATALOG_ITEMS - cursor.fetchone()[0]
        if missing <= 0:
            return False
        cursor.execute("SELECT MIN(id) FROM spaces")
        first_space = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO items (name, description, main_category, category, subcategory, type,"
            " vendor_price, admin_markup_percent, price, image_url, video_url,"
            " profile_image_url, profile_info, performance_team_profile, available,"
            " item_status, preparation_time_minutes, base_hours_included,"
            " rate_per_extra_hour, is_eligible_for_space_offer, space_id, created_at,"
            " updated_at)"
            " SELECT CONCAT('Bench item ', seq), CONCAT('What item ', seq, ' is'),"
            " ELT(1 + seq % 3, 'social-life', 'celebrations', 'corporate'),"
            " ELT(1 + seq % 4, 'food', 'decor', 'entertainment', 'transport'),"
            " ELT(1 + seq % 5, 'lunch', 'dinner', 'flowers', 'band', 'bus'),"
            " IF(seq % 2, 'veg', 'non-veg'), NULL, 0, 100 + seq % 40 * 12.5,"
            " CONCAT('/static/items/', seq, '.jpg'), '', '', IF(seq % 4 = 2, 'A team', ''),"
            ' IF(seq % 4 = 2, \'{"members":5,"genre":"Folk"}\', NULL), 1, \'available\','
            " seq % 90, seq % 3, IF(seq % 4 = 2, 1500.00, 0), 1,"
            f" IF(seq % 7 = 0, {first_space}, NULL), NOW(), NOW()"
            f" FROM seq_1_to_{missing}"
        )
        cursor.execute("ANALYZE TABLE items")
        cursor.fetchall()
    return True


def heavy_customer_and_staff():
    """bench1 owns a fifth of the bookings; bench0 is staff (a superuser, for the admin)."""
    from accounts.models import User

    User.objects.filter(username="bench0").update(is_staff=True, is_superuser=True)
    return User.objects.get(username="bench1"), User.objects.get(username="bench0")


if __name__ == "__main__":  # pragma: no cover - manual use
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
    django.setup()
    from django.db import connection

    print("loaded" if load(connection) else "already loaded")
    print("catalog loaded" if load_catalog(connection) else "catalog already loaded")
