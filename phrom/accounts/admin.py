from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from phrom.accounts.models import Invitation, InvitationStatus, Profile
from phrom.accounts.services import invitation_revoke


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    raw_id_fields = ("agency",)
    fields = ("role", "agency", "dimensions", "text_size")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PhromUserAdmin(UserAdmin):
    inlines = (ProfileInline,)
    # Kept by Phrom (signing in, joining), and shown in the Buddhist Era like every date:
    # not typed here (Django's date fields would take Common Era years).
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active", "last_login")
    list_filter = ("profile__role", "is_active", "is_staff")
    list_select_related = ("profile__agency",)
    search_fields = ("username", "email", "first_name", "last_name", "profile__agency__code")

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, obj):  # type: ignore[no-untyped-def]
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description=_("agency"), ordering="profile__agency__code")
    def agency(self, obj):  # type: ignore[no-untyped-def]
        profile = getattr(obj, "profile", None)
        return profile.agency.code if profile and profile.agency else "—"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "role", "agency", "status", "invited_by", "created_at", "expires_at")
    list_filter = ("role",)
    list_select_related = ("agency", "invited_by")
    search_fields = ("email", "agency__code")
    readonly_fields = (
        "email", "role", "agency", "dimensions", "token_hash", "invited_by", "created_at",
        "expires_at", "accepted_at", "accepted_by", "revoked_at", "revoked_by",
    )
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The token exists only when created through the invitation page.
        return False

    @admin.display(description=_("status"))
    def status(self, obj: Invitation) -> str:
        return str(InvitationStatus(obj.status).label)

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        done = 0
        for invitation in queryset:
            try:
                invitation_revoke(invitation=invitation, by=request.user)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied):
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation withdrawn.", "%(count)d invitations withdrawn.", done)
            % {"count": done},
            messages.SUCCESS,
        )
