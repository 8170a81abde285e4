"""Topics, routing rules and the assignment cursor moved from ai to helpdesk without touching the
tables: an install with data on the old migrations keeps every row and relation after migrating."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ai.models import TicketTriage, TriageLabel
from helpdesk.models import RoutingRule, TeamAssignmentCursor, Topic

BEFORE = [("ai", "0005_confidence_threshold_default"), ("helpdesk", "0005_conversation_core")]


@pytest.mark.django_db(transaction=True)
def test_existing_topics_rules_and_labels_survive_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    team = old.get_model("helpdesk", "Team").objects.create(name="Billing", slug="billing")
    agent_user = old.get_model("auth", "User").objects.create(username="ann")
    agent = old.get_model("helpdesk", "Agent").objects.create(user=agent_user)
    topic = old.get_model("ai", "Topic").objects.create(name="billing", team_id=team.pk)
    old.get_model("ai", "RoutingRule").objects.create(name="vip", topic_id=topic.pk, set_team_id=team.pk)
    old.get_model("ai", "TeamAssignmentCursor").objects.create(team_id=team.pk, last_agent_id=agent.pk)
    old.get_model("ai", "TriageLabel").objects.create(text="refund", topic_id=topic.pk, source="import")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Topic.objects.get(name="billing")
    assert (moved.pk, moved.team.slug) == (topic.pk, "billing")
    assert RoutingRule.objects.get(name="vip").topic == moved
    assert TeamAssignmentCursor.objects.get(team_id=team.pk).last_agent_id == agent.pk
    assert TriageLabel.objects.get(text="refund").topic == moved
    assert moved.labels.count() == 1
    assert TicketTriage._meta.get_field("topic").related_model is Topic
