"""Northwind Bikes, the fictional company of the demo: an e-bike shop selling online in the UK,
Germany and Austria, with its own workshop. Teams, agents, customers and macros are plain data here;
loader.py turns them into rows."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_NAME = "Northwind Bikes"
SUPPORT_EMAIL = "support@northwind-bikes.example"
DEMO_PASSWORD = "helmdesk-demo"
# The one demo user whose presence means "the demo is already loaded".
MARKER_USERNAME = "alice"


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    description: str
    lead: str


@dataclass(frozen=True)
class AgentSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    teams: tuple[str, ...]
    time_zone: str
    language: str
    capacity: int = 20


TEAMS = (
    TeamSpec(
        slug="customer-care",
        name="Customer Care",
        description=(
            "Orders, delivery status and delays, damaged parcels, changing a delivery address, returns "
            "within 30 days, choosing a bike or frame size before buying, and the Northwind Ride app "
            "(account, login, pairing the bike)."
        ),
        lead="alice",
    ),
    TeamSpec(
        slug="billing",
        name="Billing",
        description=(
            "Invoices and invoice corrections (company name, VAT ID), payments, double charges, refunds "
            "after a return, 0% financing and bike leasing through an employer."
        ),
        lead="bruno",
    ),
    TeamSpec(
        slug="workshop",
        name="Workshop & Warranty",
        description=(
            "Technical problems with a bike: battery range and charging, motor noise and error codes on "
            "the display, brakes, gears, spare parts, warranty claims, inspections and repair appointments."
        ),
        lead="chen",
    ),
)

AGENTS = (
    AgentSpec("admin", "Helga", "Sommer", "admin", ("billing",), "Europe/Berlin", "en"),
    AgentSpec("alice", "Alice", "Martin", "agent", ("customer-care",), "Europe/London", "en"),
    AgentSpec("bruno", "Bruno", "Keller", "agent", ("billing", "customer-care"), "Europe/Zurich", "de"),
    AgentSpec("chen", "Chen", "Wei", "agent", ("workshop",), "Europe/Amsterdam", "en", capacity=15),
    AgentSpec("dana", "Dana", "Novak", "agent", ("workshop", "customer-care"), "America/New_York", "es"),
)

# (name, email, language, tier, organization)
CUSTOMERS = (
    ("Oliver Bennett", "oliver.bennett@example.co.uk", "en", "standard", ""),
    ("Amelia Clarke", "amelia.clarke@example.co.uk", "en", "standard", ""),
    ("Harry Walsh", "harry.walsh@example.com", "en", "standard", ""),
    ("Isla Thompson", "isla.thompson@example.co.uk", "en", "standard", ""),
    ("George Patel", "george.patel@example.com", "en", "standard", ""),
    ("Sophie Turner", "sophie.turner@example.org", "en", "standard", ""),
    ("Jack Robinson", "jack.robinson@example.com", "en", "standard", ""),
    ("Emily Hughes", "emily.hughes@example.co.uk", "en", "standard", ""),
    ("Noah Fletcher", "noah.fletcher@example.net", "en", "standard", ""),
    ("Grace O'Neill", "grace.oneill@example.ie", "en", "standard", ""),
    ("Liam Murphy", "liam.murphy@example.ie", "en", "standard", ""),
    ("Chloe Davies", "chloe.davies@example.co.uk", "en", "standard", ""),
    ("Samuel Reid", "samuel.reid@example.com", "en", "standard", ""),
    ("Priya Shah", "priya.shah@example.com", "en", "standard", ""),
    ("Tom Lindqvist", "tom.lindqvist@example.se", "en", "standard", ""),
    ("Marta Kowalska", "marta.kowalska@example.pl", "en", "standard", ""),
    ("Lucas Moreau", "lucas.moreau@example.fr", "en", "standard", ""),
    ("Ella Johansson", "ella.johansson@example.se", "en", "standard", ""),
    ("Daniel Brooks", "daniel.brooks@example.com", "en", "standard", ""),
    ("Hannah Price", "hannah.price@example.co.uk", "en", "standard", ""),
    ("Ruby Evans", "ruby.evans@example.co.uk", "en", "standard", ""),
    ("Ethan Ward", "ethan.ward@example.com", "en", "standard", ""),
    ("Mia Collins", "mia.collins@example.org", "en", "standard", ""),
    ("Ben Carter", "fleet@citycourier.example.co.uk", "en", "vip", "CityCourier Ltd"),
    ("Lena Hoffmann", "lena.hoffmann@example.de", "de", "standard", ""),
    ("Jonas Becker", "jonas.becker@example.de", "de", "standard", ""),
    ("Sabine Wagner", "sabine.wagner@example.de", "de", "standard", ""),
    ("Tobias Schulz", "tobias.schulz@example.de", "de", "standard", ""),
    ("Anna Gruber", "anna.gruber@example.at", "de", "standard", ""),
    ("Maximilian Huber", "max.huber@example.at", "de", "standard", ""),
    ("Katrin Fischer", "katrin.fischer@example.de", "de", "standard", ""),
    ("Felix Neumann", "felix.neumann@example.de", "de", "standard", ""),
    ("Julia Braun", "julia.braun@example.de", "de", "standard", ""),
    ("Stefan Zimmermann", "stefan.zimmermann@example.de", "de", "standard", ""),
    ("Laura Steiner", "laura.steiner@example.ch", "de", "standard", ""),
    ("Michael Krüger", "michael.krueger@example.de", "de", "standard", ""),
    ("Claudia Lehmann", "claudia.lehmann@example.de", "de", "standard", ""),
    ("Andreas Maier", "andreas.maier@example.de", "de", "standard", ""),
    ("Petra Vogel", "petra.vogel@example.de", "de", "standard", ""),
    ("Markus Brandl", "verleih@alpentouren.example.at", "de", "vip", "Alpentouren GmbH"),
)

MODELS = (
    "Northwind City 300",
    "Northwind Trail 500",
    "Northwind Trekking 700",
    "Northwind Cargo 2",
    "Northwind Fold S",
)

# (name, team slug or None, status to set or "", body). Placeholders as documented on Macro.
MACROS = (
    (
        "Order shipped: tracking",
        "customer-care",
        "pending",
        "Hi {{ customer.first_name }},\n\nyour order has left our warehouse. You can follow the parcel with "
        "the tracking link in your shipping confirmation; bikes usually arrive within 3-5 working days.\n\n"
        "Best regards,\n{{ agent.name }}\nNorthwind Bikes Support",
    ),
    (
        "Delivery delayed: apology",
        "customer-care",
        "pending",
        "Hi {{ customer.first_name }},\n\nI'm sorry that your delivery (ticket #{{ ticket.number }}) is late. "
        "The carrier confirmed a new delivery date and we will refund the shipping costs.\n\n"
        "Best regards,\n{{ agent.name }}",
    ),
    (
        "Return label",
        "customer-care",
        "pending",
        "Hi {{ customer.first_name }},\n\nyou can return the bike within 30 days. I've sent the prepaid "
        "return label to your email address; please pack the bike in the original box and book a pick-up "
        "with the carrier.\n\nBest regards,\n{{ agent.name }}",
    ),
    (
        "App login: reset steps",
        "customer-care",
        "pending",
        'Hi {{ customer.first_name }},\n\nplease update the Northwind Ride app, tap "Forgot password" on the '
        "login screen and use the link in the email within 30 minutes. If the bike no longer pairs, "
        "remove it under Settings > Bluetooth and pair it again from the app.\n\nBest regards,\n{{ agent.name }}",
    ),
    (
        "Invoice copy sent",
        "billing",
        "solved",
        "Hi {{ customer.first_name }},\n\nI've attached a copy of your invoice to this reply. If you need the "
        "company name or VAT ID on it, just reply with the details and we will issue a corrected invoice.\n\n"
        "Best regards,\n{{ agent.name }}\nNorthwind Bikes Billing",
    ),
    (
        "Warranty: photos and frame number",
        "workshop",
        "pending",
        "Hi {{ customer.first_name }},\n\nto open a warranty claim we need two photos of the damage, a photo of "
        "the frame number (under the bottom bracket) and the order number. Once we have them we will "
        "reply within two working days.\n\nBest regards,\n{{ agent.name }}\nNorthwind Workshop",
    ),
    (
        "Battery care tips",
        "workshop",
        "",
        "Hi {{ customer.first_name }},\n\nlithium batteries lose range in the cold. Store and charge the "
        "battery indoors at room temperature, keep it between 30% and 80% if you don't ride for a few "
        "weeks, and use the ECO mode on long rides.\n\nBest regards,\n{{ agent.name }}",
    ),
    (
        "Closing: solved",
        None,
        "solved",
        "Hi {{ customer.first_name }},\n\nglad we could sort this out. I'm marking ticket #{{ ticket.number }} "
        "as solved; just reply to this email if anything else comes up.\n\nHappy riding!\n{{ agent.name }}",
    ),
)
