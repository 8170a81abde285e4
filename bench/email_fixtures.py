"""Every public parser fixture through `manage.py email_ingest`, in a throwaway database.

    .venv/bin/python bench/email_fixtures.py                       # ../shared/datasets/email_fixtures
    .venv/bin/python bench/email_fixtures.py --path some/folder    # any folder of .eml / mbox files

Creates the database `bench_helmdesk_email` on the same server (embedded, or DATABASE_URL's),
migrates it, ingests every file (mbox files are split), prints the command's JSON line and a table
per folder, and checks that every message read is accounted for exactly once (an InboundEmail row
with an outcome, whose RawInput holds the exact bytes). Not a test: the fixtures live outside the
repository (see tests/fixtures/email/ for the small copied subset the tests use).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
DEFAULT_PATH = ROOT.parent / "shared" / "datasets" / "email_fixtures"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--db-name", default="bench_helmdesk_email")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.path.exists():
        print(f"{args.path} not found: nothing to run")
        return 0
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    os.environ.setdefault("HELMDESK_MEDIA_ROOT", tempfile.mkdtemp(prefix="helmdesk-email-bench-"))
    import django

    django.setup()
    logging.getLogger("django-q").setLevel(logging.WARNING)  # one "Enqueued" line per hook otherwise
    logging.getLogger("emailchannel").setLevel(logging.ERROR)  # the table lists the quarantined ones
    from django.core.management import call_command
    from email_common import drop_database, recreate_database

    recreate_database(args.db_name)
    try:
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        out = io.StringIO()
        call_command("email_ingest", str(args.path), stdout=out)
        elapsed = time.monotonic() - started
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        print(json.dumps(result))
        ok = report(args.path, result, elapsed)
    finally:
        if not args.keep:
            drop_database(args.db_name)
    return 0 if ok else 1


def report(path: Path, result: dict, elapsed: float) -> bool:
    from emailchannel.models import InboundEmail
    from emailchannel.services.ingest import BUCKET, raw_messages

    expected = {hashlib.sha256(raw).hexdigest(): where for where, raw in raw_messages([path])}
    rows = list(InboundEmail.objects.select_related("raw_input").order_by("id"))
    by_folder: dict[str, Counter] = defaultdict(Counter)
    for (where, _raw), row in zip(raw_messages([path]), rows, strict=False):
        folder = str(Path(where.split("#")[0]).relative_to(path).parent)
        by_folder[folder][BUCKET[row.outcome]] += 1
        by_folder[folder]["read"] += 1
    print(f"\n{'folder':42} {'read':>5} {'tickets':>8} {'replies':>8} {'quarant.':>8} {'ignored':>8}")
    for folder, counts in sorted(by_folder.items()):
        print(
            f"{folder:42} {counts['read']:5} {counts['tickets']:8} {counts['replies']:8} "
            f"{counts['quarantined']:8} {counts['ignored']:8}"
        )
    stored = {row.raw_input.sha256 for row in rows}
    missing = [where for digest, where in expected.items() if digest not in stored]
    pending = sum(1 for row in rows if row.outcome == InboundEmail.Outcome.PENDING)
    counted = sum(result[k] for k in ("tickets", "replies", "quarantined", "ignored"))
    print(
        f"\n{result['read']} messages in {elapsed:.1f} s ({result['read'] / max(elapsed, 1e-9):.1f} msg/s); "
        f"counted once: {counted == result['read']}; stored rows: {len(rows)}; not stored: {len(missing)}; "
        f"unprocessed: {pending}; errors: {result['errors']}"
    )
    for row in rows:
        if row.outcome == InboundEmail.Outcome.QUARANTINED:
            print(f"  quarantined: {row.from_address or '-'} {row.subject[:50]!r}: {row.reason[:90]}")
    return not missing and not pending and counted == result["read"] and not result["errors"]


if __name__ == "__main__":
    sys.exit(main())
