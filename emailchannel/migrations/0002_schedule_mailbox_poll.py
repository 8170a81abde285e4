from django.db import migrations

from core.schedules import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("emailchannel", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_operation(
            "helmdesk-email-poll", func="emailchannel.tasks.mailboxes_poll", schedule_type="I", minutes=1
        )
    ]
