"""Billing conversations: invoices, double charges, refunds, financing and leasing."""

from demo.data.scenarios.base import Scenario, Story

INVOICE = Scenario(
    key="invoice",
    team="billing",
    tags=("invoice",),
    weight=9,
    priorities=(("low", 3), ("normal", 7)),
    channels=(("email", 7), ("web", 3)),
    stories=(
        Story(
            subject={"en": "Invoice with our VAT ID", "de": "Rechnung mit USt-IdNr. benötigt"},
            opening={
                "en": "Could you re-issue invoice {invoice} with our company name and VAT ID on it? We are "
                "buying the bike through the business.",
                "de": "könnten Sie die Rechnung {invoice} bitte mit unserem Firmennamen und unserer USt-IdNr. "
                "neu ausstellen? Wir kaufen das Rad über die Firma.",
            },
            reply={
                "en": "Happy to help. Could you send me the exact company name, address and VAT ID as they "
                "should appear on the invoice?",
                "de": "gern. Schicken Sie mir bitte den genauen Firmennamen, die Adresse und die USt-IdNr., so "
                "wie sie auf der Rechnung stehen sollen?",
            },
            followup={
                "en": "Brightline Design Ltd, 3 Mill Lane, Leeds LS1 4AB, VAT GB 123 4567 89.",
                "de": "Schreinerei Holzwerk GmbH, Gartenstraße 5, 79098 Freiburg, USt-IdNr. DE 123456789.",
            },
            resolution={
                "en": "Attached is the corrected invoice {invoice} with your company details; the old one is "
                "cancelled.",
                "de": "anbei die korrigierte Rechnung {invoice} mit Ihren Firmendaten, die alte ist storniert.",
            },
            note="Corrected invoice issued, credit note for the original {invoice} created.",
            hold_note="Waiting for accounting to issue the credit note before we can re-invoice.",
            files=(("resolution", "invoice"),),
        ),
        Story(
            subject={"en": "Invoice for order {order}", "de": "Rechnung zu Bestellung {order}"},
            opening={
                "en": "I need the invoice for my {model} (order {order}) for my employer's cycle-to-work scheme. "
                "I can't find it in my account.",
                "de": "ich brauche die Rechnung für mein {model} (Bestellung {order}) für meinen Arbeitgeber. "
                "In meinem Kundenkonto finde ich sie nicht.",
            },
            reply={
                "en": "The invoice is created when the bike ships; yours shipped yesterday. Should it go to the "
                "email address in your account or to a different one, for example your employer's?",
                "de": "die Rechnung wird beim Versand erstellt, Ihr Rad ist gestern rausgegangen. Soll sie an "
                "die E-Mail-Adresse aus Ihrem Konto gehen oder an eine andere, etwa an Ihren Arbeitgeber?",
            },
            followup={
                "en": "To my own address is fine, I'll forward it.",
                "de": "An meine eigene Adresse ist gut, ich leite sie weiter.",
            },
            resolution={
                "en": "I've attached the invoice {invoice} for {amount}. From now on you can also download it "
                "under My account > Orders.",
                "de": "im Anhang finden Sie die Rechnung {invoice} über {amount}. Ab sofort können Sie sie auch "
                "unter Mein Konto > Bestellungen herunterladen.",
            },
            note="Invoice PDF was not generated because the shipping event arrived late; regenerated.",
            hold_note="Invoice generation is stuck in the ERP; IT is looking at it.",
            files=(("resolution", "invoice"),),
        ),
    ),
)

DOUBLE_CHARGE = Scenario(
    key="double_charge",
    team="billing",
    tags=("payment", "refund"),
    weight=6,
    priorities=(("normal", 4), ("high", 4), ("urgent", 2)),
    stories=(
        Story(
            subject={"en": "Charged twice for order {order}", "de": "Doppelt abgebucht ({order})"},
            opening={
                "en": "My credit card statement shows two charges of {amount} for order {order}. I only ordered "
                "one bike! Please refund the second one as soon as possible.",
                "de": "auf meiner Kreditkartenabrechnung sehe ich zwei Belastungen über {amount} für die "
                "Bestellung {order}. Ich habe nur ein Rad bestellt! Bitte erstatten Sie die zweite Zahlung "
                "schnellstmöglich.",
            },
            reply={
                "en": "I'm sorry for the worry. I can see two payments in our system. Could you send me a "
                "screenshot of your statement so I can match the amounts and dates?",
                "de": "entschuldigen Sie die Aufregung. Ich sehe zwei Zahlungen in unserem System. Könnten Sie "
                "mir einen Screenshot der Abrechnung schicken, damit ich Beträge und Daten abgleichen kann?",
            },
            followup={
                "en": 'Screenshot attached. Both are listed as "booked", not pending.',
                "de": 'Screenshot im Anhang. Beide stehen als "gebucht", nicht als vorgemerkt.',
            },
            resolution={
                "en": "You're right, the second payment was collected by mistake. I've refunded {amount}; "
                "depending on your bank it shows up within 3-5 working days.",
                "de": "Sie haben recht, die zweite Zahlung wurde versehentlich eingezogen. Ich habe {amount} "
                "erstattet; je nach Bank ist das Geld in 3-5 Werktagen auf Ihrem Konto.",
            },
            note="PSP dashboard: two captures for {order}, the second is a duplicate from a retry. Refund issued.",
            hold_note="Refund requested at the payment provider; waiting for their confirmation.",
            files=(("followup", "screenshot"),),
        ),
        Story(
            subject={
                "en": "Two payments after checkout error",
                "de": "Zwei Zahlungen nach Fehler im Checkout",
            },
            opening={
                "en": "The payment failed at checkout so I tried again, and now my bank shows two payments of "
                "{amount}. Which order is real?",
                "de": "beim Bezahlen kam eine Fehlermeldung, also habe ich es nochmal versucht. Jetzt zeigt "
                "meine Bank zwei Zahlungen über {amount}. Welche Bestellung gilt denn?",
            },
            reply={
                "en": "In our payment system I see one captured payment and one reservation that was never "
                "collected; banks sometimes show both for a few days. Could you check again tomorrow and "
                "tell me whether the second one is still there?",
                "de": "in unserem Zahlungssystem sehe ich eine abgeschlossene Zahlung und eine Reservierung, die "
                "nie eingezogen wurde; Banken zeigen beides manchmal einige Tage an. Könnten Sie morgen "
                "nochmal schauen, ob die zweite noch da ist?",
            },
            followup={
                "en": "The second one disappeared today, so I guess it was just the reservation. Thanks!",
                "de": "Die zweite ist heute verschwunden, dann war es wohl nur die Reservierung. Danke!",
            },
            resolution={
                "en": "Yes, that was the reservation, which has now been released. Your order {order} is the "
                "one that counts, nothing else to do on your side.",
                "de": "ja, das war die Reservierung, die inzwischen freigegeben ist. Es gilt die Bestellung "
                "{order}, Sie müssen nichts weiter tun.",
            },
            note="Only one capture; the other is an authorisation that expired. No refund needed.",
            hold_note="Authorisation still open at the provider; waiting for it to expire (7 days).",
        ),
    ),
)

REFUND_STATUS = Scenario(
    key="refund_status",
    team="billing",
    tags=("refund", "return"),
    weight=6,
    stories=(
        Story(
            subject={"en": "Refund for my return not received", "de": "Erstattung für Rücksendung fehlt"},
            opening={
                "en": "I returned my {model} two weeks ago (order {order}) and {carrier} says it was delivered "
                "to you, but I still haven't got my money back.",
                "de": "ich habe mein {model} vor zwei Wochen zurückgeschickt (Bestellung {order}) und laut "
                "{carrier} ist es bei Ihnen angekommen, aber mein Geld habe ich noch nicht zurück.",
            },
            reply={
                "en": "Thanks for your patience. The bike arrived and passed the check. Did you pay by card or "
                "by bank transfer? If it was a transfer, I need the IBAN for the refund.",
                "de": "danke für Ihre Geduld. Das Rad ist angekommen und wurde geprüft. Haben Sie mit Karte "
                "bezahlt oder per Überweisung? Bei Überweisung brauche ich Ihre IBAN für die Erstattung.",
            },
            followup={"en": "By card.", "de": "Mit Karte."},
            resolution={
                "en": "The refund of {amount} went out to your card today; you'll see it within 3-5 working days.",
                "de": "die Erstattung über {amount} ist heute auf Ihre Karte rausgegangen, in 3-5 Werktagen "
                "sehen Sie sie.",
            },
            note="Return checked in by the warehouse on Friday; the refund was stuck in the approval queue.",
            hold_note="Waiting for the warehouse to check in the returned bike.",
        ),
        Story(
            subject={"en": "Refund with financing", "de": "Erstattung bei Finanzierung"},
            opening={
                "en": "You confirmed my return on Monday, but I'm still paying the monthly financing rate for "
                "the bike. How is that refunded?",
                "de": "Sie haben die Rücksendung am Montag bestätigt, aber ich zahle immer noch die monatliche "
                "Finanzierungsrate für das Rad. Wie wird das erstattet?",
            },
            reply={
                "en": "With financing we cancel the contract with the bank instead of refunding you directly. "
                "Could you send me the contract number from the bank's letter?",
                "de": "bei einer Finanzierung stornieren wir den Vertrag bei der Bank, statt Ihnen direkt zu "
                "erstatten. Könnten Sie mir die Vertragsnummer aus dem Schreiben der Bank schicken?",
            },
            followup={"en": "It's 7781-{km}.", "de": "Die Nummer ist 7781-{km}."},
            resolution={
                "en": "We've cancelled the financing contract; the bank refunds the instalments you have paid "
                "and stops the next one.",
                "de": "wir haben den Finanzierungsvertrag storniert; die Bank erstattet Ihnen die gezahlten Raten "
                "und zieht keine weitere ein.",
            },
            note="Cancellation sent to the financing bank with the return confirmation.",
            hold_note="Waiting for the financing bank to confirm the cancellation.",
        ),
    ),
)

FINANCING = Scenario(
    key="financing",
    team="billing",
    tags=("financing",),
    weight=4,
    priorities=(("low", 5), ("normal", 5)),
    channels=(("email", 5), ("web", 3), ("chat", 2)),
    stories=(
        Story(
            subject={"en": "0% financing for the {model}?", "de": "0%-Finanzierung für das {model}?"},
            opening={
                "en": "Do you offer 0% financing over 24 months for the {model}? And is there a credit check?",
                "de": "bieten Sie für das {model} eine 0%-Finanzierung über 24 Monate an? Gibt es eine "
                "Bonitätsprüfung?",
            },
            reply={
                "en": "Yes: 0% over 12 or 24 months with our bank partner, with a quick credit check at "
                "checkout. Would you like me to reserve the bike while you apply?",
                "de": "ja: 0% über 12 oder 24 Monate mit unserer Partnerbank, mit einer kurzen "
                "Bonitätsprüfung im Checkout. Soll ich das Rad reservieren, während Sie den Antrag stellen?",
            },
            followup={
                "en": "Yes please, in size M. I'll apply tonight.",
                "de": "Ja bitte, in Größe M. Ich stelle den Antrag heute Abend.",
            },
            resolution={
                "en": 'The {model} in M is reserved for you for 5 days. Choose "0% financing" at checkout.',
                "de": 'das {model} in M ist 5 Tage für Sie reserviert. Wählen Sie im Checkout "0%-Finanzierung".',
            },
            note="Reservation added in the shop backend, expires in 5 days.",
            hold_note="Waiting for the bank's credit decision.",
        ),
        Story(
            subject={"en": "Leasing through my employer", "de": "Dienstrad-Leasing über den Arbeitgeber"},
            opening={
                "en": "My employer offers bike leasing. Can I lease a {model} from you through them?",
                "de": "mein Arbeitgeber bietet Dienstrad-Leasing an. Kann ich ein {model} bei Ihnen darüber "
                "leasen?",
            },
            reply={
                "en": "Very likely. Which leasing provider does your employer use?",
                "de": "sehr wahrscheinlich. Mit welchem Leasinganbieter arbeitet Ihr Arbeitgeber?",
            },
            followup={
                "en": "It's BikeLease, I think. I checked with HR.",
                "de": "Ich glaube, es ist BikeLease. Ich habe bei der Personalabteilung nachgefragt.",
            },
            resolution={
                "en": "We work with BikeLease. Ask HR for an offer code; with it you order the bike online as usual.",
                "de": "mit BikeLease arbeiten wir zusammen. Mit dem Angebotscode von der Personalabteilung "
                "bestellen Sie ganz normal online.",
            },
            note="Leasing partner list checked; BikeLease is supported.",
            hold_note="Waiting for the leasing company to approve the contract.",
        ),
    ),
)

BILLING = (INVOICE, DOUBLE_CHARGE, REFUND_STATUS, FINANCING)
