"""Default handoff rules, so a fresh install hands off the obvious cases; admins edit or switch them off."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "name": "Refunds, cancellations and legal",
        "kind": "keyword",
        "keywords": "refund\ncancel my\ncancellation\nchargeback\nlawyer\nattorney\nlegal action\n"
        "formal complaint\ndata deletion\ndelete my account\nerstattung\nrückerstattung\nkündigen\n"
        "kündigung\nanwalt\nrembourser\nremboursement\nannuler\navocat\nreembolso\ncancelar\nabogado",
        "params": {},
        "position": 10,
    },
    {
        "name": "Customer asks for a person",
        "kind": "asks_for_human",
        "keywords": "",
        "params": {},
        "position": 20,
    },
    {
        "name": "Angry customer",
        "kind": "negative_sentiment",
        "keywords": "",
        "params": {"max_score": -0.6},
        "position": 30,
    },
    {
        "name": "Same question asked again",
        "kind": "repeated_question",
        "keywords": "",
        "params": {"min_similarity": 0.85},
        "position": 40,
    },
    {
        "name": "Nothing relevant in the knowledge base",
        "kind": "low_confidence",
        "keywords": "",
        "params": {"min_cosine": 0.3},
        "position": 50,
    },
]


def create_defaults(apps, schema_editor):
    HandoffRule = apps.get_model("ai", "HandoffRule")
    if HandoffRule.objects.exists():
        return
    HandoffRule.objects.bulk_create(HandoffRule(**rule) for rule in DEFAULT_RULES)


class Migration(migrations.Migration):
    dependencies = [("ai", "0003_interactions")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
