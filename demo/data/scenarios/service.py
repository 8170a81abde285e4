"""Workshop & Warranty conversations about upkeep: inspections and spare parts."""

from demo.data.scenarios.base import Scenario, Story

SERVICE = Scenario(
    key="service",
    team="workshop",
    tags=("service",),
    weight=6,
    priorities=(("low", 5), ("normal", 5)),
    channels=(("email", 4), ("web", 4), ("phone", 2)),
    stories=(
        Story(
            subject={"en": "Book the first inspection", "de": "Erstinspektion buchen"},
            opening={
                "en": "My {model} has done {km} km, so the free first inspection is due. How do I book it?",
                "de": "mein {model} hat jetzt {km} km, die kostenlose Erstinspektion ist also fällig. Wie buche "
                "ich die?",
            },
            reply={
                "en": "We can see you at our workshop or at a partner shop near you. Which postcode should I "
                "check, and do mornings or afternoons suit you better?",
                "de": "das geht bei uns in der Werkstatt oder bei einem Partnerbetrieb in Ihrer Nähe. Für welche "
                "Postleitzahl soll ich schauen, und passt Ihnen vormittags oder nachmittags besser?",
            },
            followup={"en": "LS6, and mornings are best.", "de": "80337, am liebsten vormittags."},
            resolution={
                "en": "You're booked at our partner Velo Yard for {date} at 9:00. The inspection takes about "
                "90 minutes; bring the key and the charger.",
                "de": "Sie sind beim Partnerbetrieb Radwerk Süd am {date} um 9:00 Uhr eingetragen. Die "
                "Inspektion dauert etwa 90 Minuten; bitte Schlüssel und Ladegerät mitbringen.",
            },
            note="Booked in the partner calendar; free first inspection voucher attached to the order.",
            hold_note="Partner workshop fully booked this week; waiting for a free slot.",
        ),
        Story(
            subject={"en": "Brakes squeaking, gears skipping", "de": "Bremsen quietschen, Schaltung springt"},
            opening={
                "en": "The brakes on my {model} have started squeaking loudly and the gears skip on the two "
                "smallest sprockets. Can I bring the bike in for a service?",
                "de": "die Bremsen an meinem {model} quietschen laut und die Schaltung springt auf den beiden "
                "kleinsten Ritzeln. Kann ich das Rad zur Inspektion bringen?",
            },
            reply={
                "en": "Sure! Both sound like normal wear after the first months. Which day next week suits you "
                "for dropping the bike off at our workshop?",
                "de": "gern! Beides klingt nach normalem Verschleiß nach den ersten Monaten. Welcher Tag nächste "
                "Woche passt Ihnen, um das Rad in unserer Werkstatt abzugeben?",
            },
            followup={
                "en": "Any afternoon works for me.",
                "de": "Nächste Woche passt mir jeder Nachmittag.",
            },
            resolution={
                "en": "You're booked for {date} at 14:00. We'll replace the brake pads and adjust the gears; "
                "it takes about an hour, so you can wait in our café.",
                "de": "Sie sind am {date} um 14:00 Uhr eingetragen. Wir tauschen die Bremsbeläge und stellen die "
                "Schaltung ein; das dauert etwa eine Stunde, Sie können in unserem Café warten.",
            },
            note="Brake pads probably worn; have a set ready. Gear cable stretch is normal at this mileage.",
            hold_note="Workshop fully booked this week; waiting for a free slot.",
        ),
    ),
)

SPARE_PARTS = Scenario(
    key="spare_parts",
    team="workshop",
    tags=("spare-parts",),
    weight=5,
    priorities=(("low", 4), ("normal", 6)),
    stories=(
        Story(
            subject={"en": "Replacement battery key lost", "de": "Akkuschlüssel verloren"},
            opening={
                "en": "I lost the key for the battery lock of my {model}. Can I order a replacement?",
                "de": "ich habe den Schlüssel für das Akkuschloss meines {model} verloren. Kann ich einen Ersatz "
                "bestellen?",
            },
            reply={
                "en": "Yes. We need the number stamped on the lock cylinder or on the key tag. Could you send it?",
                "de": "ja. Wir brauchen die Nummer auf dem Schlosszylinder oder dem Schlüsselanhänger. Können "
                "Sie sie schicken?",
            },
            followup={"en": "The number on the lock is 4417.", "de": "Die Nummer am Schloss ist 4417."},
            resolution={
                "en": "Thanks! Two keys for lock 4417 are in a new order for you; you'll get the payment link "
                "by email and they ship the next working day.",
                "de": "danke! Zwei Schlüssel für Schloss 4417 sind in einer neuen Bestellung für Sie; den "
                "Zahlungslink bekommen Sie per E-Mail, der Versand erfolgt am nächsten Werktag.",
            },
            note="Key 4417 in stock. Keys are only sent to the address on the original order.",
            hold_note="Key blanks on back order from the lock supplier; ETA two weeks.",
        ),
        Story(
            subject={"en": "Second charger for the {model}", "de": "Zweites Ladegerät für das {model}"},
            opening={
                "en": "I'd like a second charger for the office. Which one fits the {model} and what does it cost?",
                "de": "ich hätte gern ein zweites Ladegerät fürs Büro. Welches passt zum {model} und was kostet "
                "es?",
            },
            reply={
                "en": "Happy to help. Which model year is your bike? The 2024 and 2025 models use different plugs.",
                "de": "gern. Welches Modelljahr hat Ihr Rad? Die Modelle 2024 und 2025 haben unterschiedliche "
                "Stecker.",
            },
            followup={"en": "It's a 2025 model.", "de": "Es ist ein 2025er Modell."},
            resolution={
                "en": "For the 2025 {model} it's the 4A fast charger at EUR 129. I've put it in your basket; "
                "it ships the next working day.",
                "de": "für das {model} von 2025 ist es das 4A-Schnellladegerät für 129 Euro. Ich habe es in Ihren "
                "Warenkorb gelegt, der Versand erfolgt am nächsten Werktag.",
            },
            note="Part number looked up in the parts catalogue; in stock.",
            hold_note="4A chargers on back order from the supplier; ETA two weeks.",
        ),
    ),
)

SERVICE_SCENARIOS = (SERVICE, SPARE_PARTS)
