"""IMAP polling (imapclient, no IDLE): fetch unseen mail, store each message's raw bytes through
`email_receive` (committed), and only then mark it seen or move it. A crash between the two
leaves the mail unseen: the next poll fetches it again and the Message-ID check ignores the
duplicate, so nothing is lost and nothing is doubled."""

from __future__ import annotations

import logging
import ssl

from django.utils import timezone
from imapclient import IMAPClient

from emailchannel.models import Mailbox
from emailchannel.services.inbound import email_receive

logger = logging.getLogger(__name__)
BATCH = 50
TIMEOUT_S = 30


def imap_connect(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context() if mailbox.imap_tls else None
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_tls,
        ssl_context=context,
        timeout=TIMEOUT_S,
    )
    client.login(mailbox.imap_user or mailbox.address, mailbox.imap_password)
    return client


def mailbox_poll(*, mailbox: Mailbox) -> int:
    """Fetch up to BATCH unseen messages; returns how many were stored. Records the last error
    (never the password) on the mailbox and re-raises it for the task log."""
    stored = 0
    try:
        with imap_connect(mailbox) as client:
            client.select_folder(mailbox.folder)
            uids = client.search(["UNSEEN"])[:BATCH]
            for uid in uids:
                data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
                raw = data.get(b"BODY[]")
                if raw is None:
                    continue
                email_receive(raw=bytes(raw), mailbox=mailbox)  # raw bytes committed here
                stored += 1
                if mailbox.processed_folder:
                    client.move([uid], mailbox.processed_folder)
                else:
                    client.add_flags([uid], [b"\\Seen"])
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=message[:2000], last_polled_at=timezone.now())
        logger.warning("polling %s failed: %s", mailbox.address, message)
        raise
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="", last_polled_at=timezone.now())
    return stored


def mailboxes_poll_all() -> dict[str, int | str]:
    """Every active mailbox with an IMAP host; one failing mailbox does not stop the others."""
    results: dict[str, int | str] = {}
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host=""):
        try:
            results[mailbox.address] = mailbox_poll(mailbox=mailbox)
        except Exception as error:
            results[mailbox.address] = f"error: {type(error).__name__}"
    return results


def mailbox_test_connection(*, mailbox: Mailbox) -> str:
    """The admin's "test connection": a clear sentence, success or the reason it failed."""
    if not mailbox.imap_host:
        return f"{mailbox.address}: no IMAP host configured (mail arrives by pipe or file)."
    try:
        with imap_connect(mailbox) as client:
            info = client.select_folder(mailbox.folder, readonly=True)
            count = info.get(b"EXISTS", 0)
    except Exception as error:
        return f"{mailbox.address}: connection failed: {type(error).__name__}: {error}"
    return f"{mailbox.address}: connected, folder {mailbox.folder} has {count} messages."
