from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """Without Redis the cache (rate limits, the worker's stats) lives in the database; `migrate` alone
    must leave a working install. Does nothing when CACHES uses another backend."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0003_schedule_sla_escalation")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
