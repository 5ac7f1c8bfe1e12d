"""URL converters shared by every app (registered in lebrq/urls.py)."""

# A row id: 1 to 18 digits, so it always fits the database's signed 64-bit key. Django's
# <int:> takes any number of digits, and PostgreSQL or SQLite then fail on the lookup (500)
# instead of answering 404.
ROW_ID_REGEX = "[0-9]{1,18}"


class RowIdConverter:
    regex = ROW_ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
