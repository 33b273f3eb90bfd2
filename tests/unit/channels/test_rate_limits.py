"""Rate limits: a script is limited, a person typing fast never is (a fake clock, no sleeping)."""

from bot.channels.limits import Buckets, Rate, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_script_flooding_one_conversation_is_limited():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    allowed = [limiter.allow("conv-1", "10.0.0.1") for _ in range(100)]  # 100 messages in the same instant
    assert allowed[:10] == [True] * 10
    assert not any(allowed[10:])


def test_a_script_sending_two_a_second_is_limited_within_a_minute():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    results = []
    for _ in range(120):
        results.append(limiter.allow("conv-1", "10.0.0.1"))
        clock.now += 0.5
    assert results.count(False) >= 40


def test_a_person_typing_fast_is_never_limited():
    """Bursts of 8 quick clicks 1 s apart, then a few seconds of reading, for half an hour."""
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for _ in range(60):
        for _ in range(8):
            assert limiter.allow("person", "10.0.0.2")
            clock.now += 1.0
        clock.now += 22.0
    for _ in range(200):  # then one message every 2.5 s, steadily
        assert limiter.allow("person", "10.0.0.2")
        clock.now += 2.5


def test_one_address_with_many_conversations_is_limited_as_a_client():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    allowed = [limiter.allow(f"conv-{i}", "10.0.0.3") for i in range(200)]
    assert allowed.count(True) == 60
    assert limiter.allow("conv-new", "10.0.0.4")  # another client is not affected


def test_credentials_override_the_defaults():
    limiter = RateLimiter.from_credentials({"rate_limit": {"burst": 2, "per_minute": 60}})
    assert [limiter.allow("c") for _ in range(3)] == [True, True, False]
    assert RateLimiter.from_credentials(None).conversations.rate == Rate(10, 30)


def test_the_buckets_forget_the_oldest_keys_beyond_their_cap(monkeypatch):
    from bot.channels import limits

    monkeypatch.setattr(limits, "MAX_KEYS", 5)
    buckets = Buckets(Rate(1, 1), Clock())
    for i in range(50):
        buckets.take(f"k{i}")
    assert len(buckets._state) == 5


async def test_the_channels_check_is_the_in_memory_take_with_one_process():
    limiter = RateLimiter.from_credentials({"rate_limit": {"burst": 2}}, redis_url="")
    assert type(limiter) is RateLimiter
    assert [await limiter.check("c", "10.0.0.5") for _ in range(3)] == [True, True, False]


def test_shared_bucket_keys_name_no_phone_number_or_address():
    from bot.channels.shared_limits import SharedRateLimiter

    limiter = SharedRateLimiter("redis://127.0.0.1:1/1", "secret")  # connects on first use only
    key = limiter.key("conversation", "+15550100")
    assert key.startswith("iopbot:limit:conversation:") and "5550100" not in key
    assert key == SharedRateLimiter("redis://127.0.0.1:1/1", "secret").key("conversation", "+15550100")
    assert key != SharedRateLimiter("redis://127.0.0.1:1/1", "other").key("conversation", "+15550100")
    assert limiter.key("client", "+15550100") != key


def test_tokens_given_back_are_taken_again_but_never_above_the_burst():
    clock = Clock()
    limiter = RateLimiter(Rate(2, 0), Rate(60, 0), clock=clock)
    limiter.put_back("never-seen")  # a bucket nobody drew on is full: nothing to give back
    assert [limiter.allow("conv") for _ in range(3)] == [True, True, False]
    limiter.put_back("conv")
    assert [limiter.allow("conv") for _ in range(2)] == [True, False]
    for _ in range(5):
        limiter.put_back("conv")
    assert [limiter.allow("conv") for _ in range(3)] == [True, True, False]
