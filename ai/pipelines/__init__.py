"""AI pipelines: answer, draft, summary and triage, each a package of plain functions."""
