from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from helpdesk.api.permissions import AgentOrScopedServer, api_tickets
from helpdesk.api.serializers import AttachmentOut
from helpdesk.models import Attachment
from helpdesk.services.attachments import attachment_add
from helpdesk.views.downloads import attachment_response


class TicketAttachmentUpload(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "attachments"
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer("AttachmentUpload", {"file": serializers.FileField()})
        },
        responses={201: AttachmentOut},
    )
    def post(self, request, ticket_id: int):
        ticket = get_object_or_404(api_tickets(request), pk=ticket_id)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise ApplicationError("Send the file in a multipart field named 'file'.")
        attachment = attachment_add(ticket=ticket, message=None, uploaded=uploaded)
        return Response(AttachmentOut(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownload(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "attachments"

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, attachment_id: int):
        attachment = get_object_or_404(
            Attachment.objects.filter(ticket__in=api_tickets(request)), pk=attachment_id
        )
        return attachment_response(attachment)
