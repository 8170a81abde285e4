"""Images and files uploaded from the article editor. They are served by knowledge.views.public.asset,
never from MEDIA_URL directly, so visibility and headers are decided in one place."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from helpdesk.services.audit import actor_user
from knowledge.models import Article, ArticleAsset

# What an editor may upload. No SVG or HTML: both can carry script and would run on our origin.
IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
DOCUMENT_TYPES = {"application/pdf", "text/plain", "text/csv", "application/zip"}


class AssetRejected(ApplicationError):
    pass


@transaction.atomic
def asset_upload(*, uploaded, actor=None, article: Article | None = None) -> ArticleAsset:
    """`uploaded` is a Django UploadedFile or a (filename, bytes, content_type) tuple."""
    if isinstance(uploaded, tuple):
        filename, data, declared = uploaded
    else:
        filename, data, declared = uploaded.name, uploaded.read(), getattr(uploaded, "content_type", "")
    filename = get_valid_filename(filename or "file")[:200] or "file"
    if len(data) > settings.HELMDESK_ATTACHMENT_MAX_BYTES:
        raise AssetRejected(_("%(name)s is too large.") % {"name": filename})
    content_type = _checked_type(filename, data, declared)
    asset = ArticleAsset(
        original_name=filename,
        content_type=content_type,
        size=len(data),
        article=article,
        uploaded_by=actor_user(actor),
    )
    asset.file.save(filename, ContentFile(data), save=False)
    asset.save()
    return asset


def asset_url(asset: ArticleAsset) -> str:
    return reverse("help:asset", kwargs={"asset_id": asset.pk, "filename": asset.original_name})


def asset_markdown(asset: ArticleAsset) -> str:
    """The snippet the editor inserts: an image for images, a link for everything else."""
    label = asset.original_name.replace("[", "(").replace("]", ")")
    if asset.is_image:
        return f"![{label}]({asset_url(asset)})"
    return f"[{label}]({asset_url(asset)})"


def _checked_type(filename: str, data: bytes, declared: str) -> str:
    content_type = (declared or mimetypes.guess_type(filename)[0] or "").split(";")[0].strip().lower()
    if content_type in IMAGE_SIGNATURES:
        # Trust the bytes, not the browser: a renamed HTML file must not become an "image".
        if not data.startswith(IMAGE_SIGNATURES[content_type]):
            raise AssetRejected(
                _("%(name)s is not a valid %(type)s file.") % {"name": filename, "type": content_type}
            )
        if content_type == "image/webp" and data[8:12] != b"WEBP":
            raise AssetRejected(
                _("%(name)s is not a valid %(type)s file.") % {"name": filename, "type": content_type}
            )
        return content_type
    if content_type in DOCUMENT_TYPES:
        return content_type
    raise AssetRejected(
        _("Files of type %(type)s cannot be added to articles.") % {"type": content_type or "?"}
    )
