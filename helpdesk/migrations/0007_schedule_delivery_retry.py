from django.db import migrations

from core.schedules import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0006_topics_routing"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_operation(
            "helmdesk-delivery-retry", func="helpdesk.tasks.delivery_retry", schedule_type="I", minutes=1
        )
    ]
