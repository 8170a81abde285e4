"""Help-center articles of Northwind Bikes, the demo company (see demo/data/company.py).

The articles are markdown files in knowledge_content/; demo/knowledge.py turns it into categories and articles through the services. Facts match
the demo's macros and tickets: 30-day returns with a prepaid label, 3-5 working days delivery, the
Northwind Ride app, warranty claims with photos and the frame number, VAT-ID invoice corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CATEGORIES = (
    ("orders-delivery", "Orders & delivery", "Ordering, delivery times, tracking and damaged parcels."),
    ("returns-refunds", "Returns & refunds", "Sending a bike or accessory back and getting your money."),
    ("your-ebike", "Your e-bike", "Battery, charging, the display, the motor, brakes and servicing."),
    ("ride-app", "Northwind Ride app", "Your account, logging in, two-factor sign-in and pairing the bike."),
    ("billing-warranty", "Billing & warranty", "Invoices, payment, financing, leasing and warranty claims."),
)


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    category: str
    title: str
    summary: str
    body: str
    author: str = "alice"
    internal_only: bool = False
    language: str = "en"
    translation_of: str = ""


CONTENT_DIR = Path(__file__).resolve().parent / "knowledge_content"


def _parse(path: Path) -> DemoArticle:
    """A markdown file with a small `key: value` front matter between `---` lines."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
    return DemoArticle(
        slug=meta["slug"],
        category=meta["category"],
        title=meta["title"],
        summary=meta["summary"],
        body=body.strip(),
        author=meta.get("author", "alice"),
        internal_only=meta.get("internal_only") == "true",
        language=meta.get("language", "en"),
        translation_of=meta.get("translation_of", ""),
    )


# File names start with a number that keeps the authored order (used as the article position).
ARTICLES = tuple(_parse(path) for path in sorted(CONTENT_DIR.glob("*.md")))
