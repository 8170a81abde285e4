"""The one way a migration registers a django-q2 schedule: created once by name, removed on reverse.

    operations = [schedule_operation("helmdesk-email-poll", func="emailchannel.tasks.mailboxes_poll",
                                     schedule_type="I", minutes=1)]

``next_run`` may be a callable, evaluated when the migration runs.
"""

from __future__ import annotations

from django.db import migrations


def schedule_operation(name: str, **fields) -> migrations.RunPython:
    def create(apps, schema_editor):
        values = {"repeats": -1, **fields}
        if callable(values.get("next_run")):
            values["next_run"] = values["next_run"]()
        apps.get_model("django_q", "Schedule").objects.get_or_create(name=name, defaults=values)

    def remove(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
