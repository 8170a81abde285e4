"""Reads of the ai app, one module per domain (triage, inbound, drafts). Views, tasks, admin and
services read through these; nothing here writes."""
