# The legacy DDL is kept one column list per line, and its datetimes are naive (that is the
# quirk under test): long lines and naive datetimes are intended here.
# ruff: noqa: E501, DTZ001
"""A throwaway legacy database for the import tests: the in-scope CREATE TABLEs of the
legacy dump (schema only, restated here, with their quirks: FLOAT money, MyISAM/latin1
tables, naive datetimes, JSON in longtext) and INVENTED rows. No real row of the legacy
dump is, or may ever be, copied here."""

import base64
import contextlib
import hashlib
import io
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import MySQLdb
from PIL import Image

# One per test database, so runs against different databases (parallel sessions, CI and a
# developer) never drop each other's source.
SOURCE_DB = (
    (os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0] or "lebrq") + "_legacy_src"
)[:64]
HOST = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}
SOURCE_URL = f"mysql://root@127.0.0.1:3306/{SOURCE_DB}"

_J = "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL"
INNODB = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
MYISAM = "ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci"

SCHEMA = {
    "users": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, username varchar(100) NOT NULL,
  password_hash varchar(255) NOT NULL, role varchar(32) NOT NULL, date_of_birth date DEFAULT NULL,
  suspended_until datetime DEFAULT NULL, created_at datetime NOT NULL,
  first_name varchar(120) DEFAULT NULL, last_name varchar(120) DEFAULT NULL,
  mobile varchar(32) DEFAULT NULL, email varchar(255) DEFAULT NULL, profile_image longtext DEFAULT NULL,
  last_login_time datetime DEFAULT NULL, last_logout_time datetime DEFAULT NULL,
  profile_picture longtext DEFAULT NULL, admin_viewed_at datetime DEFAULT NULL) {INNODB}""",
    "vendor_profiles": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) NOT NULL,
  company_name varchar(255) DEFAULT NULL, description text DEFAULT NULL,
  contact_email varchar(255) DEFAULT NULL, contact_phone varchar(64) DEFAULT NULL,
  created_at datetime NOT NULL, updated_at datetime NOT NULL, address text DEFAULT NULL,
  suspended_until datetime DEFAULT NULL) {INNODB}""",
    "broker_profiles": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) NOT NULL,
  company_name varchar(255) DEFAULT NULL, description text DEFAULT NULL,
  contact_email varchar(255) DEFAULT NULL, contact_phone varchar(64) DEFAULT NULL,
  address text DEFAULT NULL, brokerage_percentage float NOT NULL,
  bank_account_name varchar(255) DEFAULT NULL, bank_account_number varchar(64) DEFAULT NULL,
  bank_ifsc_code varchar(16) DEFAULT NULL, bank_name varchar(255) DEFAULT NULL,
  is_approved tinyint(1) NOT NULL, suspended_until datetime DEFAULT NULL,
  created_at datetime NOT NULL, updated_at datetime NOT NULL) {MYISAM}""",
    "venues": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(255) NOT NULL, address text DEFAULT NULL,
  city varchar(100) DEFAULT NULL, timezone varchar(80) DEFAULT NULL,
  metadata_json {_J} CHECK (json_valid(metadata_json)),
  created_at datetime NOT NULL, updated_at datetime NOT NULL) {INNODB}""",
    "spaces": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, venue_id int(11) NOT NULL, name varchar(200) NOT NULL,
  capacity int(11) NOT NULL, price_per_hour float NOT NULL, features {_J}, active tinyint(1) NOT NULL,
  created_at datetime NOT NULL, updated_at datetime NOT NULL, description text DEFAULT NULL,
  image_url varchar(500) DEFAULT NULL, event_types {_J}, stage_options {_J}, banner_sizes {_J},
  pricing_overrides {_J}) {INNODB}""",
    "items": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, vendor_id int(11) DEFAULT NULL,
  main_category varchar(64) DEFAULT NULL, name varchar(255) NOT NULL, description text DEFAULT NULL,
  price float NOT NULL, base_hours_included int(11) DEFAULT NULL,
  rate_per_extra_hour decimal(10,2) DEFAULT NULL, is_eligible_for_space_offer tinyint(1) DEFAULT 0,
  vendor_price decimal(10,2) DEFAULT 0.00, admin_markup_percent decimal(5,2) DEFAULT 0.00,
  available tinyint(1) NOT NULL, preparation_time_minutes int(11) DEFAULT 0,
  item_status varchar(32) DEFAULT 'available', created_at datetime NOT NULL,
  updated_at timestamp NULL DEFAULT NULL, category varchar(64) DEFAULT NULL,
  subcategory varchar(64) DEFAULT NULL, type varchar(32) DEFAULT NULL,
  image_url varchar(500) DEFAULT NULL, video_url varchar(500) DEFAULT NULL,
  profile_image_url varchar(500) DEFAULT NULL, profile_info text DEFAULT NULL,
  performance_team_profile {_J}, space_id int(11) DEFAULT NULL) {INNODB}""",
    "item_media": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, item_id int(11) NOT NULL, media_type varchar(10) NOT NULL,
  file_path varchar(500) NOT NULL, file_url varchar(500) NOT NULL, is_primary tinyint(1) NOT NULL,
  display_order int(11) NOT NULL, title varchar(255) DEFAULT NULL, description text DEFAULT NULL,
  created_at datetime NOT NULL, updated_at datetime DEFAULT NULL) {MYISAM}""",
    "bookings": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_reference varchar(64) NOT NULL,
  series_reference varchar(64) DEFAULT NULL, user_id int(11) NOT NULL, broker_id int(11) DEFAULT NULL,
  venue_id int(11) NOT NULL, space_id int(11) NOT NULL, start_datetime datetime NOT NULL,
  end_datetime datetime NOT NULL, attendees int(11) DEFAULT NULL, status varchar(32) NOT NULL,
  total_amount float NOT NULL, brokerage_amount float DEFAULT 0, admin_note text DEFAULT NULL,
  customer_note text DEFAULT NULL, created_at datetime NOT NULL, updated_at datetime NOT NULL,
  booking_type varchar(20) NOT NULL DEFAULT 'one_day', event_type varchar(50) DEFAULT NULL,
  event_name varchar(255) DEFAULT NULL, is_admin_booking tinyint(1) DEFAULT 0,
  transport_location varchar(255) DEFAULT NULL, transport_amount float DEFAULT NULL,
  transport_estimate float DEFAULT NULL, banner_image_url varchar(500) DEFAULT NULL,
  banner_size varchar(50) DEFAULT NULL, banner_amount float DEFAULT NULL,
  stage_banner_url text DEFAULT NULL, broker_settled tinyint(1) NOT NULL DEFAULT 0,
  broker_settled_at datetime DEFAULT NULL, broker_settled_by_user_id int(11) DEFAULT NULL,
  admin_viewed_at datetime DEFAULT NULL) {INNODB}""",
    "booking_items": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL, item_id int(11) NOT NULL,
  vendor_id int(11) DEFAULT NULL, quantity int(11) NOT NULL, hours_used decimal(10,2) DEFAULT NULL,
  unit_price float NOT NULL, total_price float NOT NULL, created_at datetime NOT NULL,
  event_date date DEFAULT NULL, booking_status varchar(32) DEFAULT NULL,
  is_supplyed tinyint(1) NOT NULL DEFAULT 0, is_supplies tinyint(1) DEFAULT 0,
  rejection_status tinyint(1) NOT NULL DEFAULT 0, rejection_note text DEFAULT NULL,
  rejected_at datetime DEFAULT NULL, supplied_at datetime DEFAULT NULL,
  supply_verified tinyint(1) NOT NULL DEFAULT 0, verified_at datetime DEFAULT NULL,
  accepted_at datetime DEFAULT NULL, supply_reminder_sent_at datetime DEFAULT NULL,
  payment_settled tinyint(1) NOT NULL DEFAULT 0, payment_settled_at datetime DEFAULT NULL,
  payment_settled_by_user_id bigint(20) DEFAULT NULL) {INNODB}""",
    "booking_events": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL,
  actor_user_id int(11) DEFAULT NULL, from_status varchar(64) DEFAULT NULL,
  to_status varchar(64) DEFAULT NULL, note text DEFAULT NULL, created_at datetime NOT NULL) {INNODB}""",
    "booking_guests": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL, name varchar(255) NOT NULL,
  mobile varchar(15) NOT NULL, pickup_location varchar(500) DEFAULT NULL,
  needs_transportation tinyint(1) NOT NULL, created_at datetime NOT NULL,
  updated_at datetime NOT NULL) {MYISAM}""",
    "admin_settings": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, setting_key varchar(100) NOT NULL, value text DEFAULT NULL,
  updated_at timestamp NULL DEFAULT current_timestamp()) {MYISAM}""",
    "payments": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) DEFAULT NULL, amount float NOT NULL,
  currency varchar(8) NOT NULL, provider varchar(100) DEFAULT NULL,
  provider_payment_id varchar(255) DEFAULT NULL, order_id varchar(255) DEFAULT NULL,
  status varchar(32) NOT NULL, paid_at datetime DEFAULT NULL, created_at datetime NOT NULL,
  updated_at datetime DEFAULT NULL, details text DEFAULT NULL, gateway_response text DEFAULT NULL) {INNODB}""",
    "refunds": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL, amount float NOT NULL,
  reason text DEFAULT NULL, status varchar(32) NOT NULL, refund_type varchar(32) DEFAULT NULL,
  refund_method varchar(64) DEFAULT NULL, refund_reference varchar(255) DEFAULT NULL,
  processed_at datetime DEFAULT NULL, created_at datetime NOT NULL, updated_at datetime DEFAULT NULL,
  notes text DEFAULT NULL, created_by_user_id int(11) DEFAULT NULL) {MYISAM}""",
    "programs": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200) NOT NULL, description text DEFAULT NULL,
  schedule varchar(160) DEFAULT NULL, price float DEFAULT NULL, status varchar(32) NOT NULL,
  program_type varchar(50) DEFAULT NULL, poster_url varchar(300) DEFAULT NULL,
  event_id int(11) DEFAULT NULL, created_at datetime NOT NULL, updated_at datetime NOT NULL,
  start_time varchar(8) DEFAULT NULL, end_time varchar(8) DEFAULT NULL, daily_fee float DEFAULT 0,
  monthly_fee float DEFAULT 0, overall_start_date timestamp NULL DEFAULT NULL,
  overall_end_date timestamp NULL DEFAULT NULL, series_reference varchar(64) DEFAULT NULL) {INNODB}""",
    "program_participants": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) DEFAULT NULL, name varchar(120) NOT NULL,
  mobile varchar(32) NOT NULL, program_type varchar(16) NOT NULL, joined_at datetime NOT NULL,
  subscription_type varchar(16) DEFAULT NULL, start_date datetime DEFAULT NULL,
  end_date datetime DEFAULT NULL, amount_paid float DEFAULT NULL, is_active tinyint(1) DEFAULT 1,
  ticket_quantity int(11) DEFAULT 1, is_verified tinyint(1) DEFAULT 0,
  verified_at datetime DEFAULT NULL, booking_id int(11) DEFAULT NULL,
  scan_count int(11) NOT NULL DEFAULT 0) {INNODB}""",
    "gallery_images": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, filename varchar(255) NOT NULL, filepath varchar(500) NOT NULL,
  title varchar(255) DEFAULT NULL, description text DEFAULT NULL,
  created_at datetime DEFAULT current_timestamp(), media_type varchar(10) NOT NULL DEFAULT 'image') {INNODB}""",
    "content_pages": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, page_name varchar(50) NOT NULL, title varchar(200) NOT NULL,
  content text NOT NULL, meta_description text DEFAULT NULL, is_published tinyint(1) DEFAULT 1,
  created_at timestamp NULL DEFAULT current_timestamp(),
  updated_at timestamp NULL DEFAULT current_timestamp()) {INNODB}""",
    "page_content": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, slug varchar(120) NOT NULL, title varchar(255) DEFAULT NULL,
  body_html text DEFAULT NULL, updated_at datetime NOT NULL) {INNODB}""",
    # A table of a domain not built yet, to be listed in the ledger.
    "offers": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, offer_type varchar(32) NOT NULL, title varchar(200) NOT NULL,
  description text DEFAULT NULL, is_active tinyint(1) NOT NULL DEFAULT 1, priority int(11) NOT NULL DEFAULT 0,
  discount_type varchar(16) NOT NULL, discount_value float NOT NULL, min_purchase_amount float DEFAULT NULL,
  max_discount_amount float DEFAULT NULL, festival_name varchar(200) DEFAULT NULL, start_date date DEFAULT NULL,
  end_date date DEFAULT NULL, number_of_users int(11) DEFAULT NULL, claimed_count int(11) NOT NULL DEFAULT 0,
  created_by_user_id int(11) DEFAULT NULL, created_at datetime NOT NULL DEFAULT current_timestamp(),
  updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  surprise_gift_name varchar(200) DEFAULT NULL, surprise_gift_image_url varchar(500) DEFAULT NULL,
  rack_id int(11) DEFAULT NULL, product_id int(11) DEFAULT NULL) {INNODB}""",
    "coupons": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, code varchar(50) NOT NULL, title varchar(200) NOT NULL,
  description text DEFAULT NULL, is_active tinyint(1) NOT NULL DEFAULT 1, discount_type varchar(16) NOT NULL,
  discount_value float NOT NULL, min_purchase_amount float DEFAULT NULL, max_discount_amount float DEFAULT NULL,
  max_usage_per_user int(11) DEFAULT NULL, max_usage_total int(11) DEFAULT NULL,
  current_usage_count int(11) NOT NULL DEFAULT 0, valid_from datetime DEFAULT NULL, valid_until datetime DEFAULT NULL,
  created_by_user_id int(11) DEFAULT NULL, created_at datetime NOT NULL DEFAULT current_timestamp(),
  updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "offer_usage": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, offer_id int(11) NOT NULL, user_id int(11) DEFAULT NULL,
  booking_id int(11) DEFAULT NULL, discount_amount float NOT NULL, original_amount float NOT NULL,
  final_amount float NOT NULL, used_at datetime NOT NULL DEFAULT current_timestamp()) {INNODB}""",
    "coupon_usage": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, coupon_id int(11) NOT NULL, user_id int(11) DEFAULT NULL,
  booking_id int(11) DEFAULT NULL, discount_amount float NOT NULL, original_amount float NOT NULL,
  final_amount float NOT NULL, used_at datetime NOT NULL DEFAULT current_timestamp()) {INNODB}""",
    "offer_notifications": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, offer_id int(11) NOT NULL, user_id int(11) NOT NULL,
  whatsapp_sent tinyint(1) DEFAULT 0, sms_sent tinyint(1) DEFAULT 0, email_sent tinyint(1) DEFAULT 0,
  notified_at datetime DEFAULT current_timestamp(), notified_by_user_id int(11) DEFAULT NULL) {INNODB}""",
    "contests": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200) NOT NULL, slug varchar(100) NOT NULL,
  description text DEFAULT NULL, hero_image_url varchar(500) DEFAULT NULL, banner_image_url varchar(500) DEFAULT NULL,
  start_date date NOT NULL, end_date date NOT NULL,
  applicable_event_types {_J} CHECK (json_valid(applicable_event_types)), first_x_winners int(11) DEFAULT NULL,
  eligibility_criteria text DEFAULT NULL, per_user_limit int(11) NOT NULL DEFAULT 1,
  auto_approve tinyint(1) NOT NULL DEFAULT 0, prizes {_J} CHECK (json_valid(prizes)),
  is_published tinyint(1) NOT NULL DEFAULT 0, created_by_user_id int(11) DEFAULT NULL,
  created_at datetime NOT NULL DEFAULT current_timestamp(),
  updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "contest_entries": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, contest_id int(11) NOT NULL, participant_name varchar(200) NOT NULL,
  email varchar(255) DEFAULT NULL, phone varchar(32) DEFAULT NULL, event_type varchar(50) NOT NULL,
  event_date date NOT NULL, relation varchar(50) NOT NULL DEFAULT 'self', booking_id int(11) DEFAULT NULL,
  message text DEFAULT NULL, owner_email varchar(255) DEFAULT NULL, owner_phone varchar(32) DEFAULT NULL,
  status varchar(50) NOT NULL DEFAULT 'pending', admin_note text DEFAULT NULL, ocr_confidence float DEFAULT NULL,
  ocr_date_matches tinyint(1) DEFAULT NULL, ocr_extracted_text text DEFAULT NULL, reference_id varchar(50) NOT NULL,
  ip_address varchar(45) DEFAULT NULL, created_at datetime NOT NULL DEFAULT current_timestamp(),
  updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  approved_at datetime DEFAULT NULL, marked_winner_at datetime DEFAULT NULL) {INNODB}""",
    "contest_entry_files": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, entry_id int(11) NOT NULL, file_url varchar(500) NOT NULL,
  file_name varchar(255) NOT NULL, file_type varchar(50) NOT NULL, file_size int(11) NOT NULL,
  created_at datetime NOT NULL) {MYISAM}""",
    "contest_notifications": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, entry_id int(11) NOT NULL, channel varchar(50) NOT NULL,
  recipient_email varchar(255) DEFAULT NULL, recipient_phone varchar(32) DEFAULT NULL, subject varchar(255) DEFAULT NULL,
  message_body text NOT NULL, provider_response {_J} CHECK (json_valid(provider_response)),
  status varchar(50) NOT NULL DEFAULT 'pending', error_message text DEFAULT NULL, sent_by_user_id int(11) DEFAULT NULL,
  sent_at datetime DEFAULT NULL, created_at datetime NOT NULL DEFAULT current_timestamp()) {INNODB}""",
    "user_event_dates": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) DEFAULT NULL, phone varchar(32) DEFAULT NULL,
  person_name varchar(200) NOT NULL, event_type varchar(50) NOT NULL, event_date date NOT NULL,
  relation varchar(50) NOT NULL DEFAULT 'family', notify_on_offers tinyint(1) NOT NULL DEFAULT 1,
  created_at datetime NOT NULL DEFAULT current_timestamp(),
  updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "offices": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(255) NOT NULL, qr_id varchar(100) NOT NULL,
  latitude float NOT NULL, longitude float NOT NULL, allowed_radius float DEFAULT 100, is_active tinyint(1) DEFAULT 1,
  qr_generated_at datetime DEFAULT NULL, created_at datetime DEFAULT current_timestamp(),
  updated_at datetime DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  created_by_user_id int(11) DEFAULT NULL) {INNODB}""",
    "staff": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, employee_code varchar(50) NOT NULL, user_id int(11) DEFAULT NULL,
  first_name varchar(120) NOT NULL, last_name varchar(120) NOT NULL, name varchar(255) DEFAULT NULL,
  email varchar(255) NOT NULL, phone varchar(32) NOT NULL, date_of_birth date DEFAULT NULL, address text DEFAULT NULL,
  aadhar_number varchar(20) DEFAULT NULL, pan_number varchar(20) DEFAULT NULL,
  emergency_contact_name varchar(120) DEFAULT NULL, emergency_contact_phone varchar(32) DEFAULT NULL,
  emergency_contact_relation varchar(50) DEFAULT NULL, role varchar(100) NOT NULL, department varchar(100) NOT NULL,
  salary_type varchar(20) NOT NULL DEFAULT 'monthly', fixed_salary float DEFAULT NULL, hourly_wage float DEFAULT NULL,
  joining_date date NOT NULL, allowances {_J} CHECK (json_valid(allowances)),
  deductions {_J} CHECK (json_valid(deductions)), is_active tinyint(1) DEFAULT 1, photo_url varchar(500) DEFAULT NULL,
  created_at datetime DEFAULT current_timestamp(),
  updated_at datetime DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  created_by_user_id int(11) DEFAULT NULL) {INNODB}""",
    "staff_documents": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, staff_id int(11) NOT NULL, document_type varchar(50) NOT NULL,
  file_name varchar(255) NOT NULL, file_path varchar(500) NOT NULL, file_url varchar(500) NOT NULL,
  file_size int(11) DEFAULT NULL, mime_type varchar(100) DEFAULT NULL, description text DEFAULT NULL,
  uploaded_at datetime DEFAULT current_timestamp(), uploaded_by_user_id int(11) DEFAULT NULL) {INNODB}""",
    "attendance": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, staff_id int(11) NOT NULL, attendance_date date NOT NULL,
  check_in_time datetime DEFAULT NULL, check_out_time datetime DEFAULT NULL, total_hours float DEFAULT NULL,
  overtime_hours float DEFAULT 0, check_in_latitude float DEFAULT NULL, check_in_longitude float DEFAULT NULL,
  check_out_latitude float DEFAULT NULL, check_out_longitude float DEFAULT NULL,
  check_in_device_type varchar(50) DEFAULT NULL, check_in_ip_address varchar(45) DEFAULT NULL,
  check_out_device_type varchar(50) DEFAULT NULL, check_out_ip_address varchar(45) DEFAULT NULL,
  status varchar(20) NOT NULL DEFAULT 'present', is_manual tinyint(1) DEFAULT 0, manual_correction_note text DEFAULT NULL,
  corrected_by_user_id int(11) DEFAULT NULL, corrected_at datetime DEFAULT NULL,
  created_at datetime DEFAULT current_timestamp(),
  updated_at datetime DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "attendance_otps": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, staff_id int(11) NOT NULL, otp varchar(10) NOT NULL,
  status varchar(20) DEFAULT 'valid', created_at datetime DEFAULT current_timestamp(), expires_at datetime NOT NULL,
  used_at datetime DEFAULT NULL, wrong_attempts int(11) DEFAULT 0, blocked_until datetime DEFAULT NULL) {INNODB}""",
    "leaves": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, staff_id int(11) NOT NULL, leave_type varchar(50) NOT NULL,
  start_date date NOT NULL, end_date date NOT NULL, total_days float NOT NULL, reason text DEFAULT NULL,
  status varchar(20) DEFAULT 'pending', approved_by_user_id int(11) DEFAULT NULL, approved_at datetime DEFAULT NULL,
  rejection_reason text DEFAULT NULL, applied_at datetime DEFAULT current_timestamp(),
  updated_at datetime DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "payroll": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, staff_id int(11) NOT NULL, month int(11) NOT NULL, year int(11) NOT NULL,
  period_start date NOT NULL, period_end date NOT NULL, total_working_days int(11) NOT NULL, present_days float NOT NULL,
  absent_days float DEFAULT 0, leave_days float DEFAULT 0, unpaid_leave_days float DEFAULT 0, half_days float DEFAULT 0,
  holidays int(11) DEFAULT 0, total_hours float DEFAULT NULL, overtime_hours float DEFAULT 0, basic_salary float NOT NULL,
  calculated_salary float NOT NULL, total_allowances float DEFAULT 0, overtime_pay float DEFAULT 0,
  total_deductions float DEFAULT 0, leave_deductions float DEFAULT 0, net_salary float NOT NULL,
  allowances_breakdown {_J} CHECK (json_valid(allowances_breakdown)),
  deductions_breakdown {_J} CHECK (json_valid(deductions_breakdown)), status varchar(20) DEFAULT 'draft',
  is_locked tinyint(1) DEFAULT 0, salary_slip_url varchar(500) DEFAULT NULL, processed_by_user_id int(11) DEFAULT NULL,
  processed_at datetime DEFAULT NULL, locked_at datetime DEFAULT NULL, created_at datetime DEFAULT current_timestamp(),
  updated_at datetime DEFAULT current_timestamp() ON UPDATE current_timestamp()) {INNODB}""",
    "vehicles": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, vehicle_name varchar(100) NOT NULL, vendor_id int(11) DEFAULT NULL,
  vehicle_capacity int(11) NOT NULL, base_fare decimal(10,2) NOT NULL, per_km_rate decimal(10,2) NOT NULL,
  minimum_km int(11) DEFAULT NULL, vehicle_image text DEFAULT NULL, extra_charges decimal(10,2) DEFAULT NULL,
  waiting_charges_per_hour decimal(10,2) DEFAULT NULL, night_charges decimal(10,2) DEFAULT NULL,
  peak_hour_multiplier decimal(3,2) DEFAULT NULL, description text DEFAULT NULL, is_active tinyint(1) DEFAULT NULL,
  created_at datetime DEFAULT NULL, updated_at datetime DEFAULT NULL) {INNODB} ROW_FORMAT=DYNAMIC""",
    "vehicle_bookings": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL, vehicle_id int(11) NOT NULL,
  number_of_guests int(11) NOT NULL, guest_contact_number varchar(15) NOT NULL, pickup_location text NOT NULL,
  drop_location text DEFAULT NULL, estimated_distance_km decimal(10,2) DEFAULT NULL, base_fare decimal(10,2) NOT NULL,
  per_km_rate decimal(10,2) NOT NULL, calculated_cost decimal(10,2) NOT NULL, extra_charges decimal(10,2) DEFAULT NULL,
  total_amount decimal(10,2) NOT NULL, booking_status varchar(50) DEFAULT NULL, driver_assigned varchar(100) DEFAULT NULL,
  notes text DEFAULT NULL, created_at datetime DEFAULT NULL, updated_at datetime DEFAULT NULL) {INNODB} ROW_FORMAT=DYNAMIC""",
    "booking_item_status_history": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_item_id int(11) DEFAULT NULL, old_status varchar(50) DEFAULT NULL,
  new_status varchar(50) NOT NULL, changed_by_user_id int(11) NOT NULL, changed_by_role varchar(50) NOT NULL,
  reason text DEFAULT NULL, notes text DEFAULT NULL, created_at datetime NOT NULL) {INNODB} ROW_FORMAT=DYNAMIC""",
    "notifications": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) NOT NULL, title varchar(255) NOT NULL,
  message text NOT NULL, booking_id int(11) DEFAULT NULL, is_read tinyint(1) DEFAULT 0,
  created_at datetime DEFAULT current_timestamp()) {INNODB} ROW_FORMAT=DYNAMIC""",
    "racks": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, venue_id int(11) DEFAULT NULL, code varchar(64) NOT NULL,
  name varchar(200) NOT NULL, location varchar(255) DEFAULT NULL, description text DEFAULT NULL,
  active tinyint(1) NOT NULL, created_at datetime NOT NULL, updated_at datetime NOT NULL,
  category_name varchar(255) DEFAULT NULL, category_image_url varchar(500) DEFAULT NULL,
  qr_code_url varchar(500) DEFAULT NULL, metadata {_J}) {INNODB}""",
    "booking_item_rejections": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_item_id int(11) NOT NULL, vendor_id int(11) NOT NULL,
  rejection_note text DEFAULT NULL, rejected_at datetime NOT NULL) {MYISAM}""",
    "vendor_notifications": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, vendor_user_id int(11) NOT NULL, type varchar(50) NOT NULL,
  title varchar(255) NOT NULL, message text NOT NULL, booking_id int(11) DEFAULT NULL,
  booking_item_id int(11) DEFAULT NULL, link varchar(500) DEFAULT NULL, is_read tinyint(1) NOT NULL,
  is_deleted tinyint(1) NOT NULL, priority varchar(20) NOT NULL, created_at datetime NOT NULL,
  read_at datetime DEFAULT NULL) {INNODB} ROW_FORMAT=DYNAMIC""",
}

# --- invented data ------------------------------------------------------------------------


def ab64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=").replace("+", ".")


def passlib_pbkdf2_sha256(password: str, salt: bytes, rounds: int = 29000) -> str:
    """What passlib's pbkdf2_sha256.hash() stores, built by hand (passlib is not installed)."""
    checksum = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds, 32)
    return f"$pbkdf2-sha256${rounds}${ab64(salt)}${ab64(checksum)}"


def png_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


PASSWORDS = {1: "legacy-admin-pass-1", 2: "asha-secret-22", 5: "vendor pass 5"}
T0 = datetime(2025, 3, 1, 9, 30)  # naive UTC record time


def rows() -> dict[str, list[dict[str, Any]]]:
    picture = "data:image/png;base64," + base64.b64encode(png_bytes((10, 120, 200))).decode()
    users = [
        {
            "id": 1,
            "username": "admin",
            "password_hash": passlib_pbkdf2_sha256(PASSWORDS[1], b"\x01salt-admin\xff"),
            "role": "admin",
            "created_at": T0,
            "email": "Admin@Example.test",
        },
        {
            "id": 2,
            "username": "asha@example.test",
            "password_hash": passlib_pbkdf2_sha256(PASSWORDS[2], b"\xfb\xef\xbe+/salt"),
            "role": "customer",
            "created_at": T0 + timedelta(days=1),
            "first_name": "Asha",
            "mobile": "+919800000001",
            "profile_image": picture,
            "date_of_birth": datetime(1990, 5, 17).date(),
            "last_login_time": T0 + timedelta(days=2),
        },
        # A gap in ids (3 and 4 were deleted in the legacy).
        {
            "id": 5,
            "username": "caterer@example.test",
            "password_hash": passlib_pbkdf2_sha256(PASSWORDS[5], b"vendorsalt5"),
            "role": "vendor",
            "created_at": T0 + timedelta(days=3),
        },
        {
            "id": 6,
            "username": "broker@example.test",
            "password_hash": passlib_pbkdf2_sha256("broker-6-pass", b"brokersalt"),
            "role": "broker",
            "created_at": T0 + timedelta(days=4),
        },
        {
            "id": 7,
            "username": "hr@example.test",
            "password_hash": passlib_pbkdf2_sha256("hr-7-pass", b"hrsalt"),
            "role": "hr",
            "created_at": T0 + timedelta(days=5),
        },
    ]
    booking_note = 'Birthday for Ravi ||TRANSPORT_LOCATIONS:[{"label": "Gate 2"}]'
    return {
        "users": users,
        "vendor_profiles": [
            {
                "id": 3,
                "user_id": 5,
                "company_name": "Invented Caterers",
                "created_at": T0,
                "updated_at": T0,
                "contact_phone": "+919800000005",
            },
        ],
        "broker_profiles": [
            {
                "id": 1,
                "user_id": 6,
                "company_name": "Invented Brokers",
                "brokerage_percentage": 2.5,
                "is_approved": 1,
                "created_at": T0,
                "updated_at": T0,
                "bank_name": "Invented Bank",
                "bank_account_name": "Invented Brokers",
                "bank_account_number": "000011112222",
                "bank_ifsc_code": "INVT0000001",
                "contact_email": "desk@brokers.example.test",
                "description": "Invented",
                "suspended_until": datetime(2030, 1, 1, 0, 0),
            },
        ],
        "venues": [
            {
                "id": 1,
                "name": "Invented Venue",
                "city": "Kasaragod",
                "timezone": None,
                "metadata_json": '{"floor": 1}',
                "created_at": T0,
                "updated_at": T0,
            }
        ],
        "spaces": [
            {
                "id": 1,
                "venue_id": 1,
                "name": "Hall",
                "capacity": 150,
                "price_per_hour": 2.0,
                "features": '{"hall_features": [{"id": "ac", "label": "AC", "paid": true}]}',
                "pricing_overrides": '{"hour": {"2": 3000}}',
                "active": 1,
                "created_at": T0,
                "updated_at": T0,
                "image_url": "/static/hall.png",
            },
            {
                "id": 2,
                "venue_id": 1,
                "name": "Room",
                "capacity": 12,
                "price_per_hour": 499.99,
                "active": 1,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "items": [
            {
                "id": 10,
                "vendor_id": 3,
                "name": "Veg lunch",
                "price": 349.99,
                "available": 1,
                "created_at": T0,
                "updated_at": None,
                "category": "food",
                "vendor_price": "300.00",
                "image_url": "/static/item-media/lunch.png",
            },
            {
                "id": 12,
                "name": "Transport",
                "description": "transport",
                "price": 0.0,
                "available": 1,
                "created_at": T0,
            },
        ],
        "item_media": [
            {
                "id": 4,
                "item_id": 10,
                "media_type": "image",
                "file_path": "item-media/lunch.png",
                "file_url": "/static/item-media/lunch.png",
                "is_primary": 1,
                "display_order": 0,
                "created_at": T0,
            },
        ],
        "bookings": [
            # 99999.99 as FLOAT: the text protocol would say 100000.
            {
                "id": 100,
                "booking_reference": "BK-AAAA000001",
                "user_id": 2,
                "venue_id": 1,
                "space_id": 1,
                "start_datetime": datetime(2025, 6, 20, 18, 0),
                "end_datetime": datetime(2025, 6, 20, 22, 0),
                "status": "paid",
                "total_amount": 99999.99,
                "created_at": T0,
                "updated_at": T0,
                "customer_note": booking_note,
                "event_type": "Birthday Party",
                "banner_image_url": "/static/hall.png",
            },
            {
                "id": 101,
                "booking_reference": "BK-AAAA000002",
                "user_id": 2,
                "venue_id": 1,
                "space_id": 2,
                "start_datetime": datetime(2025, 7, 1, 10, 0),
                "end_datetime": datetime(2025, 7, 1, 12, 0),
                "status": "edited",
                "total_amount": 1234.57,
                "created_at": T0,
                "updated_at": T0,
                # Brought by the broker; its brokerage (a FLOAT) settled by staff.
                "broker_id": 1,
                "brokerage_amount": 30.864,
                "broker_settled": 1,
                "broker_settled_at": datetime(2025, 7, 2, 9, 30),
                "broker_settled_by_user_id": 1,
            },
            # Inverted: ends before it starts.
            {
                "id": 103,
                "booking_reference": "BK-AAAA000003",
                "user_id": 1,
                "venue_id": 1,
                "space_id": 1,
                "start_datetime": datetime(2025, 8, 1, 23, 0),
                "end_datetime": datetime(2025, 8, 1, 21, 0),
                "status": "confirmed",
                "total_amount": 0.0,
                "created_at": T0,
                "updated_at": T0,
                "booking_type": "live-",
                "is_admin_booking": 1,
            },
        ],
        "booking_items": [
            {
                "id": 7,
                "booking_id": 100,
                "item_id": 10,
                "vendor_id": 3,
                "quantity": 3,
                "unit_price": 349.99,
                "total_price": 1049.97,
                "created_at": T0,
                "event_date": None,
                "booking_status": None,
                "is_supplyed": 1,
            },
            {
                "id": 9,
                "booking_id": 100,
                "item_id": 12,
                "quantity": 1,
                "unit_price": 0.0,
                "total_price": 0.0,
                "created_at": T0,
                "event_date": datetime(2025, 6, 20).date(),
                "booking_status": "confirmed",
            },
        ],
        "booking_events": [
            {
                "id": 1,
                "booking_id": 100,
                "actor_user_id": 2,
                "from_status": None,
                "to_status": "pending",
                "created_at": T0,
            },
            {
                "id": 2,
                "booking_id": 100,
                "actor_user_id": 1,
                "from_status": "pending",
                "to_status": "paid",
                "created_at": T0 + timedelta(hours=1),
            },
        ],
        "booking_guests": [
            {
                "id": 1,
                "booking_id": 100,
                "name": "Guest One",
                "mobile": "9800000009",
                "pickup_location": "Gate 2",
                "needs_transportation": 1,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "admin_settings": [
            {"id": 1, "setting_key": "refund_percentage", "value": "40.0", "updated_at": T0},
            {"id": 2, "setting_key": "advance_payment_enabled", "value": "1", "updated_at": None},
        ],
        "payments": [
            {
                "id": 1,
                "booking_id": 100,
                "amount": 50000.01,
                "currency": "INR",
                "provider": "razorpay",
                "provider_payment_id": "pay_INVENTED1",
                "order_id": "order_INVENTED1",
                "status": "success",
                "paid_at": T0,
                "created_at": T0,
                "gateway_response": '{"id": "pay_INVENTED1"}',
            },
            {
                "id": 2,
                "booking_id": 100,
                "amount": 49999.98,
                "currency": "inr",
                "provider": "razorpay",
                "provider_payment_id": None,
                "order_id": None,
                "status": "completed",
                "created_at": T0,
                "details": "cash at desk",
            },
            # Staff paying the broker of booking 101, once alone and once in bulk: no
            # customer paid these.
            {
                "id": 3,
                "booking_id": 101,
                "amount": 30.86,
                "currency": "INR",
                "provider": "razorpay",
                "provider_payment_id": "pay_INVENTEDB1",
                "order_id": "order_INVENTEDB1",
                "status": "success",
                "paid_at": T0,
                "created_at": T0,
                "details": '{"payment_type": "broker_payment", "broker_id": 1}',
            },
            {
                "id": 4,
                "booking_id": None,
                "amount": 30.86,
                "currency": "INR",
                "provider": "razorpay",
                "provider_payment_id": "pay_INVENTEDB2",
                "order_id": "order_INVENTEDB2",
                "status": "success",
                "paid_at": T0,
                "created_at": T0,
                "details": '{"payment_type": "broker_bulk_payment", "broker_id": 1, '
                '"booking_ids": [101], "booking_count": 1}',
            },
        ],
        "refunds": [
            {
                "id": 1,
                "booking_id": 101,
                "amount": 493.83,
                "status": "pending",
                "refund_type": None,
                "created_at": T0,
                "created_by_user_id": 2,
            },
        ],
        "programs": [
            {
                "id": 1,
                "title": "Morning Yoga",
                "price": 199.99,
                "status": "approved",
                "program_type": "yoga",
                "created_at": T0,
                "updated_at": T0,
                "start_time": "06:30:00",
                "end_time": "07:30:00",
            },
        ],
        "program_participants": [
            {
                "id": 1,
                "user_id": 2,
                "name": "Asha",
                "mobile": "+919800000001",
                "program_type": "live",
                "joined_at": T0,
                "start_date": datetime(2025, 8, 1, 19, 0),
                "amount_paid": 299.99,
                "ticket_quantity": 2,
                "booking_id": 103,
            },
        ],
        "gallery_images": [
            {
                "id": 3,
                "filename": "gallery_20250101_101010.png",
                "filepath": "gallery/gallery_20250101_101010.png",
                "title": "Stage",
                "created_at": T0,
                "media_type": "image",
            },
        ],
        "content_pages": [
            {
                "id": 1,
                "page_name": "about",
                "title": "About",
                "content": "<p>Invented</p>",
                "is_published": 1,
                "created_at": T0.replace(tzinfo=UTC),
                "updated_at": T0.replace(tzinfo=UTC),
            },
        ],
        "page_content": [
            {
                "id": 1,
                "slug": "home-banner",
                "title": "Home",
                "body_html": "<b>hi</b>",
                "updated_at": T0,
            },
        ],
        "offers": [
            {
                "id": 4,
                "offer_type": "festival",
                "title": "Invented Onam offer",
                "discount_type": "percentage",
                "discount_value": 10.0,
                "max_discount_amount": 1234.57,
                "festival_name": "Onam",
                "start_date": T0.date(),
                "end_date": (T0 + timedelta(days=10)).date(),
                "priority": 50,
                "created_by_user_id": 1,
                "created_at": T0,
                "updated_at": T0,
            },
            {
                "id": 5,
                "offer_type": "first_x_users",
                "title": "Invented first ten",
                "discount_type": "flat",
                "discount_value": 99999.99,
                "number_of_users": 10,
                "claimed_count": 10,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "coupons": [
            {
                "id": 7,
                "code": " welcome10 ",
                "title": "Invented welcome",
                "discount_type": "flat",
                "discount_value": 500.0,
                "min_purchase_amount": 1000.0,
                "max_usage_per_user": 0,
                "max_usage_total": 100,
                "current_usage_count": 2,
                "valid_from": T0,
                "valid_until": T0 + timedelta(days=30),
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "offer_usage": [
            {
                "id": 1,
                "offer_id": 4,
                "user_id": 2,
                "booking_id": 100,
                "discount_amount": 1234.57,
                "original_amount": 99999.99,
                "final_amount": 98765.42,
                "used_at": T0,
            },
        ],
        "coupon_usage": [
            {
                "id": 3,
                "coupon_id": 7,
                "user_id": 2,
                "booking_id": 101,
                "discount_amount": 500.0,
                "original_amount": 1500.0,
                "final_amount": 1000.0,
                "used_at": T0,
            },
        ],
        "offer_notifications": [
            {
                "id": 9,
                "offer_id": 4,
                "user_id": 2,
                "sms_sent": 1,
                "notified_at": T0,
                "notified_by_user_id": 1,
            },
        ],
        "contests": [
            {
                "id": 2,
                "title": "Invented birthday contest",
                "slug": "birthday-2025",
                "hero_image_url": "/static/hall.png",
                "start_date": T0.date(),
                "end_date": (T0 + timedelta(days=60)).date(),
                "applicable_event_types": '["birthday"]',
                "prizes": '[{"rank": 1, "title": "Free hall hour"}]',
                "per_user_limit": 2,
                "is_published": 1,
                "created_by_user_id": 1,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "contest_entries": [
            {
                "id": 11,
                "contest_id": 2,
                "participant_name": "Invented Ravi",
                "email": "ravi@example.test",
                "event_type": "birthday",
                "event_date": (T0 + timedelta(days=20)).date(),
                "booking_id": 100,
                "status": "winner",
                "reference_id": "CNT-INVENTED-11",
                "ip_address": "203.0.113.9",
                "created_at": T0,
                "updated_at": T0,
                "approved_at": T0 + timedelta(hours=1),
                "marked_winner_at": T0 + timedelta(hours=2),
            },
        ],
        "contest_entry_files": [
            {
                "id": 21,
                "entry_id": 11,
                "file_url": "/static/contest-proofs/proof_11.pdf",
                "file_name": "proof.pdf",
                "file_type": "application/pdf",
                "file_size": 48,
                "created_at": T0,
            },
        ],
        "contest_notifications": [
            {
                "id": 31,
                "entry_id": 11,
                "channel": "whatsapp",
                "recipient_phone": "+919800000002",
                "message_body": "You won (invented)",
                "provider_response": '{"id": "msg-invented"}',
                "status": "sent",
                "sent_by_user_id": 1,
                "sent_at": T0 + timedelta(hours=3),
                "created_at": T0 + timedelta(hours=3),
            },
        ],
        "user_event_dates": [
            {
                "id": 41,
                "email": "ravi@example.test",
                "person_name": "Invented Meera",
                "event_type": "anniversary",
                "event_date": (T0 + timedelta(days=100)).date(),
                "notify_on_offers": 0,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "offices": [
            {
                "id": 1,
                "name": "Invented office",
                "qr_id": "OFFICE_INVENTED1",
                "latitude": 12.4996,
                "longitude": 74.9869,
                "allowed_radius": 150.0,
                "created_at": T0,
                "updated_at": T0,
                "created_by_user_id": 1,
            },
        ],
        "staff": [
            {
                "id": 3,
                "employee_code": "EMP-INV-3",
                "user_id": 7,
                "first_name": "Invented",
                "last_name": "Clerk",
                "name": "Invented Clerk",
                "email": "Clerk@Example.test",
                "phone": "+919800000003",
                "aadhar_number": "999988887777",
                "pan_number": "abcde1234f",
                "role": "Front desk",
                "department": "Operations",
                "salary_type": "monthly",
                "fixed_salary": 23456.78,
                "joining_date": T0.date(),
                "allowances": '{"travel": 1000}',
                "deductions": '{"pf": 500}',
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "staff_documents": [
            {
                "id": 5,
                "staff_id": 3,
                "document_type": "id",
                "file_name": "aadhar.pdf",
                "file_path": "staff-documents/aadhar_3.pdf",
                "file_url": "/static/staff-documents/aadhar_3.pdf",
                "file_size": 48,
                "mime_type": "application/pdf",
                "uploaded_at": T0,
                "uploaded_by_user_id": 1,
            },
        ],
        "attendance": [
            {
                "id": 8,
                "staff_id": 3,
                "attendance_date": T0.date(),
                "check_in_time": T0,
                "check_out_time": T0 + timedelta(hours=9, minutes=15),
                "total_hours": 9.25,
                "overtime_hours": 1.25,
                "check_in_latitude": 12.4996,
                "check_in_longitude": 74.9869,
                "check_in_ip_address": "203.0.113.7",
                "status": "present",
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "attendance_otps": [
            {"id": 1, "staff_id": 3, "otp": "123456", "expires_at": T0 + timedelta(minutes=5)},
        ],
        "leaves": [
            {
                "id": 4,
                "staff_id": 3,
                "leave_type": "sick",
                "start_date": (T0 + timedelta(days=3)).date(),
                "end_date": (T0 + timedelta(days=4)).date(),
                "total_days": 1.5,
                "status": "approved",
                "approved_by_user_id": 1,
                "approved_at": T0,
                "applied_at": T0,
                "updated_at": T0,
            },
        ],
        "payroll": [
            {
                "id": 6,
                "staff_id": 3,
                "month": 2,
                "year": 2025,
                "period_start": (T0 - timedelta(days=28)).date(),
                "period_end": (T0 - timedelta(days=1)).date(),
                "total_working_days": 24,
                "present_days": 22.5,
                "leave_days": 1.5,
                "basic_salary": 23456.78,
                "calculated_salary": 21990.73,
                "total_allowances": 1000.0,
                "total_deductions": 500.0,
                "net_salary": 22490.73,
                "allowances_breakdown": '{"travel": 1000}',
                "status": "processed",
                "is_locked": 1,
                "salary_slip_url": "/static/slips/6.pdf",
                "processed_by_user_id": 1,
                "processed_at": T0,
                "locked_at": T0,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "vehicles": [
            {
                "id": 2,
                "vehicle_name": "Invented minibus",
                "vendor_id": 3,
                "vehicle_capacity": 12,
                "base_fare": Decimal("500.00"),
                "per_km_rate": Decimal("18.50"),
                "minimum_km": 5,
                "vehicle_image": "/static/vehicles/minibus.png",
                "peak_hour_multiplier": None,
                "is_active": 1,
                "created_at": T0,
                "updated_at": None,
            },
        ],
        "vehicle_bookings": [
            {
                "id": 6,
                "booking_id": 100,
                "vehicle_id": 2,
                "number_of_guests": 10,
                "guest_contact_number": "+919800000002",
                "pickup_location": "Invented pickup, Kasaragod",
                "estimated_distance_km": Decimal("12.40"),
                "base_fare": Decimal("500.00"),
                "per_km_rate": Decimal("18.50"),
                "calculated_cost": Decimal("729.40"),
                "total_amount": Decimal("729.40"),
                "booking_status": None,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
        "booking_item_status_history": [
            {
                "id": 31,
                "booking_item_id": 7,
                "old_status": "pending",
                "new_status": "confirmed",
                "changed_by_user_id": 5,
                "changed_by_role": "vendor",
                "reason": "Vendor accepted",
                "created_at": T0,
            },
        ],
        "notifications": [
            {
                "id": 41,
                "user_id": 2,
                "title": "Booking approved",
                "message": "Your booking is approved (invented)",
                "booking_id": 100,
                "is_read": 1,
                "created_at": T0,
            },
        ],
        "racks": [
            {
                "id": 1,
                "code": "GIFT",
                "name": "Gift rack",
                "active": 1,
                "created_at": T0,
                "updated_at": T0,
            }
        ],
    }


PDF_PROOF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILES = {
    "contest-proofs/proof_11.pdf": PDF_PROOF,
    "staff-documents/aadhar_3.pdf": PDF_PROOF,
    "vehicles/minibus.png": png_bytes((11, 12, 13)),
    "hall.png": png_bytes((1, 2, 3)),
    "item-media/lunch.png": png_bytes((4, 5, 6)),
    "gallery/gallery_20250101_101010.png": png_bytes((7, 8, 9), (16, 9)),
}


def connect(database: str | None = None) -> Any:
    return MySQLdb.connect(**HOST, database=database or "", charset="utf8mb4")


def _drop_source(cur: Any) -> None:
    """Drop the invented source database. Connections to it still open (a stream the import
    left behind on a failure) are closed first: a DROP waiting on their metadata locks would
    stall every other database's setup on the server, not just this test. A short lock wait
    makes any other holder a quick failure instead of a 300 s stall."""
    cur.execute("SET SESSION lock_wait_timeout = 20")
    cur.execute(
        "SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID()",
        [SOURCE_DB],
    )
    for (connection_id,) in cur.fetchall():
        with contextlib.suppress(MySQLdb.Error):  # it may have ended on its own meanwhile
            cur.execute(f"KILL {int(connection_id)}")
    cur.execute(f"DROP DATABASE IF EXISTS {SOURCE_DB}")


def build(
    data: dict[str, list[dict[str, Any]]] | None = None,
    auto_increment: dict[str, int] | None = None,
) -> None:
    """(Re)create the legacy database with the schema and rows given (default: rows())."""
    data = rows() if data is None else data
    conn = connect()
    cur = conn.cursor()
    _drop_source(cur)
    cur.execute(f"CREATE DATABASE {SOURCE_DB} CHARACTER SET utf8mb4")
    cur.execute(f"USE {SOURCE_DB}")
    cur.execute("SET time_zone = '+00:00'")
    for table, ddl in SCHEMA.items():
        cur.execute(f"CREATE TABLE `{table}` {ddl}")
        for row in data.get(table, []):
            values = {
                k: (v.replace(tzinfo=None) if isinstance(v, datetime) else v)
                for k, v in row.items()
            }
            columns = ", ".join(f"`{c}`" for c in values)
            cur.execute(
                f"INSERT INTO `{table}` ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
                list(values.values()),
            )
    for table, value in (auto_increment or {}).items():
        cur.execute(f"ALTER TABLE `{table}` AUTO_INCREMENT = {int(value)}")
    conn.commit()
    conn.close()


def drop() -> None:
    conn = connect()
    _drop_source(conn.cursor())
    conn.close()


def execute(sql: str, params: list[Any] | None = None) -> None:
    conn = connect(SOURCE_DB)
    conn.cursor().execute(sql, params or [])
    conn.commit()
    conn.close()
