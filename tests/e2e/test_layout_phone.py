"""(g) Every main page at phone width (390x844): no horizontal scrolling, and a screenshot of each.

Set HELMDESK_E2E_SCREENSHOTS=<dir> to keep the screenshots (otherwise they go to pytest's tmp dir)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_TIMEOUT, PHONE, needs_chromium

pytestmark = [needs_chromium, DEMO_TIMEOUT]
PAGES = (
    "inbox", "ticket", "reports", "knowledge editor", "agent settings", "help center", "help search",
    "article", "portal form", "portal login", "portal tickets", "portal ticket", "admin index",
)  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_phone_width(name, site, main_pages, open_as, tmp_path):
    path, who = main_pages[name]
    page = open_as(who, f"{site}{path}", viewport=PHONE, is_mobile=True, has_touch=True)
    shots = Path(os.environ.get("HELMDESK_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"\W+", "-", name)
    page.screenshot(path=str(shots / f"phone-{slug}.png"), full_page=True)
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                          && getComputedStyle(el).position !== 'fixed')
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                       + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                       + ' right=' + Math.round(el.getBoundingClientRect().right))"""
    )
    assert scroll_width <= inner_width, (
        f"{path}: page is {scroll_width}px wide at {inner_width}px; widest: {wide}"
    )
