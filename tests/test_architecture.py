"""The shape of the code, checked by reading it (AST, no imports of the project).

Dependencies point one way: demo -> ai -> knowledge -> (emailchannel, chat) -> helpdesk -> (gateway,
core); config wires everything. The channel apps plug into helpdesk's front and back doors. Module-level AND function-level imports count: an import hidden inside a function is
still a dependency. Migrations and tests are not checked. The analysis is `bin/import-report`'s, so
the numbers in the issue notes and these tests come from the same code.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_report():
    loader = importlib.machinery.SourceFileLoader("import_report", str(ROOT / "bin" / "import-report"))
    spec = importlib.util.spec_from_loader("import_report", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_report"] = module  # dataclasses look their module up while the file runs
    loader.exec_module(module)
    return module


report = _load_report()
MODULES = report.module_files(ROOT)
IMPORTS = report.collect_imports(MODULES)

# Which apps each app may import (besides itself). config is the wiring and may import anything.
ALLOWED = {
    "core": set(),
    "gateway": {"core"},
    "helpdesk": {"core", "gateway"},
    "emailchannel": {"helpdesk", "core", "gateway"},
    "chat": {"helpdesk", "core", "gateway"},
    "knowledge": {"helpdesk", "core", "gateway"},
    "ai": {"knowledge", "chat", "emailchannel", "helpdesk", "core", "gateway"},
    "outreach": {"ai", "knowledge", "chat", "emailchannel", "helpdesk", "core", "gateway"},
    "demo": {"outreach", "ai", "knowledge", "chat", "emailchannel", "helpdesk", "core", "gateway"},
    "config": set(report.PROJECT_PACKAGES) - {"config"},
}


def _where(imp) -> str:
    kind = "in a function" if imp.in_function else "module level"
    return f"{MODULES[imp.source].relative_to(ROOT)}:{imp.line} imports {imp.target} ({kind})"


def test_the_analysis_sees_the_project():
    """Guards the guards: the analysis finds the packages and both kinds of import."""
    assert {"helpdesk.services.tickets", "knowledge.apps", "ai.apps", "core.hooks"} <= set(MODULES)
    assert not any("migrations" in m or m.startswith("tests") for m in MODULES)
    assert len(IMPORTS) > 100
    assert any(not i.in_function and i.source.startswith("helpdesk.services") for i in IMPORTS)


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The cycle check cannot pass vacuously: a two-module cycle hidden in a function is found."""
    pkg = tmp_path / "helpdesk"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from helpdesk.b import g\n\ndef f():\n    return g()\n")
    (pkg / "b.py").write_text("def g():\n    from helpdesk import a\n    return a\n")
    imports = report.collect_imports(report.module_files(tmp_path))
    edges = defaultdict(set)
    for i in imports:
        edges[i.source].add(i.target)
    assert report.find_cycles(edges) == [["helpdesk.a", "helpdesk.b", "helpdesk.a"]]
    assert [i.in_function for i in imports if i.source == "helpdesk.b"] == [True]


def test_no_import_cycles_between_modules():
    edges = defaultdict(set)
    for i in IMPORTS:
        edges[i.source].add(i.target)
    cycles = report.find_cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_import_cycles_between_apps():
    edges = defaultdict(set)
    witness = {}
    for i in IMPORTS:
        src, dst = report.app_of(i.source), report.app_of(i.target)
        if src != dst:
            edges[src].add(dst)
            witness.setdefault((src, dst), i)
    cycles = report.find_cycles(edges)
    lines = []
    for cycle in cycles:
        lines.append(" -> ".join(cycle))
        lines += [f"    {_where(witness[(a, b)])}" for a, b in zip(cycle, cycle[1:], strict=False)]
    assert not cycles, "app cycles:\n" + "\n".join(lines)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_dependencies_point_one_way(app):
    """demo -> ai -> knowledge -> helpdesk -> (gateway, core): nothing imports an app above it."""
    wrong = [
        _where(i)
        for i in IMPORTS
        if report.app_of(i.source) == app
        and report.app_of(i.target) != app
        and report.app_of(i.target) not in ALLOWED[app]
    ]
    assert not wrong, f"{app} may import only {sorted(ALLOWED[app])}:\n" + "\n".join(wrong)


def test_the_named_rules_of_the_issue():
    """The issue's own wording, checked directly (the table above implies them; this keeps them visible)."""

    def imports_of(app, targets):
        return [
            _where(i)
            for i in IMPORTS
            if report.app_of(i.source) in app and report.app_of(i.target) in targets
        ]

    wrong = (
        imports_of({"helpdesk", "knowledge"}, {"ai"})
        + imports_of({"helpdesk"}, {"knowledge"})
        + imports_of({"core"}, {"helpdesk", "knowledge", "ai", "gateway", "demo", "config"})
        + imports_of({"gateway"}, {"helpdesk", "knowledge", "ai", "demo", "config"})
        + imports_of(set(ALLOWED) - {"config", "demo"}, {"demo"})
    )
    assert not wrong, "\n".join(wrong)


CORE_MODELS = {"Ticket", "Message"}
CREATING = {"create", "bulk_create", "get_or_create", "update_or_create"}
RELATED_MANAGERS = {"messages", "tickets", "follow_ups"}  # customer.tickets.create(...), ticket.messages...


def _creations(tree: ast.AST) -> list[tuple[int, str]]:
    """Every place a Ticket or Message row is made: Model.objects.create/bulk_create/..., a related
    manager's create (ticket.messages.create), or a bare Ticket(...) / Message(...) instance."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in CORE_MODELS:
            found.append((node.lineno, f"{name}(...)"))
        if (
            isinstance(func, ast.Attribute)
            and func.attr in CREATING
            and isinstance(func.value, ast.Attribute)
        ):
            manager = func.value
            owner = manager.value
            owner_name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else ""
            )
            if manager.attr in {"objects", "_default_manager"} and owner_name in CORE_MODELS:
                found.append((node.lineno, f"{owner_name}.{manager.attr}.{func.attr}(...)"))
            elif manager.attr in RELATED_MANAGERS:
                found.append((node.lineno, f".{manager.attr}.{func.attr}(...)"))
    return found


def test_the_creation_detector_sees_every_form():
    code = (
        "Ticket.objects.create(subject='x')\n"
        "models.Message.objects.bulk_create([Message(body='x')])\n"
        "ticket.messages.create(body='x')\n"
        "Message._default_manager.get_or_create(pk=1)\n"
        "Tag.objects.create(name='x')\n"
    )
    assert sorted(line for line, _ in _creations(ast.parse(code))) == [1, 2, 2, 3, 4]


def test_tickets_and_messages_are_created_only_in_the_core_services():
    """One front door: nothing outside helpdesk/services/ creates a ticket or a customer message."""
    wrong = []
    for name, path in MODULES.items():
        if name.startswith("helpdesk.services."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrong += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in _creations(tree)]
    assert not wrong, "tickets/messages created outside helpdesk/services/:\n" + "\n".join(wrong)
