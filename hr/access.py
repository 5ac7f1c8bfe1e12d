"""Who is HR staff: the legacy let users with role admin or hr in (routers/staff.py
admin_or_hr_required). Here: superusers (the legacy's admins are imported as superusers) and
staff holding the hr.access_hr permission (give it through a group in the admin). Other
staff get 403, like the legacy's other roles.
"""

from typing import Any

HR_PERMISSION = "hr.access_hr"


def is_hr_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(HR_PERMISSION)
    )


def masked(value: str, *, keep: int = 4) -> str:
    """`value` with all but its last `keep` characters hidden ("******3210"); "" stays ""."""
    if not value:
        return value
    shown = value[-keep:] if len(value) > keep else ""
    return "*" * (len(value) - len(shown)) + shown
