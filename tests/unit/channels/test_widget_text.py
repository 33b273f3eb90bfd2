"""How bot messages look in the widget: tappable numbers, labelled staff replies, styled notices."""

from bot.channels.widget_text import NOTICE_CLASS, STAFF_CLASS, phone_links, widget_message

NUMBERS = ("988", "911", "(555) 010-4242", "1-800-222-1222")


def test_crisis_emergency_and_helpline_numbers_become_tel_links():
    text = "Call or text 988 now. In an emergency call 911. Our helpline: (555) 010-4242."
    linked = phone_links(text, NUMBERS)
    assert "[988](tel:988)" in linked
    assert "[911](tel:911)" in linked
    assert "[(555) 010-4242](tel:5550104242)" in linked


def test_numbers_inside_longer_numbers_or_links_are_left_alone():
    assert phone_links("born in 1988, room 9111", NUMBERS) == "born in 1988, room 9111"
    assert phone_links("Poison Control 1-800-222-1222", NUMBERS) == \
        "Poison Control [1-800-222-1222](tel:18002221222)"
    once = phone_links("call 988", NUMBERS)
    assert phone_links(once, NUMBERS) == once  # idempotent: an existing link is not linked again


def test_a_staff_reply_carries_its_label_and_class():
    message = widget_message("Hi, is now a good time?", NUMBERS, iopbot_from="staff", staff_label="Dana, intake team")
    assert message["text"] == "**Dana, intake team:** Hi, is now a good time?"
    assert message["metadata"]["customCss"] == {"style": "class", "css": STAFF_CLASS}


def test_a_notice_is_styled_and_a_bot_message_is_plain():
    notice = widget_message("Dana has joined", NUMBERS, iopbot_notice="joined", staff_name="Dana")
    assert notice["metadata"]["customCss"]["css"] == NOTICE_CLASS
    assert widget_message("Call 911", NUMBERS) == {"text": "Call [911](tel:911)"}
