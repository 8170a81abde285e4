"""/desk/remote-image/?t=<signed>: a remote image from a customer's message, fetched for an agent who
asked to see it. The signed token names the message and the URL; the agent must still see the
ticket, the URL must still be in that message, and only PNG, JPEG, GIF or WebP come back."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from core.remote_content import remote_image_fetch
from core.safe_http import FetchError, SafeHttpClient
from core.views import agent_required
from helpdesk.models import Message
from helpdesk.selectors.access import ticket_access
from helpdesk.templatetags.message_html import PROXY_SALT

TOKEN_MAX_AGE_S = 24 * 3600


@require_GET
@agent_required
def remote_image(request):
    try:
        token = signing.loads(request.GET.get("t", ""), salt=PROXY_SALT, max_age=TOKEN_MAX_AGE_S)
        message_id, url = int(token["m"]), str(token["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404
    message = Message.objects.filter(pk=message_id).only("ticket_id", "body_html").first()
    if message is None:
        raise Http404
    ticket_access(user=request.user, ticket_id=message.ticket_id)  # 403/404 if no longer theirs
    if url not in message.body_html.replace("&amp;", "&"):
        raise Http404
    client = SafeHttpClient(
        max_bytes=settings.HELMDESK_REMOTE_IMAGE_MAX_BYTES,
        timeout_s=5,
        allow_private_hosts=frozenset(settings.HELMDESK_REMOTE_IMAGE_ALLOW_PRIVATE_HOSTS),
    )
    try:
        data, content_type = remote_image_fetch(url, client=client)
    except (FetchError, ValueError) as exc:
        return HttpResponse(str(exc), status=502, content_type="text/plain")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
