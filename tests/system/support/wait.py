"""Polling with a deadline: the way to wait for anything in a test (never a bare sleep)."""

import time


def wait_for(predicate, timeout=10.0, interval=0.05, message=None, retry_on=(Exception,)):
    """Calls predicate() until it returns something truthy, and returns that; raises TimeoutError
    naming `message` (or the predicate) after `timeout` seconds. Exceptions of the `retry_on` types
    count as "not yet" until the deadline (then the last one is chained); others propagate at once."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = predicate()
            if result:
                return result
        except retry_on as error:
            last_error = error
        if time.monotonic() >= deadline:
            what = message or getattr(predicate, "__name__", "condition")
            raise TimeoutError(f"{what} not met within {timeout}s") from last_error
        time.sleep(interval)
