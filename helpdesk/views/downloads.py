"""Serving attachments safely: always as a download, never sniffed, HTML/SVG never inline."""

from __future__ import annotations

from django.http import FileResponse

INLINE_FORBIDDEN = {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"}


def attachment_response(attachment) -> FileResponse:
    content_type = attachment.content_type
    if content_type in INLINE_FORBIDDEN or not content_type:
        content_type = "application/octet-stream"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
