"""Pieces shared by the admin modules (helpdesk's and, above it, ai's)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """For audit rows and message history: visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SingletonAdminMixin:
    """For one-row settings models with a `load()` classmethod: the list opens the row's edit form
    straight away; the row can be neither added a second time nor deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        row = self.model.load()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        )

    def response_change(self, request, obj):
        # "Save" would go back to the list, which only redirects here: stay on the form and say so.
        if "_continue" not in request.POST and "_saveasnew" not in request.POST:
            self.message_user(request, _("Settings saved."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
