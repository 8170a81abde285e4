"""One JSON error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ApplicationError


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"error": {"code": "invalid", "message": exc.message, "details": exc.extra}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        message, details = "Invalid input.", detail
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        details = {}
    code = getattr(exc, "default_code", "error")
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response
