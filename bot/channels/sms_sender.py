"""Sending one SMS through Twilio's Messages API (twilio's async REST client), with a time limit and retries.

twilio's async HTTP client gives a call no time limit (it passes ``timeout=None`` to aiohttp, which then waits
forever): one call that never got an answer held its turn forever, and the person never got the reply. Here
each call may take ``CALL_SECONDS``; a call that could not connect, timed out, or got 429 (Too Many Requests) or
a 5xx is tried again, ``ATTEMPTS`` times in all with a short backoff (aiohttp_retry, which twilio itself uses).
A retried call that Twilio did take after all sends the SMS twice: a repeated text is better than a lost one.
twilio logs every request at INFO; its logger here says only warnings.

An SMS whose every attempt failed that way (Twilio's API down or unreachable for a while) is not dropped: it
waits in this process and is tried again after each pause in ``LATER`` (about 4 minutes in all), and any later
SMS to the same number waits behind it, so the person gets them in order. A refusal (a 4xx other than 429:
a bad number, a number that replied STOP) is final. What still waits when the process ends is lost (logged
when given up; a restart loses it silently).
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

UNSUBSCRIBED = 21610  # Twilio error: the recipient has replied STOP
CALL_SECONDS = 10.0
ATTEMPTS = 3
FIRST_PAUSE = 0.5  # seconds before the second attempt; doubled before each next one
TOO_MANY_REQUESTS = 429
LATER = (20.0, 60.0, 180.0)  # seconds before each later try of SMS whose every attempt failed
SENT, REFUSED, FAILED = "sent", "refused", "failed"


def twilio_http_client():
    """twilio's ``AsyncTwilioHttpClient`` with a time limit on each call and retries (see the module docstring)."""
    from aiohttp import ClientConnectionError, ClientSession
    from aiohttp_retry import ExponentialRetry, RetryClient
    from twilio.http.async_http_client import AsyncTwilioHttpClient

    class TimedClient(AsyncTwilioHttpClient):
        async def request(self, method, url, **kwargs):  # twilio's client passes the rest by keyword
            return await super().request(method, url, **{**kwargs, "timeout": kwargs.get("timeout") or self.timeout})

    quiet = logging.getLogger("bot.channels.sms_sender.twilio")
    quiet.setLevel(logging.WARNING)
    client = TimedClient(pool_connections=False, timeout=CALL_SECONDS, logger=quiet)
    retry = ExponentialRetry(attempts=ATTEMPTS, start_timeout=FIRST_PAUSE / 2, statuses={TOO_MANY_REQUESTS},
                             exceptions={ClientConnectionError, asyncio.TimeoutError})
    client.session = RetryClient(client_session=ClientSession(), retry_options=retry)
    return client


class SmsSender:
    """Sends one SMS through twilio's REST client; the API base URL comes from settings (tests fake it)."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_base: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.api_base = api_base.rstrip("/")
        self._client = None
        self._waiting: dict[str, list[str]] = {}  # number -> SMS not yet delivered, in order
        self._later: dict[str, asyncio.Task] = {}

    def _twilio(self):
        if self._client is None:  # made in the event loop (aiohttp's session belongs to it), at the first SMS
            from twilio.rest import Client

            client = Client(self.account_sid, self.auth_token, http_client=twilio_http_client())
            client.api.base_url = self.api_base
            self._client = client
        return self._client

    async def send(self, to: str, body: str) -> bool:
        """Send now; False when it did not go out now (refused, or waiting for a later try: see the module)."""
        if not (self.account_sid and self.auth_token and self.from_number):
            log.error("SMS not sent: twilio_account_sid, twilio_auth_token or twilio_number is not set")
            return False
        if to in self._waiting:  # an earlier SMS to this number waits for a later try: this one goes after it
            self._waiting[to].append(body)
            return False
        outcome = await self._attempt(to, body)
        if outcome == FAILED:
            self._waiting[to] = [body]
            self._later[to] = asyncio.ensure_future(self._try_later(to))
        return outcome == SENT

    async def settled(self) -> None:
        """Until no SMS waits for a later try (delivered or given up)."""
        while self._later:
            await asyncio.gather(*list(self._later.values()), return_exceptions=True)

    async def _try_later(self, to: str) -> None:
        try:
            for pause in LATER:
                await asyncio.sleep(pause)
                waiting = self._waiting[to]
                while waiting:
                    outcome = await self._attempt(to, waiting[0])
                    if outcome == FAILED:
                        break
                    waiting.pop(0)  # sent, or refused for good
                if not waiting:
                    log.info("SMS that had waited for Twilio's API were sent")
                    return
            # the type joined in: %-arguments are redacted in the log files (bot.redact)
            log.error("gave up on SMS after every later try: " + str(len(self._waiting[to])) + " not delivered")
        finally:
            self._waiting.pop(to, None)
            self._later.pop(to, None)

    async def _attempt(self, to: str, body: str) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            await self._twilio().messages.create_async(to=to, from_=self.from_number, body=body)
            return SENT
        except TwilioRestException as exc:
            if exc.status == TOO_MANY_REQUESTS or exc.status >= 500:  # noqa: PLR2004
                log.error("Twilio's API answered HTTP %s to every attempt; the SMS will be tried later", exc.status)
                return FAILED
            level = logging.INFO if exc.code == UNSUBSCRIBED else logging.ERROR
            log.log(level, "Twilio refused an SMS (HTTP %s, code %s)", exc.status, exc.code)
            return REFUSED
        except (TwilioException, OSError, Exception) as exc:  # noqa: BLE001 - a send failure must not crash a turn
            # the type joined in: %-arguments are redacted in the log files (bot.redact)
            log.error("sending an SMS failed (every attempt), error type " + type(exc).__name__
                      + "; it will be tried later", exc_info=True)
            return FAILED
