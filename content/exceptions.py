"""Why a content request was refused (lebrq.errors kinds: the API answers 400 or 404)."""

from lebrq.errors import InvalidInput, NotFound


class ContentPageNotFound(NotFound):
    """No such page, or (for the public) one that is not published."""

    default_message = "Content page not found"
    default_code = "content_page_not_found"


class ContentInvalid(InvalidInput):
    """A page that breaks a rule of its fields (too long, blank title, bad name...)."""

    default_message = "The page is not valid."
    default_code = "content_invalid"


class ContentPageExists(InvalidInput):
    """POST for a page_name that is taken (the legacy answered 400 too)."""

    default_message = "Page with this name already exists"
    default_code = "content_page_exists"
