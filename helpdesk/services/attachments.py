from __future__ import annotations

import hashlib
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.errors import AttachmentRejected
from helpdesk.models import Attachment, Message, Ticket


def attachment_check(*, filename: str, size: int, content_type: str) -> str:
    """Raise AttachmentRejected with a clear message; return the content type to store."""
    if size > settings.HELMDESK_ATTACHMENT_MAX_BYTES:
        raise AttachmentRejected(
            _("%(name)s is too large (%(size)d bytes; the limit is %(limit)d).")
            % {"name": filename, "size": size, "limit": settings.HELMDESK_ATTACHMENT_MAX_BYTES}
        )
    guessed = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    guessed = guessed.split(";")[0].strip().lower()
    if guessed not in settings.HELMDESK_ATTACHMENT_ALLOWED_TYPES:
        raise AttachmentRejected(_("Files of type %(type)s are not accepted.") % {"type": guessed})
    return guessed


def attachment_add(*, ticket: Ticket, message: Message | None, uploaded) -> Attachment:
    """`uploaded` is a Django UploadedFile or a (filename, bytes, content_type) tuple."""
    if isinstance(uploaded, tuple):
        filename, data, content_type = uploaded
    else:
        filename, data, content_type = uploaded.name, uploaded.read(), getattr(uploaded, "content_type", "")
    filename = (filename or "attachment").replace("/", "_").replace("\\", "_")[:200]
    content_type = attachment_check(filename=filename, size=len(data), content_type=content_type)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(filename, ContentFile(data), save=False)
    attachment.save()
    return attachment
