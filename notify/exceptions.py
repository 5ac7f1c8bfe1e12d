"""Domain errors of the messaging services."""

from lebrq.errors import InvalidInput


class WhatsAppNotConfigured(InvalidInput):
    """No WhatsApp provider is set up (the legacy's answer, with its message and status)."""

    default_message = "Route Mobile is not configured on server"
    default_code = "whatsapp_not_configured"
