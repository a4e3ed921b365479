"""Template context shared by every page."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

TEXT_SIZES = ("xs", "xsm", "sm", "md", "lg")
DEFAULT_TEXT_SIZE = "md"


def current_text_size(request: HttpRequest) -> str:
    """The size a logged-in person chose (kept on their profile) wins over the cookie,
    so it follows them to every browser; visitors keep theirs in the cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            size = user.profile.text_size
        except ObjectDoesNotExist:
            size = None
        if size in TEXT_SIZES:
            return size
    size = request.COOKIES.get("phrom_text_size", DEFAULT_TEXT_SIZE)
    return size if size in TEXT_SIZES else DEFAULT_TEXT_SIZE


def text_size(request: HttpRequest) -> dict[str, object]:
    return {"text_sizes": TEXT_SIZES, "text_size": current_text_size(request)}


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which links of the main navigation the signed-in person has, asked of the gates
    (the template compares no roles)."""
    from phrom.accounts import gates

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    profile = gates.profile_of(user)
    return {"nav": {
        "response": profile is not None and profile.is_agency_member,
        # coordinators invite and see their own agency's people (administrators go by
        # "Invite"); asked without loading the agency, on every page
        "colleagues": bool(gates.invitable_roles(profile))
        and not gates.manages_every_agency(profile),
        "reviews": gates.may_use_review_queue(profile),
        "dashboard": gates.may_see_dashboard(profile),
        "cycles": gates.may_manage_cycles(profile),
        "exports": gates.may_export_cycle_data(profile),
        "invite": gates.manages_every_agency(profile),
    }}
