"""Signal handlers in the tests: the task worker, run in-process, installs its own."""

import signal
from collections.abc import Iterator
from contextlib import contextmanager

WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


@contextmanager
def signal_handlers_restored() -> Iterator[None]:
    """Around code that installs signal handlers of its own, such as the task worker run
    in-process: the handlers before it are put back after it."""
    before = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
