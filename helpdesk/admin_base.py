"""Pieces shared by the helpdesk admin modules."""


class ReadOnlyAdminMixin:
    """For audit rows and message history: visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
