# The weekly evaluation report: one django-q2 schedule, every Monday 06:00 in the company time zone
# (settings.TIME_ZONE). Created once (get_or_create by name), removed on reverse.
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from core.schedules import schedule_operation

NAME = "helmdesk-ai-weekly-report"


def next_monday_morning(now=None) -> dt.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    local = (now or timezone.now()).astimezone(tz)
    days = (7 - local.weekday()) % 7 or 7
    return dt.datetime.combine(local.date() + dt.timedelta(days=days), dt.time(6, 0), tzinfo=tz)


class Migration(migrations.Migration):
    dependencies = [("ai", "0007_weekly_report"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_operation(
            NAME, func="ai.tasks.weekly.weekly_report_run", schedule_type="W", next_run=next_monday_morning
        )
    ]
