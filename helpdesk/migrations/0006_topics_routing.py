# Topics, routing rules and the assignment cursor move from the ai app to helpdesk. The tables stay
# as they are (db_table keeps the ai_* names): this migration only creates the models' STATE here;
# ai 0006 repoints the ai foreign keys and drops the old state. No data is copied or lost.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('helpdesk', '0005_conversation_core'),
        ('ai', '0005_confidence_threshold_default'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Topic',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('examples', models.TextField(blank=True, help_text='One customer message per line.', verbose_name='example messages')),
                ('default_priority', models.CharField(blank=True, choices=[('low', 'Low'), ('normal', 'Normal'), ('high', 'High'), ('urgent', 'Urgent')], max_length=10, verbose_name='default priority')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='topics', to='helpdesk.team', verbose_name='target team')),
            ],
            options={
                'verbose_name': 'topic',
                'verbose_name_plural': 'topics',
                'db_table': 'ai_topic',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='RoutingRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('customer_tier', models.CharField(blank=True, max_length=20, verbose_name='customer tier')),
                ('keywords', models.TextField(blank=True, help_text='One per line or comma-separated; any one matches.', verbose_name='keywords')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                ('set_priority', models.CharField(blank=True, choices=[('low', 'Low'), ('normal', 'Normal'), ('high', 'High'), ('urgent', 'Urgent')], max_length=10, verbose_name='set priority')),
                ('stop', models.BooleanField(default=True, verbose_name='stop here')),
                ('set_team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.team', verbose_name='route to team')),
                ('topic', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.topic', verbose_name='topic')),
            ],
            options={
                'verbose_name': 'routing rule',
                'verbose_name_plural': 'routing rules',
                'db_table': 'ai_routingrule',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='TeamAssignmentCursor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.agent')),
                ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.team')),
            ],
            options={
                'db_table': 'ai_teamassignmentcursor',
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
