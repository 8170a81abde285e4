from django.db import migrations

from core.schedules import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_rules_messages_incidents"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        schedule_operation("helmdesk-outreach-send-due", func="outreach.tasks.send_due", schedule_type="I", minutes=1),
        schedule_operation("helmdesk-outreach-sla-scan", func="outreach.tasks.sla_scan", schedule_type="I", minutes=5),
    ]
