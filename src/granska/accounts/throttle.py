"""A growing wait after failed logins, instead of a lock.

A lock for an address (allauth's "5 failures in 15 minutes, then refused") lets anyone who knows a
person's e-mail address keep that person out. Here a few failures are free; after them the next
attempt for the same address is accepted only after a wait that doubles with each failure, up to
a cap. The right person gets in after waiting briefly; a guesser is slowed to a couple of tries a
minute. Nobody sleeps in a request: an attempt made too early is refused with the seconds left.

The state lives in the cache, like allauth's own limits (one cache shared by every worker in
production): per key, the number of failures in a row and the time of the last. Keys are hashed
with the secret key, so no e-mail address is stored. An attempt is counted as a failure when it
is accepted and forgotten when it succeeds, so attempts sent in parallel cannot all pass between
the check and the result.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

# How long the lock around one key's counting is held at most (it is released at once).
_LOCK_SECONDS = 5


@dataclass(frozen=True)
class Throttle:
    """Waits between attempts for one key (an e-mail address, a person)."""

    name: str
    # Failures in a row before any wait.
    free_failures: int
    # Seconds to wait after the first failure beyond the free ones; doubled with each next one.
    first_wait: int
    max_wait: int
    # Seconds after the last failure when the count starts over.
    forget_after: int

    def wait_after(self, failures: int) -> int:
        """Seconds the next attempt must wait after `failures` failures in a row."""
        if failures < self.free_failures:
            return 0
        doublings = failures - self.free_failures
        return min(self.first_wait * int(2**doublings), self.max_wait)

    def attempt(self, *, key: str) -> int:
        """Accepts an attempt for `key` and counts it (returns 0), or refuses it: the whole
        seconds still to wait."""
        cache_key = self._cache_key(key)
        if not cache.add(f"{cache_key}:lock", True, timeout=_LOCK_SECONDS):
            # Another attempt for the same key is being counted at this very moment.
            return 1
        try:
            now = time.time()
            stored: tuple[int, float] = cache.get(cache_key, (0, 0.0))
            failures, last = stored
            if now - last >= self.forget_after:
                failures = 0
            ready_at = last + self.wait_after(failures)
            if now < ready_at:
                return math.ceil(ready_at - now)
            cache.set(cache_key, (failures + 1, now), timeout=self.forget_after)
            return 0
        finally:
            cache.delete(f"{cache_key}:lock")

    def succeeded(self, *, key: str) -> None:
        """Forgets the failures of `key`: the attempt just accepted was right."""
        cache.delete(self._cache_key(key))

    def _cache_key(self, key: str) -> str:
        digest = salted_hmac("granska.accounts.throttle", key, algorithm="sha256").hexdigest()
        return f"granska:throttle:{self.name}:{digest}"


# Passwords, per e-mail address: three failures free, then 5, 10, 20 and at most 30 seconds.
PASSWORDS = Throttle(
    name="password", free_failures=3, first_wait=5, max_wait=30, forget_after=60 * 60
)

# Codes from the authenticator app (or recovery codes), per person. Only someone who has the
# password reaches this step, and a six-digit code is easier to guess than a password: the wait
# grows on to five minutes.
CODES = Throttle(name="code", free_failures=3, first_wait=5, max_wait=5 * 60, forget_after=60 * 60)


def wait_error(seconds: int) -> ValidationError:
    """The refusal of an attempt made before its wait has passed, in the person's language."""
    return ValidationError(
        ngettext(
            "Too many failed attempts. Wait %(seconds)d second and try again.",
            "Too many failed attempts. Wait %(seconds)d seconds and try again.",
            seconds,
        )
        % {"seconds": seconds},
        code="wait",
    )
