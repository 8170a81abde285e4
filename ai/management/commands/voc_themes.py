"""manage.py voc_themes --input FILE.jsonl --assignments OUT.jsonl [--json]

The voice-of-the-customer clustering on a file of {"id", "text"} lines, without the database.
Writes one {"id", "theme"} line per input (theme: an integer, null for noise) and ends with one
JSON line {"themes": N, "noise": n, "seconds": s}; without --json a table of the themes comes first.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ai.insights.files import ThemeFileError, themes_from_file


class Command(BaseCommand):
    help = "Discover themes in a JSONL file of {id, text} lines (the number of themes is found, not given)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path)
        parser.add_argument("--assignments", required=True, type=Path)
        parser.add_argument("--json", action="store_true", help="print only the summary JSON line")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        try:
            found = themes_from_file(options["input"], seed=options["seed"])
        except ThemeFileError as error:
            raise CommandError(str(error))
        with options["assignments"].open("w", encoding="utf-8") as handle:
            for item_id, theme in zip(found.ids, found.assignments, strict=True):
                handle.write(json.dumps({"id": item_id, "theme": theme}) + "\n")
        if not options["json"]:
            for number, (name, size) in enumerate(zip(found.names, found.sizes, strict=True)):
                self.stdout.write(f"{number:4d} {size:6d}  {name}")
        self.stdout.write(json.dumps(found.summary()))
