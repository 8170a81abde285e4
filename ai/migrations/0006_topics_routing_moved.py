# Second half of the move of Topic, RoutingRule and TeamAssignmentCursor to helpdesk (see helpdesk
# 0006_topics_routing): the ai foreign keys now point at helpdesk.Topic (same table, ai_topic, so
# the database constraints are unchanged) and the ai state of the moved models is dropped. The
# content types are renamed so admin permissions granted on the old models keep working.

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("topic", "routingrule", "teamassignmentcursor")


def move_content_types(apps, schema_editor, source="ai", target="helpdesk"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="helpdesk", target="ai")


class Migration(migrations.Migration):

    dependencies = [
        ('ai', '0005_confidence_threshold_default'),
        ('helpdesk', '0006_topics_routing'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='tickettriage',
            name='topic',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.topic'),
        ),
        migrations.AlterField(
            model_name='triagelabel',
            name='topic',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='labels', to='helpdesk.topic', verbose_name='topic'),
        ),
        migrations.DeleteModel(name='RoutingRule'),
        migrations.DeleteModel(name='TeamAssignmentCursor'),
        migrations.DeleteModel(name='Topic'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
