"""Attachments: checked on the way in (size, sniffed type against the allow-list), stored by hash."""

from __future__ import annotations

import hashlib
import mimetypes

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.errors import AttachmentRejected
from helpdesk.models import Attachment, Message, Ticket

SNIFF_BYTES = 8192
ZIP_CONTAINERS = {  # formats that are zip files inside: the sniffer may see either
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Types whose content the sniffer recognises: a file claiming one of them must look like it.
SNIFFABLE = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", *ZIP_CONTAINERS}


def _too_large(filename: str, size: int) -> AttachmentRejected:
    return AttachmentRejected(
        _("%(name)s is too large (%(size)d bytes; the limit is %(limit)d).")
        % {"name": filename, "size": size, "limit": settings.HELMDESK_ATTACHMENT_MAX_BYTES}
    )


def attachment_type_sniff(*, filename: str, content_type: str, head: bytes | None) -> str:
    """The type to store: what the content is (filetype's magic numbers), not what the client said.

    A claimed binary type the content does not match is refused; text types, which have no magic
    numbers, keep the claimed type (downloads are always served as attachments with nosniff)."""
    claimed = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    claimed = claimed.split(";")[0].strip().lower()
    if head is None:
        return claimed
    kind = filetype.guess(head)
    if kind is None:
        if claimed in SNIFFABLE:
            raise AttachmentRejected(
                _("%(name)s does not look like a %(type)s file.") % {"name": filename, "type": claimed}
            )
        return claimed
    if kind.mime in ZIP_CONTAINERS and claimed in ZIP_CONTAINERS:
        return claimed  # a .docx is a zip file: keep the more precise claimed type
    return kind.mime


def attachment_check(*, filename: str, size: int, content_type: str, head: bytes | None = None) -> str:
    """Raise AttachmentRejected with a clear message; return the content type to store.

    Pass `head` (the first bytes) to have the type sniffed from the content."""
    if size > settings.HELMDESK_ATTACHMENT_MAX_BYTES:
        raise _too_large(filename, size)
    detected = attachment_type_sniff(filename=filename, content_type=content_type, head=head)
    if detected not in settings.HELMDESK_ATTACHMENT_ALLOWED_TYPES:
        raise AttachmentRejected(_("Files of type %(type)s are not accepted.") % {"type": detected})
    return detected


def _read_bounded(uploaded, filename: str) -> bytes:
    """Read an upload chunk by chunk, stopping as soon as it passes the size limit."""
    limit = settings.HELMDESK_ATTACHMENT_MAX_BYTES
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(filename, declared)
    uploaded.seek(0)
    chunks, total = [], 0
    for chunk in uploaded.chunks():
        total += len(chunk)
        if total > limit:
            raise _too_large(filename, total)
        chunks.append(chunk)
    return b"".join(chunks)


def attachments_precheck(uploads) -> None:
    """Check every upload (size, sniffed type) before anything is stored, so a refused file costs the
    sender nothing: the form comes back with their text and a clear message."""
    for uploaded in uploads:
        if isinstance(uploaded, tuple):
            filename, data, content_type = uploaded
            attachment_check(
                filename=filename, size=len(data), content_type=content_type, head=data[:SNIFF_BYTES]
            )
            continue
        name = uploaded.name or "attachment"
        size = getattr(uploaded, "size", None) or 0
        if size > settings.HELMDESK_ATTACHMENT_MAX_BYTES:
            raise _too_large(name, size)
        uploaded.seek(0)
        head = uploaded.read(SNIFF_BYTES)
        uploaded.seek(0)
        attachment_check(
            filename=name, size=size, content_type=getattr(uploaded, "content_type", ""), head=head
        )


def attachment_add(*, ticket: Ticket, message: Message | None, uploaded) -> Attachment:
    """`uploaded` is a Django UploadedFile or a (filename, bytes, content_type) tuple."""
    if isinstance(uploaded, tuple):
        filename, data, content_type = uploaded
    else:
        filename, content_type = uploaded.name, getattr(uploaded, "content_type", "")
        data = _read_bounded(uploaded, filename or "attachment")
    filename = (filename or "attachment").replace("/", "_").replace("\\", "_")[:200]
    content_type = attachment_check(
        filename=filename, size=len(data), content_type=content_type, head=data[:SNIFF_BYTES]
    )
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
