"""Workshop & Warranty conversations about faults: battery, motor and error codes, warranty claims."""

from demo.data.scenarios.base import Scenario, Story

BATTERY = Scenario(
    key="battery",
    team="workshop",
    tags=("battery",),
    weight=12,
    priorities=(("normal", 6), ("high", 4)),
    stories=(
        Story(
            subject={"en": "Battery range dropped a lot", "de": "Akku-Reichweite stark gesunken"},
            opening={
                "en": "When I bought my {model} I got about 90 km in ECO mode. Now, after {km} km, I barely get "
                "45 km. Is the battery faulty?",
                "de": "anfangs bin ich mit meinem {model} im ECO-Modus etwa 90 km weit gekommen. Jetzt, nach "
                "{km} km, schaffe ich kaum noch 45 km. Ist der Akku defekt?",
            },
            reply={
                "en": "Sorry to hear that. Cold weather and high support modes do cut the range, but a drop this "
                "big is worth checking. Could you hold the light button for 5 seconds and tell me the "
                'battery health ("SoH") and the charge cycles shown on the display?',
                "de": "das tut mir leid. Kälte und hohe Unterstützungsstufen kosten Reichweite, aber so ein "
                "starker Rückgang sollte geprüft werden. Halten Sie bitte die Lichttaste 5 Sekunden gedrückt "
                'und nennen Sie mir den Akkuzustand ("SoH") und die Ladezyklen auf dem Display?',
            },
            followup={
                "en": "It says SoH 71% and 212 cycles. The bike is only 14 months old.",
                "de": "Da steht SoH 71% und 212 Ladezyklen. Das Rad ist erst 14 Monate alt.",
            },
            resolution={
                "en": "71% after 14 months is below what the cells should do, so this is covered by the 2-year "
                "warranty. A replacement battery ships on {date}; please send the old one back in the same "
                "box with the enclosed hazardous-goods label.",
                "de": "71% nach 14 Monaten ist weniger, als die Zellen leisten sollten; das fällt unter die "
                "2-jährige Gewährleistung. Ein Ersatzakku geht am {date} raus; bitte schicken Sie den alten "
                "im selben Karton mit dem beiliegenden Gefahrgut-Etikett zurück.",
            },
            note="SoH 71% at 212 cycles is out of spec (expected >85%). Warranty battery approved.",
            hold_note="Replacement batteries (625 Wh) back in stock on the 15th; on hold until then.",
        ),
        Story(
            subject={"en": "Battery won't charge", "de": "Akku lädt nicht mehr"},
            opening={
                "en": "The battery of my {model} doesn't charge anymore. The charger light turns green straight "
                "away and the display stays at 12%. I've tried two different sockets.",
                "de": "der Akku meines {model} lädt nicht mehr. Die Lampe am Ladegerät wird sofort grün und das "
                "Display bleibt bei 12%. Ich habe schon zwei Steckdosen probiert.",
            },
            reply={
                "en": "Let's find out whether it is the charger or the battery. Does the battery's own LED show "
                "anything when you press its button? And could you borrow a charger from someone with the "
                "same bike?",
                "de": "lassen Sie uns herausfinden, ob es am Ladegerät oder am Akku liegt. Zeigt die LED am "
                "Akku etwas an, wenn Sie dort auf den Knopf drücken? Und können Sie sich ein baugleiches "
                "Ladegerät leihen?",
            },
            followup={
                "en": "The battery LED blinks red three times. A friend's charger does the same thing.",
                "de": "Die LED am Akku blinkt dreimal rot. Mit dem Ladegerät von einem Freund passiert dasselbe.",
            },
            resolution={
                "en": "Three red blinks mean a cell imbalance, so the battery needs to be replaced; it's under "
                "warranty. The new battery ships on {date} with a return label for the old one.",
                "de": "dreimal rot bedeutet eine Zellenungleichheit, der Akku muss getauscht werden. Das ist ein "
                "Gewährleistungsfall; der neue Akku geht am {date} mit einem Rücksendeetikett raus.",
            },
            note="Error pattern 3x red = BMS cell imbalance. Replacement from stock, old battery to the supplier.",
            hold_note="Supplier must approve warranty claims for batteries over 12 months; waiting for them.",
        ),
        Story(
            subject={"en": "Battery drops to 10% in the cold", "de": "Akku fällt bei Kälte auf 10%"},
            opening={
                "en": "Since it got cold the battery shows 60% and then suddenly drops to 10% on a hill. Is that "
                "normal?",
                "de": "seit es kalt ist, zeigt der Akku 60% und fällt am Berg plötzlich auf 10%. Ist das normal?",
            },
            reply={
                "en": "That sounds like the cold rather than a fault. Where do you keep and charge the battery, "
                "and does the percentage come back after a few minutes of rest?",
                "de": "das klingt eher nach Kälte als nach einem Defekt. Wo lagern und laden Sie den Akku, und "
                "steigt die Anzeige nach ein paar Minuten Pause wieder?",
            },
            followup={
                "en": "It's in the garage, and yes, after a break it shows 50% again.",
                "de": "Er ist in der Garage, und ja, nach einer Pause zeigt er wieder 50%.",
            },
            resolution={
                "en": "Then the battery is fine: below 5 °C the cells deliver much less power under load, which "
                "is why the display drops on hills. Charging and storing it indoors keeps it healthy.",
                "de": "dann ist der Akku in Ordnung: Unter 5 °C liefern die Zellen unter Last deutlich weniger "
                "Leistung, deshalb springt die Anzeige am Berg. Laden und Lagern im Warmen hält ihn gesund.",
            },
            note="Customer stores the battery in an unheated garage; advice sent, no defect suspected.",
            hold_note="Asked the customer to log a week of rides; waiting for the readings.",
        ),
    ),
)

MOTOR_ERROR = Scenario(
    key="motor_error",
    team="workshop",
    tags=("motor", "error-code"),
    weight=9,
    priorities=(("normal", 5), ("high", 4), ("urgent", 1)),
    stories=(
        Story(
            subject={"en": "Error {code} on the display", "de": "Fehler {code} im Display"},
            opening={
                "en": "My {model} shows error {code} and the motor gives no support at all. I commute with it "
                "every day, so this is urgent for me.",
                "de": "mein {model} zeigt den Fehler {code} und der Motor unterstützt gar nicht mehr. Ich fahre "
                "jeden Tag damit zur Arbeit, es ist also dringend.",
            },
            reply={
                "en": "Error {code} usually points to the speed sensor. Could you check that the small magnet on "
                "the rear wheel spokes is still there and sits about 1 cm from the sensor on the frame?",
                "de": "der Fehler {code} deutet meist auf den Geschwindigkeitssensor hin. Können Sie prüfen, ob "
                "der kleine Magnet an den Speichen des Hinterrads noch da ist und etwa 1 cm vom Sensor sitzt?",
            },
            followup={
                "en": "The magnet had slipped along the spoke. I moved it back and the error is gone!",
                "de": "Der Magnet war an der Speiche verrutscht. Ich habe ihn zurückgeschoben, der Fehler ist weg!",
            },
            resolution={
                "en": "Great that it works again! A drop of threadlocker on the magnet screw keeps it in place "
                "for good.",
                "de": "super, dass es wieder geht! Ein Tropfen Schraubensicherung an der Magnetschraube hält ihn "
                "dauerhaft.",
            },
            note="{code} = speed sensor signal lost. Classic magnet issue on the {model}.",
            hold_note="Sensor cable on back order; waiting for the part.",
        ),
        Story(
            subject={"en": "Motor makes a clicking noise", "de": "Motor macht Klickgeräusche"},
            opening={
                "en": "There's a clicking noise from the motor of my {model} whenever I pedal hard uphill. It "
                "started about {km} km ago.",
                "de": "wenn ich mit meinem {model} bergauf kräftig trete, klickt es aus dem Motor. Angefangen "
                "hat das vor etwa {km} km.",
            },
            reply={
                "en": "A clicking noise under load is often the chainring bolts or the bottom bracket rather than "
                "the motor itself. Could you record a short video with sound and send us the link?",
                "de": "Klicken unter Last kommt oft von den Kettenblattschrauben oder dem Tretlager, nicht vom "
                "Motor selbst. Könnten Sie ein kurzes Video mit Ton aufnehmen und uns den Link schicken?",
            },
            followup={
                "en": "Here's the video link. It's definitely coming from the motor area.",
                "de": "Hier der Link zum Video. Das Geräusch kommt eindeutig aus dem Motorbereich.",
            },
            resolution={
                "en": "Thanks for the video; it's the motor bearing. We've booked a pick-up for {date} and the "
                "repair is covered by the warranty. You'll have the bike back within a week.",
                "de": "danke für das Video, es ist das Motorlager. Die Abholung ist für {date} gebucht und die "
                "Reparatur ist ein Gewährleistungsfall. In einer Woche haben Sie Ihr Rad zurück.",
            },
            note="Bearing noise confirmed from the video. Motor swap under warranty, pick-up booked.",
            hold_note="Motor supplier has to approve the swap; case opened with them, waiting for approval.",
        ),
        Story(
            subject={"en": "Motor cuts out while riding", "de": "Motor setzt während der Fahrt aus"},
            opening={
                "en": "The motor cuts out for a second or two and then comes back, mostly on bumpy roads.",
                "de": "der Motor setzt für ein, zwei Sekunden aus und kommt dann wieder, meistens auf holprigen "
                "Wegen.",
            },
            reply={
                "en": "Cut-outs on bumpy roads are often a loose battery contact. Could you take the battery out, "
                "check the contacts for dirt, and lock it in firmly with the key?",
                "de": "Aussetzer auf holprigen Wegen kommen oft von einem lockeren Akkukontakt. Können Sie den "
                "Akku herausnehmen, die Kontakte prüfen und ihn mit dem Schlüssel fest einrasten lassen?",
            },
            followup={
                "en": "Contacts looked clean. I locked it in again but it still cuts out now and then.",
                "de": "Die Kontakte sahen sauber aus. Neu eingerastet, aber er setzt ab und zu immer noch aus.",
            },
            resolution={
                "en": "Then the battery mount has worn. The new part ships on {date} and a partner workshop near "
                "you will fit it free of charge.",
                "de": "dann ist die Akkuhalterung ausgeschlagen. Das neue Teil geht am {date} raus und eine "
                "Partnerwerkstatt in Ihrer Nähe baut es kostenlos ein.",
            },
            note="Third battery-mount complaint this month on this batch; reported to the supplier.",
            hold_note="Waiting for the replacement battery mount from the supplier (ETA 10 days).",
        ),
    ),
)

WARRANTY = Scenario(
    key="warranty",
    team="workshop",
    tags=("warranty",),
    weight=6,
    priorities=(("normal", 7), ("high", 3)),
    stories=(
        Story(
            subject={
                "en": "Warranty claim: crack near the dropout",
                "de": "Gewährleistung: Riss am Ausfallende",
            },
            opening={
                "en": "I found a hairline crack near the rear dropout of my {model} while cleaning it. The bike "
                "is 18 months old. Is this covered by the warranty?",
                "de": "beim Putzen habe ich einen Haarriss am hinteren Ausfallende meines {model} entdeckt. Das "
                "Rad ist 18 Monate alt. Ist das ein Garantiefall?",
            },
            reply={
                "en": "Thanks for telling us straight away, and please don't ride the bike until we know more. "
                "Could you send two photos of the crack and one of the frame number under the bottom bracket?",
                "de": "danke, dass Sie sich gleich melden, und bitte fahren Sie das Rad nicht, bis wir mehr "
                "wissen. Könnten Sie zwei Fotos vom Riss und eines von der Rahmennummer unter dem Tretlager "
                "schicken?",
            },
            followup={
                "en": "Photos attached, including the frame number.",
                "de": "Fotos im Anhang, auch von der Rahmennummer.",
            },
            resolution={
                "en": "The manufacturer approved the claim: you get a new frame under warranty, and our workshop "
                "moves all parts over. We'll pick up the bike on {date}.",
                "de": "der Hersteller hat den Fall anerkannt: Sie bekommen einen neuen Rahmen, unsere Werkstatt "
                "baut alle Teile um. Wir holen das Rad am {date} ab.",
            },
            note="Frame batch 22 had welding issues at the dropout; the supplier replaces without discussion.",
            hold_note="Claim sent to the frame manufacturer; they answer within 10 working days.",
            files=(("followup", "photos"),),
        ),
        Story(
            subject={"en": "Broken spokes after {km} km", "de": "Speichen gebrochen nach {km} km"},
            opening={
                "en": "Three spokes on my rear wheel broke within a month; the bike has done {km} km. I'm 85 kg "
                "and ride on normal roads.",
                "de": "an meinem Hinterrad sind innerhalb eines Monats drei Speichen gebrochen, das Rad hat "
                "{km} km. Ich wiege 85 kg und fahre auf normalen Straßen.",
            },
            reply={
                "en": "That shouldn't happen at that mileage. Could you send a photo of the wheel and of the "
                "frame number, so we can check the production batch?",
                "de": "das sollte bei dieser Laufleistung nicht passieren. Könnten Sie ein Foto vom Laufrad und "
                "von der Rahmennummer schicken, damit wir die Charge prüfen können?",
            },
            followup={
                "en": "Photos attached. The frame number is NW5-22-{km}.",
                "de": "Fotos anbei. Die Rahmennummer ist NW5-22-{km}.",
            },
            resolution={
                "en": "This is a warranty case. A new, hand-built rear wheel is on its way to you (tracking "
                "{tracking}).",
                "de": "das ist ein Gewährleistungsfall. Ein neues, handgespeichtes Hinterrad ist unterwegs "
                "(Sendungsnummer {tracking}).",
            },
            note="Spoke tension was too low from the factory. Wheel replaced, batch noted.",
            hold_note="Waiting for the wheel builder to finish the replacement wheel.",
            files=(("followup", "photos"),),
        ),
    ),
)

WORKSHOP = (BATTERY, MOTOR_ERROR, WARRANTY)
