"""Synthetic PII samples in DE, FR, ES, NL, IT, PT in the Presidio synthetic format, for eval_pii.

    .venv/bin/python bench/pii_multilingual.py /tmp/pii_ml      # writes <lang>.json per language
    .venv/bin/python manage.py eval_pii --data /tmp/pii_ml/de.json

Sentences are hand-written customer-message templates (not from any dataset); the values are random but
valid: phone numbers in each country's national and international formats (checked with
libphonenumber), IBANs with the country's length and a correct mod-97 checksum, Luhn-valid card numbers,
checksum-valid national identity numbers, and person names from short per-language name lists. Every
language also gets benign messages with order numbers, amounts, dates and times, which must stay
visible (they count as false positives if redacted).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import phonenumbers

SEED = 4242
PER_TEMPLATE = 12
REGIONS = {"de": "DE", "fr": "FR", "es": "ES", "nl": "NL", "it": "IT", "pt": "PT"}
IBAN_LENGTH = {"DE": 22, "FR": 27, "ES": 24, "NL": 18, "IT": 27, "PT": 25}
NAMES = {
    "de": ["Jürgen Schmidt", "Anna Müller", "Katrin Weber", "Lukas Becker"],
    "fr": ["Camille Dubois", "Julien Lefèvre", "Chloé Moreau", "Mathieu Girard"],
    "es": ["Lucía García", "Javier Fernández", "Carmen López", "Alejandro Ruiz"],
    "nl": ["Sanne de Vries", "Daan Jansen", "Femke Bakker", "Pieter van Dijk"],
    "it": ["Giulia Rossi", "Marco Bianchi", "Francesca Romano", "Luca Esposito"],
    "pt": ["João Silva", "Maria Santos", "Inês Ferreira", "Tiago Costa"],
}
# {E} email, {P} phone, {I} IBAN, {C} card, {N} national id, {NAME} person
TEMPLATES = {
    "de": [
        "Hallo, bitte rufen Sie mich unter {P} zurück.",
        "Meine E-Mail-Adresse hat sich geändert, sie lautet jetzt {E}.",
        "Bitte erstatten Sie den Betrag auf mein Konto {I}.",
        "Die Zahlung mit der Karte {C} ist fehlgeschlagen.",
        "Für die Rechnung: meine Steuer-ID ist {N}.",
        "Mit freundlichen Grüßen, {NAME}",
        "Sie erreichen mich tagsüber auf dem Handy: {P}",
    ],
    "fr": [
        "Bonjour, pouvez-vous me rappeler au {P} ?",
        "Ma nouvelle adresse e-mail est {E}.",
        "Merci de rembourser sur mon compte {I}.",
        "Le paiement avec la carte {C} a échoué.",
        "Mon numéro de sécurité sociale est {N}.",
        "Cordialement, {NAME}",
        "Vous pouvez me joindre sur mon portable : {P}",
    ],
    "es": [
        "Hola, ¿pueden llamarme al {P}?",
        "Mi nuevo correo electrónico es {E}.",
        "Por favor, devuelvan el importe a mi cuenta {I}.",
        "El pago con la tarjeta {C} ha fallado.",
        "Mi DNI es {N}.",
        "Un saludo, {NAME}",
        "Pueden contactarme en el móvil: {P}",
    ],
    "nl": [
        "Hallo, kunt u mij terugbellen op {P}?",
        "Mijn nieuwe e-mailadres is {E}.",
        "Graag het bedrag terugstorten op rekening {I}.",
        "De betaling met kaart {C} is mislukt.",
        "Mijn BSN is {N}.",
        "Met vriendelijke groet, {NAME}",
        "U kunt mij bereiken op mijn mobiel: {P}",
    ],
    "it": [
        "Buongiorno, potete richiamarmi al {P}?",
        "Il mio nuovo indirizzo email è {E}.",
        "Vi prego di rimborsare sul conto {I}.",
        "Il pagamento con la carta {C} non è andato a buon fine.",
        "Il mio codice fiscale è {N}.",
        "Cordiali saluti, {NAME}",
        "Potete contattarmi al cellulare: {P}",
    ],
    "pt": [
        "Olá, podem ligar-me para o {P}?",
        "O meu novo e-mail é {E}.",
        "Por favor, reembolsem para a conta {I}.",
        "O pagamento com o cartão {C} falhou.",
        "O meu NIF é {N}.",
        "Com os melhores cumprimentos, {NAME}",
        "Podem contactar-me pelo telemóvel: {P}",
    ],
}
BENIGN = {
    "de": [
        "Meine Bestellung 104425 vom 03.12.2026 ist noch nicht da.",
        "Ich habe 49,99 € bezahlt, um 14:30 Uhr.",
    ],
    "fr": ["Ma commande 104425 du 03/12/2026 n'est pas arrivée.", "J'ai payé 49,99 € à 14h30."],
    "es": ["Mi pedido 104425 del 03/12/2026 no ha llegado.", "Pagué 49,99 € a las 14:30."],
    "nl": ["Mijn bestelling 104425 van 03-12-2026 is niet aangekomen.", "Ik heb om 14:30 € 49,99 betaald."],
    "it": ["Il mio ordine 104425 del 03/12/2026 non è arrivato.", "Ho pagato 49,99 € alle 14:30."],
    "pt": ["A minha encomenda 104425 de 03/12/2026 não chegou.", "Paguei 49,99 € às 14:30."],
}
ENTITY_OF = {
    "E": "EMAIL_ADDRESS", "P": "PHONE_NUMBER", "I": "IBAN_CODE", "C": "CREDIT_CARD", "N": "NATIONAL_ID",
    "NAME": "PERSON",
}  # fmt: skip


def phone(region: str, rng: random.Random) -> str:
    example = phonenumbers.example_number_for_type(
        region, rng.choice((phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))
    )
    national = str(example.national_number)
    for _ in range(50):
        digits = national[:3] + "".join(str(rng.randrange(10)) for _ in national[3:])
        number = phonenumbers.parse(f"+{example.country_code}{digits}", None)
        if phonenumbers.is_valid_number(number):
            style = rng.choice(
                (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            )
            return phonenumbers.format_number(number, style)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def iban(region: str, rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(IBAN_LENGTH[region] - 4))
    numeric = "".join(str(int(ch, 36)) for ch in bban + region + "00")
    check = 98 - int(numeric) % 97
    compact = f"{region}{check:02d}{bban}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if rng.random() < 0.7 else compact


def card(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


def national_id(language: str, rng: random.Random) -> str:
    if language == "es":
        number = rng.randrange(10_000_000, 99_999_999)
        return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"
    if language == "nl":
        while True:
            digits = [rng.randrange(10) for _ in range(8)]
            check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
            if check < 10:
                return "".join(map(str, [*digits, check]))
    if language == "pt":
        while True:
            digits = [rng.choice((1, 2))] + [rng.randrange(10) for _ in range(7)]
            check = 11 - sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
            return "".join(map(str, [*digits, 0 if check >= 10 else check]))
    if language == "fr":
        body = (
            f"{rng.choice('12')}{rng.randrange(40, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 96):02d}"
        )
        body += f"{rng.randrange(1, 999):03d}{rng.randrange(1, 999):03d}"
        key = 97 - int(body) % 97
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"
    if language == "it":
        return italian_fiscal_code(rng)
    return german_tax_id(rng)


def italian_fiscal_code(rng: random.Random) -> str:
    letters = "BCDFGHLMNPRSTVZ"
    body = "".join(rng.choice(letters) for _ in range(6)) + f"{rng.randrange(40, 99)}"
    body += rng.choice("ABCDEHLMPRST") + f"{rng.randrange(1, 29):02d}" + rng.choice("ABCDEFGHLM")
    body += f"{rng.randrange(100, 999)}"
    odd = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21] * 1
                   + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
                   strict=True))  # fmt: skip
    even = {ch: (int(ch) if ch.isdigit() else ord(ch) - 65) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    total = sum(odd[ch] if i % 2 == 0 else even[ch] for i, ch in enumerate(body))
    return body + chr(65 + total % 26)


def german_tax_id(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(9)]
        if len(set(digits)) not in (8, 9):  # one digit twice (or thrice), as the format requires
            continue
        product = 10
        for digit in digits:
            total = (digit + product) % 10 or 10
            product = (total * 2) % 11
        check = (11 - product) % 10
        return "".join(map(str, [*digits, check]))


def email_address(name: str, rng: random.Random) -> str:
    local = name.lower().replace(" ", ".")
    for src, dst in zip("äöüéèçíóúãõñàìò", "aoueeciouaonaio", strict=True):
        local = local.replace(src, dst)
    return (
        f"{local}{rng.randrange(1, 99)}@{rng.choice(('example.com', 'mail.example.org', 'post.example.net'))}"
    )


def samples_for(language: str, rng: random.Random) -> list[dict]:
    region = REGIONS[language]
    samples = []
    for template in TEMPLATES[language]:
        for _ in range(PER_TEMPLATE):
            name = rng.choice(NAMES[language])
            values = {
                "E": email_address(name, rng), "P": phone(region, rng), "I": iban(region, rng),
                "C": card(rng), "N": national_id(language, rng), "NAME": name,
            }  # fmt: skip
            text, spans, rest = "", [], template
            while "{" in rest:
                before, _, after = rest.partition("{")
                key, _, rest = after.partition("}")
                text += before
                spans.append(
                    {
                        "entity_type": ENTITY_OF[key],
                        "start_position": len(text),
                        "end_position": len(text) + len(values[key]),
                    }
                )
                text += values[key]
            samples.append({"full_text": text + rest, "spans": spans, "language": language})
    samples += [{"full_text": text, "spans": [], "language": language} for text in BENIGN[language]]
    return samples


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for language in REGIONS:
        samples = samples_for(language, random.Random(f"{SEED}-{language}"))
        (out_dir / f"{language}.json").write_text(
            json.dumps(samples, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        print(f"{language}: {len(samples)} samples")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
