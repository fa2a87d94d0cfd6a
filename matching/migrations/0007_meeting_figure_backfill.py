"""Fills the statistics' stored summary (MeetingFigure) for the meetings published before it existed, as
matching.services.figures.meeting_figure_rows does (historical models: the service's managers are not
available here). Reversing leaves the table to be dropped by 0006."""

from django.db import migrations

BATCH_EVENTS = 200


def backfill(apps, schema_editor):
    EventCompany = apps.get_model("events", "EventCompany")
    TimetableMeeting = apps.get_model("matching", "TimetableMeeting")
    MeetingFigure = apps.get_model("matching", "MeetingFigure")
    event_ids = sorted(
        set(TimetableMeeting.objects.filter(timetable__status="published").values_list("timetable__event_id", flat=True))
    )
    for start in range(0, len(event_ids), BATCH_EVENTS):
        batch = event_ids[start : start + BATCH_EVENTS]
        categories = {}
        for enrolment_id, category in (
            EventCompany.objects.filter(event_id__in=batch)
            .values_list("pk", "hearing__issues__category")
            .order_by("pk", "hearing__issues__category")
        ):
            found = categories.setdefault(enrolment_id, [])
            if category not in found:
                found.append(category)
        rows = []
        for meeting_id, event_id, enrolment_id, institution_id, company_id, branch_id, senior_id in (
            TimetableMeeting.objects.filter(timetable__event_id__in=batch, timetable__status="published")
            .values_list(
                "pk",
                "timetable__event_id",
                "enrolment_id",
                "enrolment__institution_id",
                "enrolment__company_id",
                "enrolment__company__branch_id",
                "senior_id",
            )
            .order_by("pk")
        ):
            for position, category in enumerate(categories.get(enrolment_id) or [None]):
                rows.append(
                    MeetingFigure(
                        meeting_id=meeting_id,
                        event_id=event_id,
                        institution_id=institution_id,
                        company_id=company_id,
                        branch_id=branch_id,
                        senior_id=senior_id,
                        category=category,
                        first=position == 0,
                    )
                )
        MeetingFigure.objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_meeting_figure")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
