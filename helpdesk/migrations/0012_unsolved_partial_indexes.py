"""Partial indexes on unsolved tickets (the inbox view counts and the report's backlog read only
those, ~10 % of the tickets, from the index alone), and on solved_at and answered_at (the report
roll-up reads one day's solved tickets and answered surveys). Plain SQL: partial indexes whose
predicate PostgreSQL matches against the ORM's `NOT (status IN ('solved', 'closed'))`."""

from django.db import migrations

UNSOLVED = "status NOT IN ('solved', 'closed')"

CREATE = f"""
CREATE INDEX ticket_unsolved_team ON helpdesk_ticket (team_id, assignee_id, status)
    INCLUDE (id, merged_into_id) WHERE {UNSOLVED};
CREATE INDEX ticket_unsolved_assignee ON helpdesk_ticket (assignee_id, team_id) INCLUDE (id) WHERE {UNSOLVED};
CREATE INDEX ticket_solved_at ON helpdesk_ticket (solved_at) WHERE solved_at IS NOT NULL;
CREATE INDEX csat_answered_at ON helpdesk_csatsurvey (answered_at) WHERE answered_at IS NOT NULL;
"""

DROP = """
DROP INDEX ticket_unsolved_team;
DROP INDEX ticket_unsolved_assignee;
DROP INDEX ticket_solved_at;
DROP INDEX csat_answered_at;
"""


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0011_report_rollup")]

    operations = [migrations.RunSQL(CREATE, DROP)]
