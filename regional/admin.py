"""Operators' view of the regional app: networks and their chapters are set up here, and a chapter's first
organiser is appointed here (after that, organisers manage their chapter on the site). Campaign totals and
contributions are read-only: they change only through contribution_record."""

from django.contrib import admin

from .models import Campaign, Challenge, Chapter, ChapterMembership, Contribution, Network, NetworkMember


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 1
    fields = ["name", "region"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [ChapterInline]


class ChapterMembershipInline(admin.TabularInline):
    model = ChapterMembership
    extra = 0
    fields = ["member", "role", "status"]
    autocomplete_fields = ["member"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "region"]
    list_filter = ["network"]
    search_fields = ["name", "region"]
    inlines = [ChapterMembershipInline]


@admin.register(NetworkMember)
class NetworkMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "sector", "organisation"]
    list_filter = ["network", "sector"]
    search_fields = ["name", "organisation", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["theme", "government", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["theme", "region"]
    readonly_fields = ["government", "created_by", "status"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "challenge", "goal_amount", "total_amount"]
    readonly_fields = ["challenge", "total_amount"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "partner", "source", "amount", "recorded_by", "created_at"]
    list_filter = ["source"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
