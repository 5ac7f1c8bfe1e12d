from django.apps import AppConfig


class RacksConfig(AppConfig):
    name = "racks"
    verbose_name = "Racks: the venue's QR-coded shelves, their products and orders"

    def ready(self) -> None:
        # payments sits below racks: it calls this back when a rack order's payment is
        # captured (once, under the payment's row lock), whoever reports it first.
        from payments.choices import PaymentPurpose
        from payments.hooks import register_capture_handler
        from racks.services import order_payment_captured

        register_capture_handler(PaymentPurpose.RACK_ORDER, order_payment_captured)
