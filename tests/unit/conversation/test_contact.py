import pytest

from bot.conversation.contact import is_skip, parse_contact_method, parse_first_name, parse_phone


@pytest.mark.parametrize(("text", "method"), [
    ("1", "chat"), ("stay in this chat", "chat"), ("here is fine", "chat"), ("2", "text"), ("text me", "text"),
    ("sms pls", "text"), ("3", "call"), ("call me", "call"), ("a phone call would be better", "call"),
])
def test_contact_method(text, method):
    assert parse_contact_method(text) == method


@pytest.mark.parametrize("text", ["", "whatever", "text or call", "maybe"])
def test_unclear_method(text):
    assert parse_contact_method(text) is None


@pytest.mark.parametrize(("text", "phone"), [
    ("555-123-4567", "+15551234567"), ("(555) 123 4567", "+15551234567"), ("+44 20 7946 0958", "+442079460958"),
])
def test_phone(text, phone):
    assert parse_phone(text) == phone


@pytest.mark.parametrize("text", ["123", "call me maybe", "555-1234", "<script>"])
def test_not_a_phone(text):
    assert parse_phone(text) is None


@pytest.mark.parametrize(("text", "name"), [("sam", "Sam"), ("My name is Alex", "Alex"), ("i'm jo.", "Jo")])
def test_first_name(text, name):
    assert parse_first_name(text) == name


@pytest.mark.parametrize("text", ["skip", "no", "rather not say", "<b>bob</b>", "my name is bob smith jones"])
def test_no_name(text):
    assert parse_first_name(text) is None


def test_skip():
    assert is_skip("skip") and is_skip("No thanks") and not is_skip("Sam")


@pytest.mark.parametrize(("text", "method"), [
    ("aqui esta bien", "chat"), ("seguir en este chat", "chat"), ("mandeme mensaje", "text"),
    ("por whatsapp", "text"), ("llámeme", "call"), ("mejor una llamada... llamenme", "call"),
    ("por teléfono", "call"),
])
def test_contact_method_in_spanish(text, method):
    assert parse_contact_method(text) == method
