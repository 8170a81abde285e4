from django.urls import path

from helpdesk.api import attachments, directory, tickets

app_name = "api"

urlpatterns = [
    path("tickets/", tickets.TicketListCreate.as_view(), name="tickets"),
    path("tickets/<int:ticket_id>/", tickets.TicketDetail.as_view(), name="ticket"),
    path("tickets/<int:ticket_id>/merge/", tickets.TicketMerge.as_view(), name="ticket-merge"),
    path("tickets/<int:ticket_id>/messages/", tickets.TicketMessages.as_view(), name="ticket-messages"),
    path(
        "tickets/<int:ticket_id>/attachments/",
        attachments.TicketAttachmentUpload.as_view(),
        name="ticket-attachments",
    ),
    path("attachments/<int:attachment_id>/", attachments.AttachmentDownload.as_view(), name="attachment"),
    path("customers/", directory.CustomerListCreate.as_view(), name="customers"),
    path("customers/<int:customer_id>/", directory.CustomerDetail.as_view(), name="customer"),
    path("teams/", directory.TeamList.as_view(), name="teams"),
    path("tags/", directory.TagList.as_view(), name="tags"),
]
