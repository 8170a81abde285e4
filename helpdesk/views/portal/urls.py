from django.urls import path

from helpdesk.views.portal import account, csat, submit, tickets

app_name = "portal"

urlpatterns = [
    path("", submit.submit, name="submit"),
    path("thanks/", submit.thanks, name="thanks"),
    path("suggestions/", submit.suggestions, name="suggestions"),
    path("suggested/<int:article_id>/", submit.suggestion_open, name="suggestion_open"),
    path("deflected/", submit.deflected, name="deflected"),
    path("login/", account.login, name="login"),
    path("login/<str:token>/", account.login_with_token, name="login_token"),
    path("logout/", account.logout, name="logout"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<int:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:number>/close/", tickets.ticket_close, name="ticket_close"),
    path("tickets/<int:number>/replies/<int:seq>/helpful/", tickets.reply_helpful, name="reply_helpful"),
    path("attachments/<int:attachment_id>/", tickets.attachment, name="attachment"),
    path("csat/<str:token>/", csat.survey, name="csat"),
]
