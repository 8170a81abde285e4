"""manage.py email_ingest - | PATH... : feed raw mail in (an MTA pipe, .eml files, folders, mbox).
Ends with one JSON line: {"read", "tickets", "replies", "quarantined", "ignored", "errors"}."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emailchannel.models import Mailbox
from emailchannel.services.ingest import messages_ingest, raw_messages


class Command(BaseCommand):
    help = (
        "Ingest raw email: '-' reads one message from stdin; paths may be .eml files, folders or mbox files."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="'-' for stdin, or files and folders")
        parser.add_argument("--mailbox", default="", help="address of the mailbox the mail came to")

    def handle(self, *args, sources, mailbox, **options):
        box = None
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"No mailbox with the address {mailbox}.")
        missing = [s for s in sources if s != "-" and not Path(s).exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        if sources == ["-"]:
            messages = [("stdin", sys.stdin.buffer.read())]
        else:
            messages = raw_messages([Path(s) for s in sources if s != "-"])
        result = messages_ingest(messages, mailbox=box)
        self.stdout.write(json.dumps(result))
        if result["errors"]:
            sys.exit(1)
