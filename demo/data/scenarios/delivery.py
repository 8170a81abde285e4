"""Customer Care conversations about orders on their way: status, delays, damage, addresses."""

from demo.data.scenarios.base import Scenario, Story

WHERE_IS_ORDER = Scenario(
    key="where_is_order",
    team="customer-care",
    tags=("order", "delivery"),
    weight=16,
    stories=(
        Story(
            subject={"en": "Where is my order {order}?", "de": "Wo bleibt meine Bestellung {order}?"},
            opening={
                "en": 'I ordered a {model} ({order}) ten days ago and the tracking page has said "label '
                'created" ever since. Has it actually shipped? I was hoping to ride it this weekend.',
                "de": "ich habe vor zehn Tagen ein {model} bestellt (Bestellnummer {order}), aber die "
                'Sendungsverfolgung zeigt seitdem nur "Label erstellt". Ist das Rad überhaupt unterwegs?',
            },
            reply={
                "en": "Thanks for your patience. Your {model} left our warehouse and is with {carrier} under "
                "tracking number {tracking}; their system was slow to update. They expect to deliver on "
                "{date}. Could you confirm that someone can sign for it that day?",
                "de": "danke für Ihre Geduld. Ihr {model} hat unser Lager verlassen und ist bei {carrier} "
                "unter der Sendungsnummer {tracking} unterwegs; das System dort wurde nur verspätet "
                "aktualisiert. Die Zustellung ist für {date} geplant. Ist an dem Tag jemand zu Hause?",
            },
            followup={
                "en": "Yes, I'm working from home that day, so that's fine. Thanks for checking!",
                "de": "Ja, an dem Tag bin ich im Homeoffice, das passt. Danke fürs Nachsehen!",
            },
            resolution={
                "en": "Great! {carrier} confirmed the delivery for {date} between 8:00 and 12:00. As a thank-you "
                "for waiting, we have refunded the shipping costs to your original payment method.",
                "de": "prima! {carrier} hat die Zustellung für {date} zwischen 8 und 12 Uhr bestätigt. Als "
                "Dankeschön für die Wartezeit haben wir Ihnen die Versandkosten erstattet.",
            },
            note="Checked the shop backend: {order} was picked and packed, label printed, handed to {carrier}.",
            hold_note="Waiting for {carrier} to confirm the delivery slot; reminder set for Friday.",
        ),
        Story(
            subject={
                "en": "Order {order} not delivered yet",
                "de": "Bestellung {order} noch nicht geliefert",
            },
            opening={
                "en": "My order {order} was supposed to arrive yesterday but nothing came and the {carrier} "
                "tracking number {tracking} shows no update. Can you check what is going on?",
                "de": "meine Bestellung {order} sollte gestern kommen, es ist aber nichts angekommen und bei "
                "{carrier} (Sendungsnummer {tracking}) gibt es keinen neuen Status. Können Sie nachsehen?",
            },
            reply={
                "en": "I've checked order {order}: the bike was handed to {carrier} but the parcel missed the "
                "connection at their hub. I've opened an investigation with them. Is the delivery address "
                "in your order still correct?",
                "de": "ich habe mir die Bestellung {order} angesehen: Das Rad wurde an {carrier} übergeben, hat "
                "im Verteilzentrum aber den Anschluss verpasst. Ich habe einen Nachforschungsauftrag "
                "gestellt. Stimmt die Lieferadresse in Ihrer Bestellung noch?",
            },
            followup={
                "en": "The address is correct. Any idea how long the investigation usually takes?",
                "de": "Die Adresse stimmt. Wie lange dauert so ein Nachforschungsauftrag denn normalerweise?",
            },
            resolution={
                "en": "The investigation is closed: the parcel had been mis-sorted and is out for delivery on "
                "{date}. We've refunded the shipping costs for the trouble.",
                "de": "die Nachforschung ist abgeschlossen: Das Paket war falsch sortiert und wird am {date} "
                "zugestellt. Für den Ärger haben wir Ihnen die Versandkosten erstattet.",
            },
            note="Carrier hotline says the parcel is in the hub, no damage reported. Investigation ref 88-{km}.",
            hold_note="Waiting for {carrier} to finish the parcel investigation (usually 5 working days).",
        ),
        Story(
            subject={"en": "Delivery of my {model}", "de": "Lieferung meines {model}"},
            opening={
                "en": "Could you tell me when my {model} will be delivered? Order number {order}. I need to "
                "arrange for someone to be at home because the box is huge.",
                "de": "wann wird mein {model} geliefert? Bestellnummer {order}. Ich muss wissen, wann jemand "
                "zu Hause sein muss, der Karton ist ja ziemlich groß.",
            },
            reply={
                "en": "Your {model} is out for delivery with {carrier} (tracking {tracking}) and should arrive "
                "on {date}. Will someone be at home, or shall we tell the driver a safe place to leave it?",
                "de": "Ihr {model} ist mit {carrier} unterwegs (Sendungsnummer {tracking}) und sollte am {date} "
                "ankommen. Ist jemand zu Hause, oder sollen wir dem Fahrer einen Abstellort nennen?",
            },
            followup={
                "en": "The tracking says delivered now but it's not here. Could the driver have left it with "
                "a neighbour?",
                "de": 'Jetzt steht da "zugestellt", aber hier ist nichts. Kann es beim Nachbarn abgegeben '
                "worden sein?",
            },
            resolution={
                "en": "Yes: the driver left the parcel with your neighbour at number 12; the delivery note is "
                "in the {carrier} app. Enjoy your new {model}!",
                "de": "ja: Der Fahrer hat das Paket bei Ihrem Nachbarn in Hausnummer 12 abgegeben, der Beleg "
                "ist in der {carrier}-App. Viel Freude mit Ihrem neuen {model}!",
            },
            note="Customer called as well, same question. Promised an update by tomorrow.",
            hold_note="Asked {carrier} for the proof of delivery; waiting for the driver's photo.",
        ),
    ),
)

DAMAGED_DELIVERY = Scenario(
    key="damaged_delivery",
    team="customer-care",
    tags=("delivery", "damage"),
    weight=6,
    priorities=(("normal", 5), ("high", 4)),
    stories=(
        Story(
            subject={"en": "Bike arrived damaged ({order})", "de": "Fahrrad beschädigt angekommen ({order})"},
            opening={
                "en": "My {model} arrived this morning. The box was crushed at one corner, there is a deep "
                "scratch on the top tube and the rear light is cracked. Order {order}. What should I do?",
                "de": "mein {model} ist heute Morgen angekommen. Der Karton war an einer Ecke eingedrückt, am "
                "Oberrohr ist ein tiefer Kratzer und das Rücklicht ist gesprungen. Bestellung {order}. "
                "Was soll ich tun?",
            },
            reply={
                "en": "I'm really sorry your bike arrived like this. Could you send us photos of the damage "
                "and of the box? We need them for the claim with {carrier}; then we decide together "
                "whether a repair or a replacement is better for you.",
                "de": "das tut mir wirklich leid. Könnten Sie uns Fotos vom Schaden und vom Karton schicken? "
                "Die brauchen wir für die Reklamation bei {carrier}; danach entscheiden wir gemeinsam, ob "
                "eine Reparatur oder ein Austausch für Sie besser ist.",
            },
            followup={
                "en": "Photos attached: the scratch, the rear light and the box. I'd prefer a repair if the "
                "frame itself is fine, I don't want to wait another two weeks.",
                "de": "Fotos sind im Anhang: Kratzer, Rücklicht und Karton. Wenn der Rahmen selbst in Ordnung "
                "ist, wäre mir eine Reparatur lieber, ich möchte nicht noch zwei Wochen warten.",
            },
            resolution={
                "en": "Thanks for the photos. A new rear light and a touch-up pen in the frame colour are on "
                "the way (tracking {tracking}), and we have refunded EUR 80 for the scratch. The claim with "
                "the carrier is our job, you don't need to do anything else.",
                "de": "danke für die Fotos. Ein neues Rücklicht und ein Lackstift in der Rahmenfarbe sind "
                "unterwegs (Sendungsnummer {tracking}), und wir haben Ihnen 80 Euro für den Kratzer "
                "erstattet. Die Reklamation beim Versanddienst übernehmen wir.",
            },
            note="Frame is fine per photos (paint only). Goodwill credit EUR 80 approved by Helga.",
            hold_note="Replacement rear lights are out of stock until next week; on hold until they arrive.",
            files=(("followup", "photos"),),
        ),
        Story(
            subject={"en": "Bent derailleur hanger on delivery", "de": "Schaltauge bei Lieferung verbogen"},
            opening={
                "en": "I just unpacked my new {model} and the derailleur hanger is bent. The box had a hole in "
                "it. Can you send a replacement part or should I send the bike back?",
                "de": "ich habe gerade mein neues {model} ausgepackt und das Schaltauge ist verbogen. Der "
                "Karton hatte ein Loch. Schicken Sie ein Ersatzteil oder soll ich das Rad zurückschicken?",
            },
            reply={
                "en": "Sorry about that! Please don't ride the bike until the part is replaced. Could you send "
                "a photo of the bent part so the workshop can pick exactly the right replacement?",
                "de": "das ist ärgerlich, Entschuldigung! Bitte fahren Sie das Rad nicht, bis das Teil ersetzt "
                "ist. Schicken Sie uns ein Foto vom verbogenen Teil, damit die Werkstatt das passende schickt?",
            },
            followup={
                "en": "Photo attached. It's the hanger on the right side, you can see it is bent inwards.",
                "de": "Foto im Anhang. Es ist das Schaltauge rechts, man sieht, dass es nach innen gebogen ist.",
            },
            resolution={
                "en": "A new derailleur hanger goes in the post today. It takes five minutes to fit; if you "
                "prefer, any partner workshop fits it for free and sends the bill to us.",
                "de": "ein neues Schaltauge geht heute an Sie raus. Der Einbau dauert fünf Minuten; wenn Sie "
                "möchten, baut es jede Partnerwerkstatt kostenlos ein und schickt uns die Rechnung.",
            },
            note="Transport damage claim filed with {carrier}, ref TD-{km}. Photo saved to the claim.",
            hold_note="Hanger for this frame is on back order (ETA 6 days).",
            files=(("followup", "photos"),),
        ),
    ),
)

CHANGE_ADDRESS = Scenario(
    key="change_address",
    team="customer-care",
    tags=("order",),
    weight=4,
    channels=(("email", 4), ("chat", 3), ("phone", 2)),
    stories=(
        Story(
            subject={"en": "Change delivery address for {order}", "de": "Lieferadresse ändern ({order})"},
            opening={
                "en": "I just noticed my old address is in order {order}. We moved last month. Can you still "
                "change it before the bike ships?",
                "de": "mir ist gerade aufgefallen, dass in der Bestellung {order} noch meine alte Adresse "
                "steht. Wir sind letzten Monat umgezogen. Können Sie das noch ändern?",
            },
            reply={
                "en": "Yes, the bike hasn't shipped yet, so we can change it. Please send me the full new "
                "address including the postcode, and a phone number for the driver.",
                "de": "ja, das Rad ist noch nicht verschickt, wir können die Adresse ändern. Bitte schicken Sie "
                "mir die vollständige neue Adresse mit Postleitzahl und eine Telefonnummer für den Fahrer.",
            },
            followup={
                "en": "New address: 14 Harbour Street, second floor. My mobile number is in my account.",
                "de": "Neue Adresse: Hafenstraße 14, 2. Stock. Meine Handynummer steht im Kundenkonto.",
            },
            resolution={
                "en": "I've updated the delivery address in order {order}; your shipping confirmation will show it.",
                "de": "ich habe die Lieferadresse in der Bestellung {order} geändert, die Versandbestätigung "
                "zeigt sie an.",
            },
            note="Address changed in the shop backend before picking. Warehouse informed.",
            hold_note="Order already at the carrier; waiting to hear whether they can redirect it.",
        ),
        Story(
            subject={"en": "Deliver {order} to my office?", "de": "Lieferung {order} ins Büro?"},
            opening={
                "en": "Could you deliver order {order} to my office instead of my home? Nobody is home during "
                "the day.",
                "de": "könnten Sie die Bestellung {order} an mein Büro statt nach Hause liefern? Tagsüber ist "
                "niemand da.",
            },
            reply={
                "en": "Of course. What's the office address, and is there a reception that can accept a large "
                "parcel?",
                "de": "natürlich. Wie lautet die Büroadresse, und gibt es einen Empfang, der ein großes Paket "
                "annehmen kann?",
            },
            followup={
                "en": "Unit 4, Canal Works, and yes, reception is open 8 to 6.",
                "de": "Kanalstraße 4, Gebäude B, der Empfang ist von 8 bis 18 Uhr besetzt.",
            },
            resolution={
                "en": "Done: {carrier} will deliver to your office on {date}. Reception will get a call first.",
                "de": "erledigt: {carrier} liefert am {date} an Ihr Büro, der Empfang bekommt vorher einen Anruf.",
            },
            note="Delivery address switched to a business address; added 'call reception' to the label.",
            hold_note="Waiting for {carrier} to confirm they can change the address on a printed label.",
        ),
    ),
)

CARRIER_EXCEPTION = Scenario(
    key="carrier_exception",
    team="customer-care",
    tags=("delivery", "carrier-exception"),
    weight=3,
    channels=(("api", 1),),
    priorities=(("high", 1),),
    stories=(
        Story(
            subject={
                "en": "Delivery exception for order {order}",
                "de": "Zustellproblem bei Bestellung {order}",
            },
            opening={
                "en": "Automatic notice from the shop system: {carrier} reported a delivery exception for order "
                '{order} (tracking {tracking}): "address not found". The parcel returns to the depot in 3 days.',
                "de": "Automatische Meldung aus dem Shopsystem: {carrier} meldet ein Zustellproblem für "
                'Bestellung {order} (Sendungsnummer {tracking}): "Adresse nicht gefunden". Das Paket geht '
                "in 3 Tagen zurück.",
            },
            reply={
                "en": "The carrier could not find your address for order {order}. Could you check it and send "
                "us the house number and any entrance details, so the driver can try again?",
                "de": "der Versanddienst konnte Ihre Adresse für die Bestellung {order} nicht finden. Könnten "
                "Sie sie prüfen und uns Hausnummer und Hinweise zum Eingang schicken?",
            },
            followup={
                "en": "Oh, the house number is 7a, not 7. The entrance is round the back next to the garages.",
                "de": "Oh, die Hausnummer ist 7a, nicht 7. Der Eingang ist hinten bei den Garagen.",
            },
            resolution={
                "en": "Thanks! The address is corrected and {carrier} will deliver again on {date}.",
                "de": "danke! Die Adresse ist korrigiert und {carrier} stellt am {date} erneut zu.",
            },
            note="Shop webhook ticket. Carrier redirect requested with the corrected address.",
            hold_note="Waiting for the carrier to confirm the redirect.",
        ),
    ),
)

DELIVERY = (WHERE_IS_ORDER, DAMAGED_DELIVERY, CHANGE_ADDRESS, CARRIER_EXCEPTION)
