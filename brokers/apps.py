from django.apps import AppConfig


class BrokersConfig(AppConfig):
    name = "brokers"
    verbose_name = "Brokers: profiles, approval, brokerage, settlements"

    def ready(self) -> None:
        from brokers.services import payout_captured
        from payments.choices import PaymentPurpose
        from payments.hooks import register_capture_handler

        register_capture_handler(PaymentPurpose.BROKER_SETTLEMENT, payout_captured)
