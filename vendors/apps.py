from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendors: portal, booking-item fulfilment, settlements"

    def ready(self) -> None:
        from payments.choices import PaymentPurpose
        from payments.hooks import register_capture_handler
        from vendors.services import settlement_captured

        # A payout's lines are settled once, in the capture's transaction (vendors/README.md).
        register_capture_handler(PaymentPurpose.VENDOR_SETTLEMENT, settlement_captured)
