"""The SMS helpline against the real Rasa and action servers, with Twilio's REST API faked at the HTTP
boundary. Webhooks are signed with twilio's own RequestValidator."""

from __future__ import annotations

import re

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms_text import SMS_LIMIT
from tests.e2e.channel_support import (
    AUTH_TOKEN,
    BOT_NUMBER,
    ChannelStack,
    FakeTwilio,
    post_sms,
    shared_channel_stack,
    sms_params,
)

pytestmark = pytest.mark.e2e

OK = 200


@pytest.fixture(scope="module")
def channels(request, tmp_path_factory, model):
    return shared_channel_stack(request, tmp_path_factory, model)


@pytest.fixture()
def sms_stack(channels):
    return channels[0]


@pytest.fixture()
def twilio(channels):
    return channels[1]


def text_in(stack: ChannelStack, twilio: FakeTwilio, sender: str, body: str, **kwargs) -> list[str]:
    """Send one SMS to the bot; return the SMS bodies it sent back."""
    before = len(twilio.to(sender))
    status = post_sms(stack.sms_url, sms_params(sender, body), **kwargs)
    assert status == OK, stack.logs()
    replies = twilio.to(sender)[before:]
    for reply in replies:
        assert len(reply) <= SMS_LIMIT
        assert not re.search(r"\*\*|__|\[[^\]]*\]\(|https?://|<[a-z]", reply), reply
    return replies


def test_forged_signature_is_refused_and_nothing_is_processed(sms_stack, twilio):
    sender = "+15550101001"
    params = sms_params(sender, "hi")
    assert post_sms(sms_stack.sms_url, params, token="not-the-auth-token") == 403
    assert post_sms(sms_stack.sms_url, params, signature="") == 403
    tampered = dict(params, Body="I want to talk to a person")
    signature_of_the_original = RequestValidator(AUTH_TOKEN).compute_signature(sms_stack.sms_url, params)
    assert post_sms(sms_stack.sms_url, tampered, signature=signature_of_the_original) == 403
    assert twilio.to(sender) == []
    # nothing was stored: the conversation does not exist for Rasa
    replies = text_in(sms_stack, twilio, sender, "hi")
    assert "not medical advice" in " ".join(replies).lower()


def test_signature_for_the_public_url_behind_a_proxy(sms_stack, twilio):
    sender = "+15550101002"
    public = "https://chat.clinic.example/webhooks/twilio/webhook"
    status = post_sms(sms_stack.sms_url, sms_params(sender, "hello"), signed_url=public,
                      headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "chat.clinic.example"})
    assert status == OK
    assert twilio.to(sender), "a webhook signed for the proxied public URL must be accepted"
    assert twilio.auth[-1] == twilio.expected_auth()


def test_duplicate_delivery_is_processed_once(sms_stack, twilio):
    sender = "+15550101003"
    params = sms_params(sender, "hi")
    assert post_sms(sms_stack.sms_url, params) == OK
    first = twilio.to(sender)
    assert first
    assert post_sms(sms_stack.sms_url, params) == OK
    assert twilio.to(sender) == first


def test_help_stop_start(sms_stack, twilio):
    sender = "+15550101004"
    help_reply = text_in(sms_stack, twilio, sender, "HELP")
    assert len(help_reply) == 1
    assert "Riverside IOP" in help_reply[0] and "(555) 010-4242" in help_reply[0] and "988" in help_reply[0]

    assert text_in(sms_stack, twilio, sender, "hi")  # talking to the bot
    stop = text_in(sms_stack, twilio, sender, "Stop")
    assert len(stop) == 1 and "unsubscribed" in stop[0].lower() and "START" in stop[0]
    assert text_in(sms_stack, twilio, sender, "STOP") == []  # one confirmation only
    assert text_in(sms_stack, twilio, sender, "what is IOP?") == []  # opted out: nothing processed or sent
    started = text_in(sms_stack, twilio, sender, "yes")  # YES re-subscribes someone who sent STOP
    assert len(started) == 1 and started[0].lower().startswith("you're subscribed again")
    assert text_in(sms_stack, twilio, sender, "hi"), "after START the bot answers again"


def test_nothing_is_sent_while_opted_out_not_even_staff_replies(sms_stack, twilio):
    sender = "+15550101005"
    assert text_in(sms_stack, twilio, sender, "hi")
    assert len(text_in(sms_stack, twilio, sender, "STOP")) == 1
    assert text_in(sms_stack, twilio, sender, "I changed my mind about the questions") == []
    assert sms_stack.execute(sender, "utter_greet") == OK
    assert text_in(sms_stack, twilio, sender, "hello?") == []
    started = text_in(sms_stack, twilio, sender, "START")
    assert len(started) == 1 and "subscribed again" in started[0]
    assert text_in(sms_stack, twilio, sender, "hi"), "after START the bot answers again"


def test_staff_replies_go_out_through_the_sms_channel(sms_stack, twilio):
    sender = "+15550101006"
    assert text_in(sms_stack, twilio, sender, "hi")
    before = len(twilio.to(sender))
    assert sms_stack.execute(sender, "utter_greet") == OK
    sent = twilio.to(sender)[before:]
    assert sent, "output_channel=latest must deliver through the Twilio channel"
    assert all(m["From"] == BOT_NUMBER for m in twilio.sent if m["To"] == sender)


def _options(message: str) -> dict[str, str]:
    """{"1": "Yes", "2": "No", ...} from "Reply 1 Yes, 2 No or 3 Not sure." (or the e.g. form)."""
    tail = message[message.lower().rfind("reply"):]
    tail = re.sub(r"\(e\.g\.[^)]*\):?", "", tail)
    return {n: label.strip() for n, label in re.findall(r"\b(\d{1,2}) ([^,.]+?)(?=,| or |\.|$)", tail)}


def _answer(message: str) -> str:
    """A low-risk numbered answer to one SMS question."""
    lower = message.lower()
    if "ok to go ahead" in lower:
        return "YES"
    if "for you or someone you care about" in lower:
        return "for myself"
    if "reply with a number" in lower:
        return "2"
    if "would you like help with" in lower:
        return "1"  # alcohol, so the substance questions are asked too
    options = _options(message)
    assert options, f"no numbered options in: {message}"
    for wanted in ("No", "None", "None of these", "Nothing", "Not at all", "Stable safe home",
                   "Supportive family/friends", "Ready now", "Either", "Comfortable", "Over 3 months ago",
                   "Less than weekly", "Never"):
        for number, label in options.items():
            if label.lower() == wanted.lower():
                return number
    return "1"


def test_full_screening_by_numbered_replies(sms_stack, twilio):
    sender = "+15550101007"
    replies = text_in(sms_stack, twilio, sender, "hi")
    joined = " ".join(replies).lower()
    assert "not medical advice" in joined and "988" in joined
    for _ in range(40):
        last = replies[-1]
        if "contact you to talk it through" in last.lower():
            break
        replies = text_in(sms_stack, twilio, sender, _answer(last))
        assert replies, "every answer gets a reply"
    else:
        pytest.fail("the screening did not finish within 40 answers")
    result = " ".join(replies).lower()
    assert "not medical advice" in result or "not a diagnosis" in result
    handoff = " ".join(text_in(sms_stack, twilio, sender, "YES")).lower()
    assert handoff, "the handoff answer is sent"
    assert "team" in handoff or "person" in handoff or "contact" in handoff


def test_buttons_become_numbers_and_a_number_picks_the_button(sms_stack, twilio):
    sender = "+15550101008"
    for text in ("hi", "YES", "for myself", "2"):
        assert text_in(sms_stack, twilio, sender, text)
    paused = " ".join(text_in(sms_stack, twilio, sender, "bye")).lower()
    assert "continue" in paused
    offer = text_in(sms_stack, twilio, sender, "hi")
    assert offer[-1].endswith("Reply 1 Yes, continue or 2 Start over."), offer
    resumed = " ".join(text_in(sms_stack, twilio, sender, "1")).lower()
    assert "continue where we left off" in resumed  # "1" was sent to the bot as the button's /resume_screening


def test_crisis_message_gets_crisis_help_in_short_messages(sms_stack, twilio):
    sender = "+15550101009"
    replies = text_in(sms_stack, twilio, sender, "i want to kill myself tonight")
    joined = " ".join(replies)
    assert "988" in joined and "911" in joined
    assert all(len(r) <= SMS_LIMIT for r in replies)
