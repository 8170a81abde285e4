"""Writes of the ai app (one module per domain)."""
