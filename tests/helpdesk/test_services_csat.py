import pytest
from django.core import mail

from core.errors import ApplicationError
from helpdesk.models import CsatSurvey
from helpdesk.services.csat import csat_record, csat_send
from helpdesk.services.tickets import ticket_transition, ticket_update

pytestmark = pytest.mark.django_db


def solve(ticket, agent, capture):
    ticket_update(ticket=ticket, assignee=agent, actor=agent)
    with capture(execute=True):
        ticket_transition(ticket=ticket, to_status="solved", actor=agent)


def test_solving_sends_one_survey(ticket, agent, django_capture_on_commit_callbacks):
    solve(ticket, agent, django_capture_on_commit_callbacks)
    survey = CsatSurvey.objects.get(ticket=ticket)
    assert survey.agent == agent and survey.team == ticket.team
    assert len(mail.outbox) == 1
    assert f"/portal/csat/{survey.token}/" in mail.outbox[0].body
    assert csat_send(ticket=ticket) == survey, "idempotent"
    assert CsatSurvey.objects.count() == 1


def test_unsolved_ticket_gets_no_survey(ticket):
    assert csat_send(ticket=ticket) is None


def test_record_validates(ticket, agent, django_capture_on_commit_callbacks):
    solve(ticket, agent, django_capture_on_commit_callbacks)
    survey = CsatSurvey.objects.get(ticket=ticket)
    with pytest.raises(ApplicationError):
        csat_record(token=survey.token, rating=6)
    with pytest.raises(ApplicationError):
        csat_record(token="nope", rating=3)
    recorded = csat_record(token=survey.token, rating=4, comment=" quick ")
    assert (recorded.rating, recorded.comment) == (4, "quick") and recorded.answered_at
