from django.contrib.auth import views as auth_views
from django.urls import path

from helpdesk.views.desk import (
    agent_settings,
    api_tokens,
    attachments,
    customers,
    inbox,
    presence,
    remote_images,
    reports,
    tickets,
)

app_name = "desk"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="desk/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("bulk/", inbox.bulk_update, name="bulk_update"),
    path("inbox/counts/", inbox.inbox_counts, name="inbox_counts"),
    path("tickets/new/", customers.ticket_new, name="ticket_new"),
    path("tickets/<int:ticket_id>/", tickets.ticket_detail, name="ticket"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("customers/<int:customer_id>/notes/", customers.customer_notes, name="customer_notes"),
    path("tickets/<int:ticket_id>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<int:ticket_id>/properties/", tickets.ticket_properties, name="ticket_properties"),
    path("tickets/<int:ticket_id>/assign-me/", tickets.ticket_assign_me, name="ticket_assign_me"),
    path("tickets/<int:ticket_id>/merge/", tickets.ticket_merge_into, name="ticket_merge"),
    path("tickets/<int:ticket_id>/presence/", presence.ticket_presence, name="ticket_presence"),
    path(
        "tickets/<int:ticket_id>/messages/<int:message_id>/retry/",
        tickets.ticket_message_retry,
        name="message_retry",
    ),
    path("attachments/<int:attachment_id>/", attachments.attachment_download, name="attachment"),
    path("remote-image/", remote_images.remote_image, name="remote_image"),
    path("settings/", agent_settings.agent_settings, name="settings"),
    path("reports/", reports.reports, name="reports"),
    path("settings/api-tokens/", api_tokens.token_create, name="api_token_create"),
    path("settings/api-tokens/<int:token_id>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
]
