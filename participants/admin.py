from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Branch,
    Company,
    MailDelivery,
    Membership,
    Organization,
    Reminder,
    SeniorProfile,
    StaffInvitation,
    User,
)
from .signals import company_branches_changed


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization", "branch"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name", "name_kana"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("個人情報"), {"fields": ("name", "name_kana")}),
        (_("権限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "institution_type", "prefecture"]
    list_filter = ["kind", "institution_type"]
    search_fields = ["name", "name_kana"]
    inlines = [BranchInline]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "code", "prefecture"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "organization"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_user", "invited_by"]


@admin.register(SeniorProfile)
class SeniorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "birth_year", "prefecture"]
    search_fields = ["user__email", "user__name", "user__name_kana"]
    list_select_related = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "branch", "prefecture"]
    list_filter = ["institution"]
    search_fields = ["name", "name_kana"]
    list_select_related = ["institution", "branch"]

    def save_model(self, request: Any, obj: Company, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # As participants.services.companies does: what copies a company's branch copies it again.
        company_branches_changed.send(sender=Company, company_ids=[obj.pk])


@admin.register(MailDelivery)
class MailDeliveryAdmin(admin.ModelAdmin):
    """Read-only: operators look here for mail that keeps failing, and for duplicates (the send ledger)."""

    list_display = ["kind", "target", "version", "recipient", "status", "sent_at", "attempts", "duplicates"]
    list_filter = ["kind", "status"]
    search_fields = ["target", "recipient__email"]
    readonly_fields = [f.name for f in MailDelivery._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: operators look here for reminders that keep failing (attempts, last error)."""

    list_display = ["kind", "object_key", "due_date", "recipient", "sent_at", "attempts", "duplicates"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["object_key", "recipient__email"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
