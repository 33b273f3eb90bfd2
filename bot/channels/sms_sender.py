"""Sending one SMS through Twilio's Messages API (twilio's async REST client), with a time limit and retries.

twilio's async HTTP client gives a call no time limit (it passes ``timeout=None`` to aiohttp, which then waits
forever): one call that never got an answer held its turn forever, and the person never got the reply. Here
each call may take ``CALL_SECONDS``; a call that could not connect, timed out, or got 429 (Too Many Requests) or
a 5xx is tried again, ``ATTEMPTS`` times in all with a short backoff (aiohttp_retry, which twilio itself uses).
A retried call that Twilio did take after all sends the SMS twice: a repeated text is better than a lost one.
twilio logs every request at INFO; its logger here says only warnings.

An SMS whose every attempt failed that way (Twilio's API down or unreachable for a while) is not dropped: it
waits in the database outbox (``bot.channels.sms_outbox``) and is tried again after each pause in ``LATER``
(about 4 minutes in all), and any later SMS to the same number waits behind it, so the person gets them in
order. Every node looks for due SMS every ``POLL_SECONDS`` and holds a number's SMS while it sends them, so an
SMS left by a node that stopped or died goes out from another (or from the same one after its restart).
A refusal (a 4xx other than 429: a bad number, a number that replied STOP) is final. Without an outbox, or
when the database cannot take the SMS, it waits in this process instead (lost if the process ends).
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
POLL_SECONDS = 5.0  # how often a node looks for SMS due in the outbox
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

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_base: str, outbox=None) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.api_base = api_base.rstrip("/")
        self.outbox = outbox  # bot.channels.sms_outbox.Outbox, or None: SMS wait in memory only
        self._client = None
        self._waiting: dict[str, list[str]] = {}  # number -> SMS not yet delivered, in order (no outbox)
        self._later: dict[str, asyncio.Task] = {}
        self._outbox_task: asyncio.Task | None = None

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
        if self.outbox is not None and await asyncio.to_thread(self.outbox.waiting, to) \
                and await asyncio.to_thread(self.outbox.add, to, body, 0.0):
            self.start_later_tries()
            return False
        outcome = await self._attempt(to, body)
        if outcome == FAILED:
            if self.outbox is not None and await asyncio.to_thread(self.outbox.add, to, body, LATER[0]):
                self.start_later_tries()
            else:
                self._waiting[to] = [body]
                self._later[to] = asyncio.ensure_future(self._try_later(to))
        return outcome == SENT

    def start_later_tries(self) -> None:
        """Look for due SMS in the outbox from now on (at a channel's start, and when one is added)."""
        if self.outbox is not None and (self._outbox_task is None or self._outbox_task.done()):
            self._outbox_task = asyncio.ensure_future(self._outbox_loop())

    async def stop_later_tries(self) -> None:
        task, self._outbox_task = self._outbox_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _outbox_loop(self) -> None:
        while True:
            try:
                await self.try_due()
            except Exception:  # noqa: BLE001 - the loop must outlive any one failure
                log.exception("trying the SMS waiting in the outbox failed")
            await asyncio.sleep(POLL_SECONDS)

    async def try_due(self) -> None:
        """Try once every SMS due in the outbox that no other node holds, each number's in order."""
        for digest in await asyncio.to_thread(self.outbox.due):
            for sms in await asyncio.to_thread(self.outbox.lease, digest):
                outcome = await self._attempt(sms.number, sms.body)
                if outcome != FAILED:  # sent, or refused for good
                    await asyncio.to_thread(self.outbox.sent, sms.id)
                    continue
                tries = sms.tries + 1
                if tries < len(LATER):
                    await asyncio.to_thread(self.outbox.retry_in, digest, sms.id, tries, LATER[tries])
                else:
                    dropped = await asyncio.to_thread(self.outbox.give_up, digest)
                    # the count joined in: %-arguments are redacted in the log files (bot.redact)
                    log.error("gave up on SMS after every later try: " + str(dropped) + " not delivered")
                break

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
