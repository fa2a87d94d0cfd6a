"""Operators' view of events. Statuses are read-only here: they change only through the services."""

from django.contrib import admin

from .models import ChecklistItem, Event, EventHost


class EventHostInline(admin.TabularInline):
    model = EventHost
    extra = 0
    autocomplete_fields = ["institution"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["kind", "title", "due_date", "owner", "done_at"]
    readonly_fields = ["done_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "coordinator", "status"]
    list_filter = ["status"]
    search_fields = ["title", "venue"]
    date_hierarchy = "date"
    readonly_fields = ["status", "status_changed_at", "issue_list_published_at", "created_by"]
    inlines = [EventHostInline, ChecklistItemInline]
