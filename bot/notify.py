"""Tell staff that a handoff is waiting: a webhook POST and/or an e-mail, with no health details.

The message carries only the urgency and a link to the console; everything else stays behind the login.
One notice per new handoff or raised urgency (again after ``handoff_renotify_minutes`` while it still waits):
a flood of messages in one conversation does not flood the team. Failures are logged and never reach the
person talking to the bot.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import urllib.request
from email.message import EmailMessage

from bot.config import Settings

log = logging.getLogger(__name__)


def handoff_payload(settings: Settings, handoff_id: int, urgency: str) -> dict:
    return {"event": "handoff_waiting", "urgency": urgency,
            "url": f"{settings.resolved_console_url}/handoffs/{handoff_id}"}


def _post_webhook(url: str, payload: dict) -> None:
    if not url.startswith(("https://", "http://")):
        raise ValueError("the handoff webhook URL must be http(s)")
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - configured by the clinic
        response.read()


def _send_email(settings: Settings, payload: dict) -> None:
    message = EmailMessage()
    message["Subject"] = f"[{payload['urgency'].upper()}] A conversation is waiting for the team"
    message["From"] = settings.smtp_from or settings.smtp_user
    message["To"] = settings.notify_email_to
    message.set_content(f"A person is waiting for a reply. Open the staff console: {payload['url']}")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_user:
            smtp.starttls()
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def notify_handoff(settings: Settings, handoff_id: int, urgency: str, wait: bool = False) -> threading.Thread | None:
    """Send the configured notifications in the background (``wait=True`` blocks, for tests)."""
    if not settings.handoff_webhook_url and not (settings.smtp_host and settings.notify_email_to):
        return None
    payload = handoff_payload(settings, handoff_id, urgency)

    def send() -> None:
        try:
            from bot.store import db
            from bot.store.repositories import claim_notification

            with db.session_scope(settings) as session:
                due = claim_notification(session, handoff_id, urgency, settings.handoff_renotify_minutes)
            if not due:
                return
        except Exception:  # noqa: BLE001 - better one notice too many than none
            log.exception("could not check whether staff were already told; sending")
        if settings.handoff_webhook_url:
            try:
                _post_webhook(settings.handoff_webhook_url, payload)
            except Exception:  # noqa: BLE001
                log.exception("handoff webhook failed")
        if settings.smtp_host and settings.notify_email_to:
            try:
                _send_email(settings, payload)
            except Exception:  # noqa: BLE001
                log.exception("handoff e-mail failed")

    thread = threading.Thread(target=send, name="notify-handoff", daemon=True)
    thread.start()
    if wait:
        thread.join(15)
    return thread
