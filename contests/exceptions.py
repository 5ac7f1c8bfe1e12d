"""Contest errors: kinds from lebrq.errors, never an HTTP status."""

from lebrq.errors import Conflict, InvalidInput, NotFound


class ContestNotFound(NotFound):
    default_message = "Contest not found"
    default_code = "contest_not_found"


class EntryNotFound(NotFound):
    default_message = "Entry not found"
    default_code = "entry_not_found"


class ContestNotActive(Conflict):
    default_message = "Contest is not currently active"
    default_code = "contest_not_active"


class ContestInvalid(InvalidInput):
    default_code = "contest_invalid"


class ContestConflict(Conflict):
    default_code = "contest_conflict"
