"""Shapes of the staff invoice screen (app/admin/invoices.tsx): the legacy's fields, read by
its list, its edit form and its preview (backend/app/utils/invoice_helper.py at 8bf6f23)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rest_framework import serializers

from bookings.choices import BookingStatus
from bookings.invoice_edits import InvoiceView, listed_invoice_kind
from bookings.invoices import EditedLine, InvoiceOverrides, default_invoice_number
from bookings.models import Booking, InvoiceEdit
from bookings.models.invoices import MAX_EDIT_ITEMS, MAX_GST_RATE
from lebrq.api.fields import DateBoundField, NaiveUtcDateTimeField, VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer

# The legacy wrote invoice dates as "January 05, 2026" (the screen's Month reads it with
# `new Date()`); staff may type a date in any of these forms.
LEGACY_DATE_FORMAT = "%B %d, %Y"
DATE_INPUT_FORMATS = (
    LEGACY_DATE_FORMAT,
    "%b %d, %Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
MAX_LINE_PRICE = Decimal("9999999999.99")


# --- In ---------------------------------------------------------------------------------------


class InvoiceItemInSerializer(serializers.Serializer[dict[str, Any]]):
    """A line as the edit form sends it back. Its id, item_id and total_price are what /data
    sent and are ignored: the total is quantity x unit price, computed here. A negative price
    is a discount line (the booking's own discount lines are)."""

    name = serializers.CharField(max_length=255)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=-MAX_LINE_PRICE, max_value=MAX_LINE_PRICE
    )


class InvoiceEditSerializer(serializers.Serializer[dict[str, Any]]):
    """The body of save, preview and download: every field optional; blank or null keeps the
    computed value, an empty item list keeps the booking's own lines."""

    items = serializers.ListField(
        child=InvoiceItemInSerializer(), required=False, max_length=MAX_EDIT_ITEMS
    )
    customer_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    invoice_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, allow_null=True
    )
    invoice_date = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True
    )
    gst_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_GST_RATE,
        required=False,
        allow_null=True,
    )
    brokerage_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    notes = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, allow_null=True
    )

    def validate_invoice_date(self, value: str | None) -> date | None:
        if not value:
            return None
        for form in DATE_INPUT_FORMATS:
            try:
                # A calendar date, no time: no zone to attach.
                return datetime.strptime(value, form).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise serializers.ValidationError('A date such as "January 05, 2026" or 2026-01-05.')

    def overrides(self) -> InvoiceOverrides:
        data = self.validated_data
        return InvoiceOverrides(
            invoice_number=data.get("invoice_number") or "",
            invoice_date=data.get("invoice_date"),
            customer_name=data.get("customer_name") or "",
            gst_rate=data.get("gst_rate"),
            brokerage_amount=data.get("brokerage_amount"),
            notes=data.get("notes") or "",
            lines=tuple(
                EditedLine(
                    name=item["name"], quantity=item["quantity"], unit_price=item["unit_price"]
                )
                for item in data.get("items") or ()
            ),
        )


class InvoiceListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=BookingStatus.choices, required=False, allow_blank=True
    )
    # Bounds beyond what the database stores mean "no bound" (they overflowed into a 500).
    from_date = DateBoundField(required=False, allow_null=True)
    to_date = DateBoundField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # ?from_date= (empty) means no bound, as in the legacy.
        given = {key: value for key, value in data.items() if value}
        validated: dict[str, Any] = super().to_internal_value(given)
        return validated


# --- Out --------------------------------------------------------------------------------------


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2)


class StaffInvoiceRowSerializer(LegacyModelSerializer[Booking]):
    """A row of GET /admin/invoices. total_amount is the booking's, as in the legacy."""

    booking_id = serializers.IntegerField(source="pk")
    invoice_number = serializers.SerializerMethodField()
    customer_name = serializers.SerializerMethodField()
    customer_email = serializers.SerializerMethodField()
    invoice_type = serializers.SerializerMethodField()
    start_datetime = VenueLocalDateTimeField()

    class Meta:
        model = Booking
        fields = [
            "booking_id",
            "booking_reference",
            "invoice_number",
            "customer_name",
            "customer_email",
            "status",
            "invoice_type",
            "total_amount",
            "start_datetime",
            "created_at",
        ]

    @staticmethod
    def _edit(booking: Booking) -> InvoiceEdit | None:
        try:
            return booking.invoice_edit
        except InvoiceEdit.DoesNotExist:
            return None

    def get_invoice_number(self, booking: Booking) -> str:
        edit = self._edit(booking)
        return (edit.invoice_number if edit else "") or default_invoice_number(booking.pk)

    def get_customer_name(self, booking: Booking) -> str:
        edit = self._edit(booking)
        return (edit.customer_name if edit else "") or booking.user.display_name

    def get_customer_email(self, booking: Booking) -> str:
        return booking.user.email or booking.user.username

    def get_invoice_type(self, booking: Booking) -> str:
        return listed_invoice_kind(booking)


class StaffInvoiceListSerializer(serializers.Serializer[dict[str, Any]]):
    invoices = StaffInvoiceRowSerializer(many=True)
    count = serializers.IntegerField()


class InvoiceItemOutSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField(allow_null=True)
    item_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = _money()
    total_price = _money()


class InvoiceCustomerSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class InvoiceBookingSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.CharField()
    space = serializers.CharField()
    event_type = serializers.CharField()
    status = serializers.CharField()
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()


class InvoiceDataSerializer(serializers.Serializer[InvoiceView]):
    """GET /admin/invoices/{id}/data and POST .../preview: the invoice as the edit form and the
    preview show it. The figures are the PDF's: items exclude the brokerage (the screen adds
    its row), subtotal includes it, gst_amount is CGST + SGST."""

    booking_id = serializers.IntegerField()
    booking_reference = serializers.CharField()
    invoice_number = serializers.CharField()
    invoice_date = serializers.CharField()
    booking_date = serializers.CharField()
    is_tax_invoice = serializers.BooleanField()
    is_proforma_invoice = serializers.BooleanField()
    invoice_title = serializers.CharField()
    customer = InvoiceCustomerSerializer()
    booking = InvoiceBookingSerializer()
    items = InvoiceItemOutSerializer(many=True)
    subtotal = _money()
    brokerage_amount = _money()
    gst_rate = _money()
    gst_amount = _money()
    total_amount = _money()
    paid_amount = _money()
    balance_due = _money()
    notes = serializers.CharField(allow_blank=True)

    def to_representation(self, instance: InvoiceView) -> dict[str, Any]:
        booking, invoice = instance.booking, instance.invoice
        user = booking.user
        flat = {
            "booking_id": booking.pk,
            "booking_reference": booking.booking_reference,
            "invoice_number": invoice.number,
            "invoice_date": invoice.issued_on.strftime(LEGACY_DATE_FORMAT),
            "booking_date": invoice.starts_at.strftime(LEGACY_DATE_FORMAT),
            "is_tax_invoice": invoice.is_tax_invoice,
            "is_proforma_invoice": invoice.is_proforma_invoice,
            "invoice_title": invoice.title.upper(),
            "customer": {
                "name": invoice.customer_name,
                "email": user.email or user.username,
                "phone": user.mobile or "N/A",
            },
            "booking": {
                "venue": invoice.venue_name,
                "space": invoice.space_name,
                "event_type": booking.event_type or "N/A",
                "status": booking.status.upper(),
                "start_datetime": booking.start_datetime,
                "end_datetime": booking.end_datetime,
            },
            "items": [
                {
                    "id": line.booking_item_id,
                    "item_id": line.item_id,
                    "name": line.description,
                    "quantity": int(line.quantity),
                    "unit_price": line.unit_price,
                    "total_price": line.amount,
                }
                for line in invoice.lines
            ],
            "subtotal": invoice.subtotal,
            "brokerage_amount": invoice.brokerage,
            "gst_rate": invoice.gst_rate,
            "gst_amount": invoice.gst_total,
            "total_amount": invoice.grand_total,
            "paid_amount": invoice.paid,
            "balance_due": invoice.balance_due,
            "notes": invoice.notes,
        }
        return super().to_representation(flat)  # type: ignore[arg-type]


class InvoiceSavedSerializer(serializers.Serializer[InvoiceEdit]):
    message = serializers.SerializerMethodField()
    booking_id = serializers.IntegerField()
    saved_at = NaiveUtcDateTimeField(source="updated_at")

    def get_message(self, edit: InvoiceEdit) -> str:
        return "Invoice edit saved successfully"
