"""Help-center articles of Northwind Bikes, the demo company (see helpdesk/demo/company.py).

Plain data; knowledge/demo.py turns it into categories and articles through the services. Facts match
the demo's macros and tickets: 30-day returns with a prepaid label, 3-5 working days delivery, the
Northwind Ride app, warranty claims with photos and the frame number, VAT-ID invoice corrections.
"""

from __future__ import annotations

from dataclasses import dataclass

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


ARTICLES = (
    # --- Orders & delivery -------------------------------------------------------------------------
    DemoArticle(
        "delivery-times",
        "orders-delivery",
        "How long does delivery take?",
        "Bikes arrive within 3-5 working days in the UK, Germany and Austria; accessories within 2-3.",
        """Every bike is checked in our workshop before it leaves, so it ships ready to ride.

## Delivery times

| What | UK | Germany | Austria |
|---|---|---|---|
| Bikes | 3-5 working days | 3-5 working days | 4-6 working days |
| Accessories and spare parts | 2-3 working days | 2-3 working days | 3-4 working days |

Orders placed before 1 pm on a working day leave our warehouse the same day.

## Who delivers

Bikes travel by freight carrier in a reinforced box and are delivered to the door. The carrier calls
or texts you the day before to agree on a time window. Accessories come with the regular parcel service.

If your order is late, see [[track-your-order]] or [[delayed-delivery]].""",
    ),
    DemoArticle(
        "track-your-order",
        "orders-delivery",
        "Tracking your order",
        "Follow your parcel with the tracking link from the shipping confirmation email.",
        """As soon as your order leaves our warehouse you get a **shipping confirmation** email with
the carrier's name and a tracking link.

1. Open the shipping confirmation email (check your spam folder too).
2. Click **Track my delivery**.
3. The carrier's page shows where the parcel is and the expected delivery day.

Tracking can take up to 24 hours to show the first scan.

You can also see every order and its tracking number in your account under **Orders**.
If the tracking has not moved for three working days, contact us with your order number and we will
ask the carrier.""",
    ),
    DemoArticle(
        "change-delivery-address",
        "orders-delivery",
        "Changing the delivery address",
        "Change the address before the order ships; afterwards the carrier can redirect it for you.",
        """**Before the order ships** (status *Processing* in your account) you can change the address
yourself: open the order, click **Edit address** and save.

**After it has shipped** we can no longer change the address in our system. Use the carrier's tracking
page to choose a different delivery day or a neighbour, or reply to your shipping confirmation and we
will ask the carrier to redirect the parcel (this is not always possible for bikes on freight).

For safety reasons we cannot change the address to a different country after payment.""",
    ),
    DemoArticle(
        "damaged-parcel",
        "orders-delivery",
        "My parcel arrived damaged",
        "Note the damage with the driver, take photos, and tell us within 7 days.",
        """Bikes ship in reinforced boxes, but a parcel can still get damaged on the way.

## If the box is damaged when it arrives

- Ask the driver to note the damage on the delivery receipt, or refuse the delivery if the box is badly
  broken.
- Take photos of the box from several sides before you open it.

## If the bike or part is damaged

Contact us **within 7 days** with:

- your order number,
- photos of the damage and of the box,
- a photo of the frame number (under the bottom bracket).

We send a replacement part or collect the bike for repair at no cost to you. Please keep the box until
the case is closed.""",
    ),
    DemoArticle(
        "delayed-delivery",
        "orders-delivery",
        "My delivery is late",
        "What to do when your order has not arrived in the expected time.",
        """Most deliveries arrive on time, but freight carriers are sometimes delayed by weather or
high volumes.

1. Check the tracking link in your shipping confirmation (see [[track-your-order]]).
2. If the expected date has passed by more than two working days, contact us with your order number.

We contact the carrier, confirm a new delivery date with you and **refund the shipping costs** for any
bike that arrives more than five working days late.""",
    ),
    # --- Returns & refunds ---------------------------------------------------------------------------
    DemoArticle(
        "return-a-bike",
        "returns-refunds",
        "Returning a bike within 30 days",
        "You can return a bike within 30 days of delivery with our prepaid return label.",
        """Not happy with your bike? You can return it **within 30 days of delivery**, no reasons needed.

## How to return

1. Sign in to your account, open the order and click **Return**. Or write to us with your order number.
2. We email you a **prepaid return label** within one working day.
3. Pack the bike in the **original box** with all accessories, the charger and the keys.
4. Book a pick-up with the carrier using the phone number on the label.

## Condition

The bike should be in as-new condition and ridden no more than 50 km. If it shows wear, we may deduct
the cost of restoring it; we always tell you before.

Your refund follows as described in [[refund-timing]].""",
    ),
    DemoArticle(
        "ruecksendung-fahrrad",
        "returns-refunds",
        "Fahrrad innerhalb von 30 Tagen zurücksenden",
        "Sie können ein Fahrrad innerhalb von 30 Tagen nach der Lieferung mit unserem vorfrankierten Rücksendeetikett zurückgeben.",
        """Sie sind mit Ihrem Fahrrad nicht zufrieden? Sie können es **innerhalb von 30 Tagen nach der
Lieferung** zurücksenden, ohne Angabe von Gründen.

## So funktioniert die Rücksendung

1. Melden Sie sich in Ihrem Konto an, öffnen Sie die Bestellung und klicken Sie auf **Rücksendung**.
   Oder schreiben Sie uns mit Ihrer Bestellnummer.
2. Wir senden Ihnen innerhalb eines Werktags ein **vorfrankiertes Rücksendeetikett** per E-Mail.
3. Verpacken Sie das Fahrrad im **Originalkarton** mit allem Zubehör, dem Ladegerät und den Schlüsseln.
4. Vereinbaren Sie mit der Spedition einen Abholtermin (Telefonnummer auf dem Etikett).

## Zustand

Das Fahrrad sollte neuwertig sein und höchstens 50 km gefahren worden sein. Bei Gebrauchsspuren können
wir die Kosten für die Aufbereitung abziehen; wir informieren Sie immer vorher.

Die Erstattung erfolgt innerhalb von 5 Werktagen, nachdem das Fahrrad bei uns eingetroffen ist.""",
        author="bruno",
        language="de",
        translation_of="return-a-bike",
    ),
    DemoArticle(
        "refund-timing",
        "returns-refunds",
        "When will I get my refund?",
        "Refunds are issued within 5 working days after your return arrives at our warehouse.",
        """We refund your payment **within 5 working days after the return arrives** at our
warehouse and has been checked. You get an email when the refund is issued.

| Payment method | Money back on your account |
|---|---|
| Card | 3-5 working days after the refund |
| PayPal | usually within 24 hours |
| Bank transfer | 1-2 working days |
| 0% financing | the financing contract is cancelled; instalments already paid are refunded |

Shipping costs of the original order are refunded when you return the whole order.
If your refund has not arrived after 10 working days, contact Billing with your order number.""",
        author="bruno",
    ),
    DemoArticle(
        "exchange-frame-size",
        "returns-refunds",
        "Exchanging a bike for another frame size",
        "Swap your bike for another size within 30 days; we ship the new one when the old one is on its way.",
        """If the frame size does not fit, we exchange the bike for another size of the same model
within 30 days of delivery.

1. Check the size you need in [[frame-size-guide]].
2. Write to us with your order number and the new size.
3. We send you a prepaid label for the current bike and reserve the new one.
4. As soon as the carrier has scanned your return, the new bike ships.

Exchanges are free of charge. If the new size costs more, we send you a payment link for the difference.""",
    ),
    DemoArticle(
        "return-accessories",
        "returns-refunds",
        "Returning accessories and spare parts",
        "Unused accessories can be returned within 30 days in their original packaging.",
        """Helmets, locks, bags, lights and spare parts can be returned **within 30 days** if they are
unused and in their original packaging.

- Request the return in your account under **Orders** or write to us.
- Accessories go back with the regular parcel service; the label is free for orders over £/€50.
- Batteries must be returned with the prepaid dangerous-goods label we send you: never post a battery
  yourself.

For hygiene reasons we cannot take back helmets or saddles that have been used.""",
    ),
    # --- Your e-bike ---------------------------------------------------------------------------------
    DemoArticle(
        "battery-care",
        "your-ebike",
        "Battery care: get the most out of your battery",
        "Charge and store the battery at room temperature and keep it between 30% and 80% when stored.",
        """The lithium-ion battery is the most valuable part of your e-bike. A few habits keep it
healthy for many years (typically 800-1,000 full charge cycles).

## Charging

- Charge **indoors at room temperature** (10-25 °C). Charging below 0 °C damages the cells.
- Use only the Northwind charger that came with your bike.
- You do not need to wait until the battery is empty; partial charges are fine.

## Storing

- Not riding for a few weeks? Store the battery at **30-80%**, indoors, away from heaters.
- Check the charge every two months and top it up to about 60%.

## Cold weather

Lithium batteries lose range in the cold: expect 20-30% less range below 5 °C. Keep the battery
indoors until you ride and use **ECO** mode on long rides. See also [[battery-range]].""",
        author="chen",
    ),
    DemoArticle(
        "battery-range",
        "your-ebike",
        "How far can I ride on one charge?",
        "Range depends on the model, assist mode, terrain, weight and temperature.",
        """Typical range on one charge, for a rider of 75 kg on mixed terrain at 15 °C:

| Model | Battery | ECO | TOUR | SPORT | TURBO |
|---|---|---|---|---|---|
| Northwind City 300 | 400 Wh | 110 km | 80 km | 60 km | 40 km |
| Northwind Trail 500 | 625 Wh | 140 km | 100 km | 75 km | 55 km |
| Northwind Trekking 700 | 750 Wh | 170 km | 125 km | 95 km | 65 km |
| Northwind Cargo 2 | 2 × 500 Wh | 160 km | 110 km | 80 km | 55 km |
| Northwind Fold S | 300 Wh | 70 km | 55 km | 40 km | 30 km |

Range goes down with hills, headwind, low tyre pressure, heavy loads and cold weather.

If your range has dropped by more than a third compared with when the bike was new, see
[[battery-care]] first and then contact the workshop; we can read the battery's health in a service.""",
        author="chen",
    ),
    DemoArticle(
        "display-error-codes",
        "your-ebike",
        "Error codes on the display",
        "What the most common error codes mean and what you can do yourself.",
        """When the system detects a problem, the display shows an error code. Switch the bike off and
on again first; many codes clear after a restart.

| Code | Meaning | What to do |
|---|---|---|
| E01 | Battery not detected | Remove and re-insert the battery until it clicks. Clean the contacts. |
| E03 | Speed sensor signal missing | Check that the spoke magnet is aligned with the sensor (gap under 12 mm). |
| E07 | Motor overheating | Stop for 10 minutes and ride on in a lower assist mode. |
| E10 | Battery too cold or too hot | Bring the battery to room temperature before charging or riding. |
| E21 | Communication error | Check the display cable plug at the handlebar; restart the system. |

If a code comes back after a restart, note the code and the mileage shown under **Info** and contact
the workshop. Do not open the motor or battery: this voids the warranty (see [[warranty-terms]]).""",
        author="chen",
    ),
    DemoArticle(
        "motor-noise",
        "your-ebike",
        "The motor makes a clicking or grinding noise",
        "Most noises come from the chain, crank or bottom bracket, not the motor itself.",
        """A new noise is worth checking before it becomes a bigger problem.

## Check these first

1. **Chain**: dry or dirty chains squeak and click. Clean and oil the chain.
2. **Crank arms**: a clicking once per pedal turn is often a loose crank. Tighten the crank bolts to
   40-50 Nm, or let a bike shop do it.
3. **Pedals**: a creak under load often comes from the pedal threads; remove, grease and refit them.

## When to contact the workshop

A grinding noise that changes with motor assist, or a knocking you can feel in the pedals, should be
checked by us. Record a short video with sound and send it with your order number and the mileage.""",
        author="chen",
    ),
    DemoArticle(
        "brakes-and-service",
        "your-ebike",
        "Brakes, inspections and servicing",
        "Have the bike inspected after the first 300 km and then once a year or every 2,000 km.",
        """Regular servicing keeps your bike safe and your warranty valid.

- **First inspection** after 300 km or three months: cables and bolts settle in. Free of charge at
  our workshop or any partner shop.
- **Yearly service** or every 2,000 km: brakes, gears, chain, wheels, firmware update and battery
  health check.

## Brakes

All Northwind bikes have hydraulic disc brakes. Replace the pads when they are thinner than 1.5 mm or
the brakes squeal and feel weak. New pads need a short bedding-in: ten firm stops from 20 km/h.
If the lever pulls to the handlebar, the brake needs bleeding: please do not ride and book a service.

Book an appointment by replying to your order confirmation or in the app under **Service**.""",
        author="chen",
    ),
    DemoArticle(
        "frame-size-guide",
        "your-ebike",
        "Which frame size do I need?",
        "Choose the frame size by your height and inside-leg length.",
        """Frame sizes by body height:

| Height | City 300 / Trekking 700 | Trail 500 |
|---|---|---|
| 155-165 cm | S (46 cm) | S |
| 165-178 cm | M (50 cm) | M |
| 178-190 cm | L (55 cm) | L |
| 190-200 cm | XL (59 cm) | XL |

The Cargo 2 and the Fold S come in one size with an adjustable stem and seat post (riders 155-195 cm).

Between two sizes? Pick the smaller one for an upright, relaxed ride and the bigger one for a sportier
position. You can always exchange it: see [[exchange-frame-size]].""",
    ),
    # --- Northwind Ride app --------------------------------------------------------------------------
    DemoArticle(
        "app-login-password-reset",
        "ride-app",
        "I can't log in to the Northwind Ride app",
        "Update the app, reset your password with the emailed link (valid 30 minutes), then sign in again.",
        """## Reset your password

1. Update the Northwind Ride app to the latest version.
2. On the login screen tap **Forgot password** and enter the email address of your account.
3. Open the email and use the link **within 30 minutes**; after that it expires and you need a new one.
4. Choose a new password with at least 10 characters and sign in.

## Still not working?

- Check that you use the same email address as in your order; accounts are per email address.
- No email? Look in the spam folder, then request the link again after five minutes.
- After five wrong passwords the account is locked for 15 minutes.

If you have set up two-factor sign-in and lost your phone, see [[app-two-factor]].""",
    ),
    DemoArticle(
        "app-two-factor",
        "ride-app",
        "Two-factor sign-in (2FA) in the app",
        "Protect your account with a code from an authenticator app, and keep your backup codes safe.",
        """Two-factor sign-in asks for a 6-digit code from an authenticator app in addition to your
password. It protects your account and your bike's anti-theft lock.

## Turn it on

1. In the app, open **Profile → Security → Two-factor sign-in**.
2. Scan the QR code with an authenticator app (for example Google Authenticator, Microsoft
   Authenticator or 1Password).
3. Enter the 6-digit code to confirm.
4. Save the **10 backup codes** somewhere safe: each one works once if you lose your phone.

## Lost your phone?

Sign in with one of your backup codes and set up two-factor sign-in again on the new phone.
No backup codes? Contact support from the email address of your account. For your security we verify
your identity with your order number and the frame number before we turn two-factor sign-in off;
this takes up to two working days.""",
    ),
    DemoArticle(
        "app-pairing",
        "ride-app",
        "Pairing the bike with the app",
        "Pair via Bluetooth from the app; if it fails, remove the bike from your phone's Bluetooth list and pair again.",
        """1. Switch the bike on and keep the phone within 2 metres.
2. In the app tap **My bike → Add bike** and follow the steps. The display shows a 6-digit code;
   enter it in the app.
3. The app shows *Connected* and loads the bike's settings.

## If pairing fails

- Remove the bike under your phone's **Settings → Bluetooth** ("Forget this device") and pair again
  from the app, not from the phone's Bluetooth menu.
- Make sure no other phone is connected to the bike at the same time.
- Update the app and restart the phone.

A bike can be paired with up to three phones; the owner's account manages them under **My bike → Riders**.""",
    ),
    DemoArticle(
        "firmware-updates",
        "ride-app",
        "Updating the bike's firmware",
        "Firmware updates install through the app and take about 10 minutes.",
        """We release firmware updates for the motor and display a few times a year. They improve
range, motor smoothness and fix bugs.

1. Charge the battery to at least 30%.
2. Open the app, connect to the bike and tap **My bike → Firmware**.
3. Keep the phone next to the bike and do not switch the bike off until the app says *Done*.

If an update stops halfway, switch the bike off and on and start it again from the app: the bike keeps
the previous firmware until the new one is complete.""",
    ),
    DemoArticle(
        "delete-account",
        "ride-app",
        "Deleting your account and data",
        "Delete your account in the app; ride data is removed within 30 days.",
        """You can delete your Northwind Ride account at any time in **Profile → Privacy → Delete
account**. We then remove your ride history, routes and bike pairings within 30 days.

Order and invoice data are kept for as long as tax law requires (up to 10 years) but are no longer
linked to the app. To get a copy of your data first, tap **Export my data**: you receive a download
link by email within 24 hours.""",
    ),
    # --- Billing & warranty --------------------------------------------------------------------------
    DemoArticle(
        "invoices-vat",
        "billing-warranty",
        "Invoices, company name and VAT ID",
        "Download invoices in your account; for a company name or VAT ID we issue a corrected invoice.",
        """Your invoice is attached to the shipping confirmation email and is always available in
your account under **Orders → Invoice (PDF)**.

## Company name or VAT ID on the invoice

Buying for your company? Reply to your order confirmation with:

- the company name and address as registered,
- your VAT ID (for example GB123456789 or DE123456789).

We issue a **corrected invoice** within two working days and cancel the original one. Please note
that we can only correct invoices from the current and the previous calendar year.""",
        author="bruno",
    ),
    DemoArticle(
        "payment-methods",
        "billing-warranty",
        "Payment methods and charges",
        "We accept cards, PayPal, bank transfer and 0% financing; a double charge is usually a pre-authorisation.",
        """We accept Visa, Mastercard, American Express, PayPal, bank transfer and 0% financing over
12 or 24 months (subject to a credit check by our financing partner).

## Charged twice?

When you pay by card, your bank first reserves the amount (a *pre-authorisation*) and then books the
final payment. For a few days both can show on your statement; the reservation disappears by itself
within 5-7 working days. If two **booked** payments remain after that, send us a screenshot of your
statement and we refund the duplicate at once.

## 0% financing and leasing

Financing is arranged at checkout. Leasing through your employer (bike leasing schemes in Germany and
Austria, cycle-to-work in the UK) is possible for all models: ask your employer for the scheme's order
form and send it to Billing.""",
        author="bruno",
    ),
    DemoArticle(
        "warranty-terms",
        "billing-warranty",
        "Warranty: what is covered and how to claim",
        "Frames have a 5-year warranty, motor and battery 2 years; claims need photos, the frame number and the order number.",
        """## What is covered

| Part | Warranty |
|---|---|
| Frame and fork | 5 years |
| Motor, battery, display, charger | 2 years (battery: at least 70% capacity after 2 years or 500 cycles) |
| Other parts | 2 years |

Wear parts (tyres, brake pads, chain, cassette) and damage from accidents, misuse or opening the motor
or battery are not covered.

## How to claim

Send us:

1. two photos of the damage or the problem,
2. a photo of the **frame number** (under the bottom bracket),
3. your order number.

We reply **within two working days** and, where needed, collect the bike for inspection at no cost.
Keep your service record (see [[brakes-and-service]]): regular servicing is a condition of the warranty.""",
        author="chen",
    ),
    DemoArticle(
        "agent-warranty-checklist",
        "billing-warranty",
        "Warranty claims: checklist for agents",
        "Internal: how to assess a warranty claim before sending it to the workshop.",
        """**Internal - agents only.**

1. Confirm the order and delivery date in the shop admin; warranty starts on the delivery date.
2. Check we have: two photos, frame-number photo, order number. Ask with the macro
   *Warranty: photos and frame number* if anything is missing.
3. Battery claims: ask the customer to send the battery health screen from the app (**My bike →
   Battery**). Below 70% within 2 years / 500 cycles is covered.
4. Tag the ticket `warranty` and assign it to Workshop & Warranty.
5. Goodwill beyond the warranty (up to €150 in parts) can be approved by the team lead; above that,
   ask Helga.

Never promise a replacement before the workshop has assessed the photos.""",
        author="chen",
        internal_only=True,
    ),
    DemoArticle(
        "agent-refund-exceptions",
        "billing-warranty",
        "Refund exceptions and goodwill (agents)",
        "Internal: when agents may refund outside the 30-day window.",
        """**Internal - agents only.**

- Returns up to **14 days after** the 30-day window may be accepted once per customer if the bike is
  unridden (under 10 km). Note the exception in the ticket.
- Delivery more than 5 working days late: refund the shipping costs without being asked
  (macro *Delivery delayed: apology*).
- Double charges: check the payment provider dashboard before replying; refund duplicates the same day.
- Leasing customers: refunds go to the leasing company, never to the rider.

Anything else: ask Billing (Bruno) before promising money back.""",
        author="bruno",
        internal_only=True,
    ),
)
