from django.core.management.base import BaseCommand

from demo.data.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the Northwind Bikes demo (teams, agents, customers, tickets, macros) into an empty desk. "
        "Runs once: when the demo is already there it changes nothing."
    )

    def handle(self, *args, **options):
        result = demo_load()
        style = self.style.SUCCESS if result.loaded else self.style.NOTICE
        self.stdout.write(style(result.message))
