"""Django's template backend, with each render's context taken apart once the template is rendered.

A ``RequestContext`` holds its layers (``ContextDict``) and every layer holds the context: a
reference cycle, so a rendered page's context, and every object the page was given (an inbox page's
25 tickets with their requesters, assignees and teams), waited for the cyclic garbage collector
instead of being freed when the render returned. Emptying the context's layer list after the render
breaks the cycle. Django's test instrumentation keeps copies of the contexts (``response.context``),
which have their own lists and are not touched. See core/asgi_handler.py for the rest of the story.
"""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)
