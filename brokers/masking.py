"""How a broker's bank account number is shown where it need not be read in full: lists,
logs, the admin's list (brokers/README.md, Bank details)."""

VISIBLE_DIGITS = 4
MASK = "*"


def masked_account_number(number: str) -> str:
    """ "123456789012" -> "********9012": enough to tell accounts apart, not to pay into one.
    Four characters or fewer are masked whole."""
    if not number:
        return ""
    visible = number[-VISIBLE_DIGITS:] if len(number) > VISIBLE_DIGITS else ""
    return MASK * (len(number) - len(visible)) + visible
