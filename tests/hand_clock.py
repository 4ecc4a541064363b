"""A monotonic clock (seconds) that a test moves by hand, for code that takes
`time.monotonic` (shared by every test folder through pytest's pythonpath)."""

from __future__ import annotations


class Clock:
    """Stands in for time.monotonic: returns `now`, which the test sets."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
