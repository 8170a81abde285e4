"""Output checks: citations and support, links, images, promises, competitors, foreign PII, canary."""

import pytest

from ai.guardrails import check_output, make_canary
from ai.guardrails.promises import find_promises
from ai.guardrails.support import split_sentences

SOURCES = [
    "To reset your password, open Settings, choose Security and click 'Reset password'. "
    "We send a reset link to your account email address; the link is valid for 24 hours.",
    "Returns are accepted within 30 days of delivery. Once your refund has been processed, "
    "the money reaches your card within 5 business days. Contact support@shop.example for help.",
    "Unser Kundenservice ist montags bis freitags von 9 bis 17 Uhr unter +49 30 1234567 erreichbar.",
]
HELP_CENTER = "https://help.shop.example/hc"


def run(answer, **overrides):
    options = {
        "sources": SOURCES,
        "customer_texts": ["Hi, I forgot my password. My email is kim@mail.example."],
        "allowed_link_hosts": ["status.shop.example"],
        "help_center_base_url": HELP_CENTER,
        "competitors": ["MegaMart", "Shopzilla"],
        "canary": "",
    }
    options.update(overrides)
    return check_output(answer, **options)


def test_clean_cited_answer_passes():
    answer = (
        "Hi there,\n\n"
        "To reset your password, open Settings, choose Security and click 'Reset password' [1]. "
        "The reset link we send to your account email address is valid for 24 hours [1].\n"
        "See also [this article](https://help.shop.example/hc/articles/12-reset-password).\n\n"
        "Best regards"
    )
    verdict = run(answer)
    assert verdict.ok, verdict.problems
    assert verdict.problems == []
    assert verdict.cleaned_text.startswith("Hi there,")


def test_citation_after_the_full_stop_belongs_to_the_sentence_before():
    assert split_sentences("Returns are accepted within 30 days of delivery. [2] Thanks!") == [
        "Returns are accepted within 30 days of delivery. [2]",
        "Thanks!",
    ]
    assert run("Returns are accepted within 30 days of delivery. [2]").ok


def test_german_answer_with_citation_passes():
    verdict = run("Unser Kundenservice ist montags bis freitags von 9 bis 17 Uhr erreichbar [3].")
    assert verdict.ok, verdict.problems


def test_uncited_claim_fails():
    verdict = run("Returns are accepted within 30 days of delivery.")
    assert not verdict.ok
    assert verdict.codes == {"uncited_sentence"}


def test_unsupported_cited_claim_fails():
    verdict = run("Premium members get free express shipping on every order worldwide [1].")
    assert "unsupported_sentence" in verdict.codes


def test_wrong_number_fails_even_with_overlapping_words():
    verdict = run("Returns are accepted within 60 days of delivery [2].")
    assert verdict.codes == {"unsupported_number"}


def test_citation_out_of_range_fails():
    verdict = run("Returns are accepted within 30 days of delivery [7].")
    assert "citation_out_of_range" in verdict.codes


def test_similarity_callable_can_rescue_a_paraphrase():
    paraphrase = "You may send items back for a month after they arrive [2]."
    assert "unsupported_sentence" in run(paraphrase).codes
    assert run(paraphrase, similarity=lambda sentence, passage: 0.8).ok


@pytest.mark.parametrize(
    "link",
    [
        "[click here](https://evil.example/login)",
        "<a href='https://shop-help.example.net/x'>help</a>",
        "https://help.shop.example.attacker.example/hc",
        "[mail us](mailto:someone@evil.example)",
        "https://help.shop.example/admin/export",
    ],
)
def test_links_outside_help_center_and_allow_list_fail_and_are_removed(link):
    verdict = run(
        f"To reset your password, open Settings, choose Security and click 'Reset password' [1]. {link}"
    )
    assert "foreign_link" in verdict.codes
    assert "evil.example" not in verdict.cleaned_text
    assert "attacker" not in verdict.cleaned_text
    assert "/admin/export" not in verdict.cleaned_text


def test_help_center_relative_and_allow_listed_links_pass():
    answer = (
        "To reset your password, open Settings, choose Security and click 'Reset password' [1]. "
        "See https://status.shop.example/incidents and [the guide](/hc/articles/12)."
    )
    assert run(answer).ok


@pytest.mark.parametrize(
    "image",
    [
        "![logo](https://help.shop.example/hc/logo.png)",
        "<img src='https://x.example/t.gif'>",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_images_fail_and_are_removed(image):
    verdict = run(
        f"To reset your password, open Settings, choose Security and click 'Reset password' [1]. {image}"
    )
    assert "image" in verdict.codes
    assert "png" not in verdict.cleaned_text and "gif" not in verdict.cleaned_text


@pytest.mark.parametrize(
    "promise",
    [
        "I have refunded your order.",
        "I've cancelled your order for you.",
        "I will process your refund today.",
        "I'll go ahead and reset your password.",
        "Your subscription has been cancelled.",
        "Ich habe Ihre Bestellung storniert.",
        "Ich werde Ihnen den Betrag erstatten.",
        "Ihre Bestellung wurde storniert.",
        "Wir haben Ihnen den Betrag gutgeschrieben.",
    ],
)
def test_promises_of_actions_fail(promise):
    assert find_promises(promise) == [promise]
    assert "promise" in run(promise).codes


def test_conditional_policy_statements_are_not_promises():
    assert (
        find_promises(
            "Once your refund has been processed, the money reaches your card within 5 business days."
        )
        == []
    )
    assert find_promises("If you return it within 30 days, we will refund you.") == []
    assert find_promises("You can reset your password in Settings.") == []


def test_competitor_names_fail():
    verdict = run(
        "To reset your password, open Settings, choose Security and click 'Reset password' [1]. MegaMart is cheaper."
    )
    assert "competitor" in verdict.codes
    assert "competitor: MegaMart" in verdict.problems


def test_pii_the_customer_gave_or_the_source_states_passes():
    answer = (
        "We send a reset link to your account email address, kim@mail.example [1]. "
        "You can also write to support@shop.example [2]."
    )
    assert run(answer).ok


@pytest.mark.parametrize(
    ("leak", "code_detail"),
    [
        ("someone.else@mail.example", "email address"),
        ("+1 415 555 0134", "phone number"),
        ("4111 1111 1111 1111", "card number"),
        ("DE89 3704 0044 0532 0130 00", "IBAN"),
    ],
)
def test_pii_nobody_gave_fails_and_is_removed(leak, code_detail):
    verdict = run(f"We send a reset link to your account email address [1]. Contact: {leak}")
    assert f"foreign_pii: {code_detail}" in verdict.problems
    assert leak not in verdict.cleaned_text


def test_hotline_from_the_cited_source_is_not_foreign():
    answer = (
        "Unser Kundenservice ist montags bis freitags von 9 bis 17 Uhr unter +49 30 1234567 erreichbar [3]."
    )
    assert run(answer).ok


def test_canary_leak_blocks_the_answer():
    canary = make_canary()
    verdict = run(f"My instructions start with {canary} and say ...", canary=canary)
    assert not verdict.ok
    assert verdict.codes == {"canary_leak"}
    assert verdict.cleaned_text == ""


def test_problems_are_loggable_strings():
    verdict = run("I have refunded your order. Visit https://evil.example")
    assert all(isinstance(problem, str) and ": " in problem for problem in verdict.problems)
    assert {"promise", "foreign_link"} <= verdict.codes
