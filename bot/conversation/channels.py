"""Which kind of channel a conversation is on: the same text differs for SMS and web."""

SMS_CHANNELS = frozenset({"twilio", "sms", "twilio_sms", "helpline_sms"})


def channel_kind(input_channel: str | None) -> str:
    """Map a Rasa input channel name to "sms" or "web" (REST and socket.io count as web)."""
    return "sms" if (input_channel or "").lower() in SMS_CHANNELS else "web"
