"""django-q2 tasks of the ai app, one module per pipeline (triage.py, answers.py, ...).
Tasks take ids, call one service, and are idempotent."""
