"""django-q2 tasks of the email channel. Thin: call a service; safe to run twice."""

from emailchannel.services import notify
from emailchannel.services.imap import mailboxes_poll_all


def mailboxes_poll() -> dict:
    """Scheduled every minute (migration 0002): poll every active IMAP mailbox."""
    return mailboxes_poll_all()


def web_reply_notify(message_id: int) -> bool:
    """An agent's reply on a web ticket, mailed to the customer (enqueued by the hook)."""
    return notify.web_reply_notify(message_id=int(message_id))
