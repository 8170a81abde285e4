from django.db import migrations


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name="helmdesk-sla-escalation",
        defaults={"func": "helpdesk.tasks.sla_escalate", "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="helmdesk-sla-escalation").delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0002_sla_csat_integrations_portal"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
