"""The daily report roll-up (helpdesk/services/report_rollup.py). Plain SQL tables: they are written
and read only with SQL aggregates. The tickets already there are rolled up right after `migrate`
(post_migrate, once every app's tables exist: the roll-up reads ai's triage table), see
report_rollup.rollup_after_migrate."""

from django.db import migrations

CREATE = """
CREATE TABLE helpdesk_report_rollup (
    span char(1) NOT NULL CHECK (span IN ('d', 'm', 't')),  -- day, month, day total
    day date NOT NULL,
    team_id bigint, assignee_id bigint, csat_agent_id bigint, csat_team_id bigint, topic_id bigint,
    created int NOT NULL DEFAULT 0, solved int NOT NULL DEFAULT 0,
    sla_responded int NOT NULL DEFAULT 0, sla_responded_ok int NOT NULL DEFAULT 0,
    sla_resolved int NOT NULL DEFAULT 0, sla_resolved_ok int NOT NULL DEFAULT 0,
    csat_n int NOT NULL DEFAULT 0, csat_sum int NOT NULL DEFAULT 0, csat_good int NOT NULL DEFAULT 0,
    fr_hist vector NOT NULL, res_hist vector NOT NULL, channel_counts vector NOT NULL,
    CONSTRAINT report_rollup_key UNIQUE NULLS NOT DISTINCT
        (span, day, team_id, assignee_id, csat_agent_id, csat_team_id, topic_id)
);
CREATE INDEX report_rollup_daily ON helpdesk_report_rollup (span, day)
    INCLUDE (team_id, assignee_id, created, solved);
CREATE TABLE helpdesk_report_rollup_ticket (ticket_id bigint PRIMARY KEY, days date[] NOT NULL);
CREATE TABLE helpdesk_report_rollup_state (
    id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL DEFAULT 0, refreshed_at timestamptz
);
INSERT INTO helpdesk_report_rollup_state (id) VALUES (1);
"""

DROP = """
DROP TABLE helpdesk_report_rollup;
DROP TABLE helpdesk_report_rollup_ticket;
DROP TABLE helpdesk_report_rollup_state;
"""


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0010_reply_feedback")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
