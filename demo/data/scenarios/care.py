"""Customer Care conversations: returns, the Northwind Ride app, advice before buying."""

from demo.data.scenarios.base import Scenario, Story

RETURN_REQUEST = Scenario(
    key="return_request",
    team="customer-care",
    tags=("return",),
    weight=7,
    stories=(
        Story(
            subject={"en": "Return my {model}", "de": "Rücksendung {model}"},
            opening={
                "en": "I bought a {model} three weeks ago but the frame is too big for me after all; my knees "
                "hit the handlebar in tight turns. I'd like to return it. How does that work?",
                "de": "ich habe vor drei Wochen ein {model} gekauft, aber der Rahmen ist mir doch zu groß. "
                "Ich möchte das Rad gern zurückgeben. Wie funktioniert das?",
            },
            reply={
                "en": "Of course, you can return the bike within 30 days of delivery. Do you still have the "
                "original box? If so, I'll send you a prepaid return label and {carrier} picks it up.",
                "de": "natürlich, Sie können das Rad innerhalb von 30 Tagen nach Lieferung zurückgeben. Haben "
                "Sie den Originalkarton noch? Dann schicke ich Ihnen ein Retourenlabel und {carrier} holt "
                "das Rad ab.",
            },
            followup={
                "en": "Yes, I kept the box. A refund please.",
                "de": "Ja, der Karton ist noch da. Bitte das Geld zurück.",
            },
            resolution={
                "en": "The return label is in your inbox and the pick-up is booked for {date}. The refund of "
                "{amount} goes out as soon as the bike is back in our warehouse, usually within 3 working days.",
                "de": "das Retourenlabel ist in Ihrem Postfach und die Abholung für {date} gebucht. Die "
                "Erstattung von {amount} veranlassen wir, sobald das Rad bei uns ist, meist innerhalb von "
                "3 Werktagen.",
            },
            note="Return authorised, RMA {order}-R. Bike must come back with charger and keys.",
            hold_note="Waiting for the returned bike to arrive at the warehouse before the refund.",
        ),
        Story(
            subject={
                "en": "Exchange for a smaller size ({order})",
                "de": "Umtausch in kleinere Größe ({order})",
            },
            opening={
                "en": "The {model} is a great bike but size L is a bit too big for me. Can I exchange it for "
                "an M? Order {order}, I only rode it around the block once.",
                "de": "das {model} ist super, aber Größe L ist mir etwas zu groß. Kann ich es gegen ein M "
                "tauschen? Bestellung {order}, nur einmal um den Block gefahren.",
            },
            reply={
                "en": "No problem, you're within the 30 days. Would you like the same colour in size M?",
                "de": "kein Problem, Sie sind innerhalb der 30 Tage. Möchten Sie Größe M in derselben Farbe?",
            },
            followup={
                "en": "Same colour would be great, thank you.",
                "de": "Gern in derselben Farbe, danke.",
            },
            resolution={
                "en": "Done: size M in the same colour is reserved for you. The driver brings the new bike and "
                "takes the old one on {date}, so you are never without a bike.",
                "de": "erledigt: Größe M in derselben Farbe ist für Sie reserviert. Der Fahrer bringt das neue "
                "Rad am {date} und nimmt das alte gleich mit.",
            },
            note="Checked stock: size M available in the warehouse. Exchange order created.",
            hold_note="Size M in this colour arrives from the supplier next week.",
        ),
    ),
)

APP_LOGIN = Scenario(
    key="app_login",
    team="customer-care",
    tags=("app", "login"),
    weight=9,
    channels=(("email", 3), ("web", 3), ("chat", 4)),
    stories=(
        Story(
            subject={
                "en": "Can't log in to the Northwind Ride app",
                "de": "Login in die Northwind Ride App geht nicht",
            },
            opening={
                "en": 'Since the last update the Northwind Ride app says "invalid credentials" even though my '
                "password is definitely right. I reset it twice already. Android 14.",
                "de": 'seit dem letzten Update sagt die Northwind Ride App "ungültige Zugangsdaten", obwohl '
                "mein Passwort sicher stimmt. Ich habe es schon zweimal zurückgesetzt. Android 14.",
            },
            reply={
                "en": "Sorry for the trouble. We fixed a login bug in version 3.4.2 of the app. Could you update "
                "the app, sign out completely and try again? If it still fails, tell me the exact time you "
                "tried so I can look at the logs.",
                "de": "entschuldigen Sie die Umstände. Mit Version 3.4.2 der App haben wir einen Fehler beim "
                "Login behoben. Könnten Sie die App aktualisieren, sich ganz abmelden und es erneut "
                "versuchen? Falls es nicht klappt, nennen Sie mir bitte die genaue Uhrzeit.",
            },
            followup={
                "en": "Still failing after the update. I tried at 19:40 tonight.",
                "de": "Klappt nach dem Update immer noch nicht. Versucht habe ich es heute um 19:40 Uhr.",
            },
            resolution={
                "en": "Your account was locked after too many attempts with the old app version. I've unlocked "
                "it, so you can log in with your current password now.",
                "de": "Ihr Konto war nach zu vielen Versuchen mit der alten App-Version gesperrt. Ich habe es "
                "entsperrt, Sie können sich jetzt mit Ihrem aktuellen Passwort anmelden.",
            },
            note="Auth log shows 12 failed attempts from app 3.3.9, account locked. Unlocked.",
            hold_note="Waiting for the app team to look at the auth logs (ticket APP-398).",
        ),
        Story(
            subject={"en": "Bike won't pair with the app", "de": "Rad verbindet sich nicht mit der App"},
            opening={
                "en": "The app finds my {model} over Bluetooth but pairing fails at 90% every time. iPhone 15.",
                "de": "die App findet mein {model} per Bluetooth, aber das Koppeln bricht jedes Mal bei 90% ab. "
                "iPhone 15.",
            },
            reply={
                "en": "Thanks for the details. Please remove the bike under Settings > Bluetooth on your phone, "
                "switch the bike off and on, and pair again from the app. Does the display show a "
                "six-digit code?",
                "de": "danke für die Details. Bitte entfernen Sie das Rad in den Bluetooth-Einstellungen des "
                "Handys, schalten das Rad aus und wieder ein und koppeln es neu über die App. Zeigt das "
                "Display einen sechsstelligen Code an?",
            },
            followup={
                "en": "Yes, there's a code on the display now and pairing worked. What was wrong?",
                "de": "Ja, jetzt kommt ein Code auf dem Display und das Koppeln hat funktioniert. Woran lag es?",
            },
            resolution={
                "en": "The phone still had the pairing from an earlier attempt stored, which blocks a new one. "
                "Removing it fixes this for good.",
                "de": "auf dem Handy war noch eine alte Kopplung gespeichert, die eine neue blockiert. Nach dem "
                "Entfernen ist das dauerhaft behoben.",
            },
            note="Known issue APP-412 (pairing fails on iOS when an old bond exists). Linked to the bug.",
            hold_note="Waiting for the app team to ship the fix for APP-412 (planned for the next release).",
        ),
        Story(
            subject={"en": "No password reset email", "de": "Keine E-Mail zum Passwort-Zurücksetzen"},
            opening={
                "en": "I never get the password reset email for the app. I checked spam too. Can you help me "
                "get back into my account?",
                "de": "ich bekomme keine E-Mail zum Zurücksetzen des Passworts für die App, auch nicht im Spam. "
                "Können Sie mir helfen?",
            },
            reply={
                "en": "Let's sort that out. Which email address do you use for the app? Sometimes it's a "
                "different one from the shop account.",
                "de": "das bekommen wir hin. Mit welcher E-Mail-Adresse sind Sie in der App angemeldet? Manchmal "
                "ist es eine andere als im Shop-Konto.",
            },
            followup={
                "en": "Oh, probably my old work address. I don't have access to that anymore.",
                "de": "Oh, wahrscheinlich meine alte Arbeitsadresse. Auf die habe ich keinen Zugriff mehr.",
            },
            resolution={
                "en": "I've moved the app account to your current email address; the reset email is on its way "
                "and the link is valid for 30 minutes.",
                "de": "ich habe das App-Konto auf Ihre aktuelle E-Mail-Adresse umgestellt; die E-Mail zum "
                "Zurücksetzen ist unterwegs, der Link gilt 30 Minuten.",
            },
            note="Verified identity via order number and billing address before changing the login email.",
            hold_note="Waiting for the customer to confirm ownership from the old address (bounced).",
        ),
    ),
)

SIZE_ADVICE = Scenario(
    key="size_advice",
    team="customer-care",
    tags=("pre-sales",),
    weight=5,
    priorities=(("low", 6), ("normal", 4)),
    channels=(("chat", 5), ("web", 3), ("email", 2)),
    stories=(
        Story(
            subject={"en": "Which frame size for the {model}?", "de": "Welche Rahmengröße beim {model}?"},
            opening={
                "en": "I'm 178 cm tall with an inside leg of 82 cm. Would you recommend M or L for the {model}?",
                "de": "ich bin 1,78 m groß, Schrittlänge 82 cm. Würden Sie beim {model} M oder L empfehlen?",
            },
            reply={
                "en": "With those measurements size M fits best for an upright, comfortable position. Do you "
                "mostly ride in the city or also longer tours?",
                "de": "bei diesen Maßen passt Größe M am besten für eine aufrechte, bequeme Sitzposition. Fahren "
                "Sie hauptsächlich in der Stadt oder auch längere Touren?",
            },
            followup={
                "en": "Mostly commuting, 15 km each way.",
                "de": "Hauptsächlich zur Arbeit, 15 km pro Strecke.",
            },
            resolution={
                "en": "Then M is the right choice, and the 625 Wh battery easily covers a week of commuting in "
                "ECO mode.",
                "de": "dann ist M die richtige Wahl, und der 625-Wh-Akku reicht im ECO-Modus locker für eine "
                "Woche Pendeln.",
            },
            note="Asked about three bikes for the family; mentioned the bundle discount.",
            hold_note="Waiting for the new size chart from the product team.",
        ),
        Story(
            subject={"en": "Test ride possible?", "de": "Probefahrt möglich?"},
            opening={
                "en": "Is there anywhere near me where I can test ride the {model} before ordering?",
                "de": "kann ich das {model} irgendwo in meiner Nähe Probe fahren, bevor ich bestelle?",
            },
            reply={
                "en": "Yes, our partner shops offer test rides. Which postcode should I look up for you?",
                "de": "ja, unsere Partnerhändler bieten Probefahrten an. Für welche Postleitzahl soll ich "
                "nachsehen?",
            },
            followup={"en": "Postcode M14, thanks!", "de": "Postleitzahl 81371, danke!"},
            resolution={
                "en": "The nearest partner is Cycle Hub, 2 km from you; they have the {model} in M and L for "
                "test rides. Booking ahead on their website is best.",
                "de": "der nächste Partner ist Radhaus Sendling, 2 km von Ihnen; dort steht das {model} in M "
                "und L zur Probefahrt. Am besten vorher online einen Termin buchen.",
            },
            note="Potential fleet customer? Asked about 3 bikes. Passed to sales.",
            hold_note="Waiting for the partner shop to confirm the test-ride date.",
        ),
    ),
)

CARE = (RETURN_REQUEST, APP_LOGIN, SIZE_ADVICE)
