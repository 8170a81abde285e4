"""Attachment downloads: permission-checked, always as a download, never rendered by the browser."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from core.views import agent_required
from helpdesk.selectors.access import ticket_access
from helpdesk.selectors.thread import attachment_for_download

# Types a browser could execute or render as a page, if it were ever shown inline.
ACTIVE_CONTENT = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}


@require_GET
@agent_required
def attachment_download(request, attachment_id: int):
    attachment = attachment_for_download(attachment_id=attachment_id)
    if attachment is None:
        raise Http404("No such attachment.")
    ticket_access(user=request.user, ticket_id=attachment.ticket_id)
    content_type = attachment.content_type or "application/octet-stream"
    if content_type in ACTIVE_CONTENT or content_type.startswith("text/html"):
        content_type = "application/octet-stream"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
