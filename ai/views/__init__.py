"""Desk views of the ai app (htmx partials mounted at /desk/ai/)."""
