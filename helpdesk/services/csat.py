"""Customer satisfaction: one question (1-5 and a comment) after a ticket is solved.

The emailed link opens a page with a confirmation button; only the POST records a rating, so mail
link scanners that follow (GET) every link never produce false ratings."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.errors import ApplicationError
from helpdesk.extensions import system_mail_send
from helpdesk.models import CsatSurvey, Ticket


def csat_url(survey: CsatSurvey) -> str:
    return f"{settings.SITE_URL}/portal/csat/{survey.token}/"


@transaction.atomic
def csat_send(*, ticket: Ticket) -> CsatSurvey | None:
    """Create (or reuse the open) survey for a solved ticket and email its link. Idempotent."""
    ticket = Ticket.objects.select_related("requester", "assignee", "team").get(pk=ticket.pk)
    if ticket.status != "solved" or ticket.merged_into_id:
        return None
    survey = CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).first()
    if survey is not None:
        return survey
    survey = CsatSurvey.objects.create(
        ticket=ticket, token=secrets.token_urlsafe(32), agent=ticket.assignee, team=ticket.team
    )
    customer = ticket.requester
    with override(customer.language or settings.LANGUAGE_CODE):
        subject = _("How did we do? Ticket #%(n)s") % {"n": ticket.number}
        body = _(
            'Hello %(name)s,\n\nyour request "%(subject)s" was marked as solved. '
            "Would you tell us how we did? It takes one click:\n\n%(url)s\n\nThank you!"
        ) % {"name": customer.display_name, "subject": ticket.subject, "url": csat_url(survey)}
    email = customer.email
    transaction.on_commit(lambda: system_mail_send(to=email, subject=subject, body=body, fail_silently=True))
    return survey


def csat_survey_for_token(token: str) -> CsatSurvey:
    survey = CsatSurvey.objects.select_related("ticket").filter(token=token).first()
    if survey is None:
        raise ApplicationError(_("This survey link is not valid."))
    return survey


@transaction.atomic
def csat_record(*, token: str, rating: int, comment: str = "") -> CsatSurvey:
    survey = CsatSurvey.objects.select_for_update().filter(token=token).first()
    if survey is None:
        raise ApplicationError(_("This survey link is not valid."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ApplicationError(_("Please choose a rating from 1 to 5."))
    survey.rating = rating
    survey.comment = comment.strip()[:2000]
    survey.answered_at = timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    return survey
