"""Message templates rendered by Django's template engine, sandboxed.

A separate Engine with no loaders and no tag libraries to load (so no include, extends, load or
debug reaches anything); only the tags and filters listed below pass validation; the context holds
plain data only (dicts, lists, strings, numbers), never a model instance, so a placeholder cannot
reach an attribute of an object (Django already refuses names starting with an underscore).
"""

from __future__ import annotations

import re

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType

from core.errors import ApplicationError

ALLOWED_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor", "firstof"}
ALLOWED_FILTERS = {
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "date",
    "floatformat",
    "length",
    "join",
    "first",
    "last",
    "truncatewords",
    "truncatechars",
    "pluralize",
    "yesno",
    "add",
}
MAX_TEMPLATE_CHARS = 10_000
MAX_DATA_DEPTH = 5
_FILTER_RE = re.compile(r"\|\s*(\w+)")

_engine = Engine(
    loaders=[],
    libraries={},
    autoescape=False,
    debug=False,
    string_if_invalid="",
    builtins=["django.template.defaulttags", "django.template.defaultfilters"],
)


def template_check(source: str) -> None:
    """Raise ApplicationError when the template uses anything outside the allowed tags and filters."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise ApplicationError(f"A template may have at most {MAX_TEMPLATE_CHARS} characters.")
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.split_contents() or [""])[0]
            if name not in ALLOWED_TAGS:
                raise ApplicationError(f"The tag {{% {name} %}} is not allowed in outreach templates.")
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            for name in _FILTER_RE.findall(token.contents):
                if name not in ALLOWED_FILTERS:
                    raise ApplicationError(f"The filter |{name} is not allowed in outreach templates.")
    try:
        _engine.from_string(source)
    except TemplateSyntaxError as error:
        raise ApplicationError(f"Template error: {error}") from None


def plain_data(value, depth: int = 0):
    """JSON-like data only: dicts with string keys, lists, strings, numbers, booleans, None."""
    if depth > MAX_DATA_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(k): plain_data(v, depth + 1) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [plain_data(v, depth + 1) for v in value[:200]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:2000]


def customer_context(customer) -> dict:
    name = customer.name or ""
    return {
        "name": customer.display_name,
        "first_name": (name.split() or [customer.display_name])[0],
        "email": customer.email,
        "organization": customer.organization,
    }


def template_render(source: str, *, customer, data: dict | None = None, extra: dict | None = None) -> str:
    template_check(source)
    context = {
        "customer": customer_context(customer),
        "data": plain_data(data or {}),
        **plain_data(extra or {}),
    }
    return _engine.from_string(source).render(Context(context, autoescape=False)).strip()
