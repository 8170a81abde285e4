"""The report roll-up maintains whole past days only: today is read from the tickets, and its row is
built once the day is over (report_rollup.rollup_catch_up). `complete_before` is the first day the
marks do not maintain; NULL until the first backfill."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name="helmdesk-report-rollup-catch-up",
        defaults={"func": "helpdesk.tasks.report_rollup_catch_up", "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="helmdesk-report-rollup-catch-up").delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0012_unsolved_partial_indexes"), ("django_q", "0018_task_success_index")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE helpdesk_report_rollup_state ADD COLUMN complete_before date",
            "ALTER TABLE helpdesk_report_rollup_state DROP COLUMN complete_before",
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
