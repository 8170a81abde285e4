import pytest

from gateway.pii import engine

pytestmark = pytest.mark.django_db


def test_ai_settings_admin_shows_engine(client_admin):
    response = client_admin.get("/admin/ai/aisettings/", follow=True)
    assert response.status_code == 200


def test_patterns_only_warning(client_admin, settings, monkeypatch):
    # A model name that is not installed: the real status function reports patterns-only.
    settings.HELMDESK_PII_SPACY_MODEL = "no_such_spacy_model"
    monkeypatch.setattr(engine, "_engine", None)
    response = client_admin.get("/admin/ai/aisettings/", follow=True)
    assert any("patterns only" in str(m) for m in response.context["messages"])
