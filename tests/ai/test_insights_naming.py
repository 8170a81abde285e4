"""Theme names come from what customers ask about, in any language the product speaks, never from
greetings or function words ("Für das", "weeks ago" were demo theme names before)."""

from ai.insights.naming import key_phrases


def test_names_skip_function_words_and_greetings_in_every_ui_language():
    german = [
        "Hallo, ich warte seit zwei Wochen auf die Bestellung für das Rad",
        "Wo ist die Bestellung für das Rad?",
    ]
    english = ["Hi, my battery drains fast since two weeks ago", "Battery drains overnight, thanks"]
    french = ["Bonjour, la batterie de mon vélo ne charge plus", "Merci, la batterie ne charge pas"]
    names = [phrases[0] for phrases in key_phrases([german, english, french])]
    assert "bestellung" in names[0] and "für" not in names[0] and "das" not in names[0]
    assert names[1] == "battery drains"
    assert "batterie" in names[2] and not {"la", "de", "ne", "merci"} & set(names[2].split())
