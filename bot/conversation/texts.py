"""Fixed conversation texts that depend on clinic settings (numbers, hours). No diagnostic language."""

from __future__ import annotations

from bot.config import Settings

NOT_ADVICE = (
    "This is not medical advice or a diagnosis, and it is not for emergencies. "
    "A clinician makes the real decision with you."
)


def notice(settings: Settings, channel: str) -> str:
    """What this is, the not-medical-advice / not-for-emergencies notice and the crisis numbers."""
    if channel == "sms":
        return (
            f"I'll ask a few questions (about 10 min) to see if an Intensive Outpatient Program might suit you. "
            f"{NOT_ADVICE} In crisis? Call or text {settings.crisis_line}. "
            f"Emergency: {settings.emergency_number}."
        )
    return (
        "I can ask you a few questions (about 10 minutes) to see whether an Intensive Outpatient Program (IOP) "
        f"might suit you or someone you care about, and then connect you with our team. {NOT_ADVICE} "
        f"If you are in crisis, call or text {settings.crisis_line} (Suicide & Crisis Lifeline) any time, "
        f"or call {settings.emergency_number} in an emergency."
    )


def consent_question(channel: str) -> str:
    if channel == "sms":
        return "Your answers are stored securely and seen only by our care team. OK to go ahead? Reply YES or NO."
    return (
        "Your answers are stored securely and only our care team can see them. "
        "Is it OK to go ahead and store your answers?"
    )


def consent_declined(settings: Settings) -> str:
    return (
        "That's completely fine - nothing you told me has been stored. "
        f"You can reach a person on our helpline at {settings.helpline_phone}. "
        f"If you're in crisis, call or text {settings.crisis_line}; in an emergency call {settings.emergency_number}."
    )


def for_whom_question(channel: str) -> str:
    if channel == "sms":
        return "Is this for you or someone you care about? Reply 1 for me, 2 for someone else."
    return "Are you asking for yourself or for someone you care about?"


def paused(settings: Settings, channel: str) -> str:
    text = (
        "No problem, I've saved your answers so far. Just send \"continue\" whenever you're ready "
        "and we'll pick up where we left off."
    )
    if channel == "sms":
        return text + f" Crisis: call or text {settings.crisis_line}."
    return text + f" If things get hard, call or text {settings.crisis_line} any time."


def unclear_hint() -> str:
    return "Sorry, I didn't quite catch that. You can pick one of these or answer in your own words:"

