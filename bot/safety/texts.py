"""What the bot says in a crisis and in degraded mode. Short, kind, plain text, no diagnostic language.

Numbers come from ``bot.config`` Settings (crisis_line, emergency_number, poison_control, helpline_phone),
so a clinic changes them in ``data/clinic.yml`` or the environment, not here. Every text is plain (no
markdown, no links) and each SMS message is at most 320 characters; a crisis answer is two messages.
"""

from __future__ import annotations

from bot.config import Settings, get_settings

SMS_LIMIT = 320


def _first_line(category: str, s: Settings) -> str:
    if category == "suicide":
        return (
            "I'm really glad you told me, and I'm sorry you're hurting. You don't have to face this alone. "
            f"Please call or text {s.crisis_line} now (Suicide & Crisis Lifeline, free, 24/7). "
            f"If you might act on these thoughts or are in danger right now, call {s.emergency_number}."
        )
    if category == "harm_others":
        return (
            f"Thank you for telling me. If anyone could get hurt now, please call {s.emergency_number}. "
            f"You can also call or text {s.crisis_line} any time to talk it through with someone trained "
            "to help."
        )
    if category == "overdose":
        return (
            f"This may be an overdose. Call {s.emergency_number} now. If naloxone (Narcan) is on hand, "
            f"use it, and stay with the person. Poison Control is at {s.poison_control}, 24/7."
        )
    if category == "medical_emergency":
        return (
            f"This sounds like an emergency. Please call {s.emergency_number} now. If drugs might be "
            f"involved and naloxone (Narcan) is on hand, use it. Poison Control: {s.poison_control}."
        )
    if category == "dangerous_withdrawal":
        return (
            "Seizures, seeing or hearing things, or confusion during withdrawal can be dangerous. "
            f"Please call {s.emergency_number} now or go to the nearest emergency room. "
            "Please don't go through this alone."
        )
    return (
        f"If you are in danger or this is an emergency, call {s.emergency_number} now. "
        f"You can call or text {s.crisis_line} any time (Suicide & Crisis Lifeline)."
    )


def _person_line(category: str, s: Settings, channel: str) -> str:
    crisis = f" You can call or text {s.crisis_line} any time." if category != "suicide" else ""
    if channel == "sms":
        return (f"I'm alerting a person from our team now, and they will reach out as soon as they can. "
                f"Our helpline: {s.helpline_phone}.{crisis} We can go back to the questions later, only if "
                f"you want to.")
    return (f"I'm letting a person from our team know right now, and they will reach out to you as soon as "
            f"they can. You can also call our helpline at {s.helpline_phone}.{crisis} "
            f"We'll only go back to the questions if and when you want to.")


def crisis_message(category: str, channel: str = "web", settings: Settings | None = None) -> list[str]:
    """The crisis answer for ``category`` ("suicide", "harm_others", "overdose", "medical_emergency",
    "dangerous_withdrawal"; anything else gets a general emergency text), as two plain-text messages."""
    s = settings or get_settings()
    return [_first_line(category, s), _person_line(category, s, channel)]


def fallback_safety_message(channel: str = "web", settings: Settings | None = None) -> str:
    """Degraded mode (action server, database or model down): crisis numbers and how to reach a person."""
    s = settings or get_settings()
    if channel == "sms":
        return (f"Sorry, I'm having trouble right now. In crisis: call or text {s.crisis_line}. "
                f"Emergency: call {s.emergency_number}. Possible overdose: {s.emergency_number} or Poison "
                f"Control {s.poison_control}. To reach a person on our team, call {s.helpline_phone}.")
    return (f"Sorry, I'm having some trouble right now. If you're in crisis, call or text {s.crisis_line} "
            f"(Suicide & Crisis Lifeline, 24/7). In an emergency, call {s.emergency_number}. For a possible "
            f"overdose, call {s.emergency_number} or Poison Control at {s.poison_control}. "
            f"To talk with a person from our team, call {s.helpline_phone}.")
