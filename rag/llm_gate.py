"""First come, first served turns at the generator, shared by every page, API call and eval.

An in-process model writes one answer at a time (one slot); an OpenAI-compatible server takes
several at once (`llm.max_concurrent`). Waiting requests learn their place in the line and an
expected wait from the recent answer times, so the page can say so; extractive answers never
take a turn. A request abandoned while waiting (the user left) gives its place up.

Written here rather than with a library: it is a ticket queue over one `threading.Condition`,
and the waiting side must yield progress to a generator, which stdlib locks and semaphores don't.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

# Weight of the latest answer time in the running mean behind the expected wait.
_RECENT = 0.3


@dataclass(frozen=True)
class Wait:
    """`ahead`: requests before this one (being answered or waiting); `eta_s`: expected wait."""

    ahead: int
    eta_s: float


class LLMGate:
    def __init__(self, slots: int, expected_answer_s: float = 15.0) -> None:
        self.slots = max(1, slots)
        self._cond = threading.Condition()
        self._line: deque[int] = deque()
        self._busy = 0
        self._tickets = itertools.count()
        self._mean_s = expected_answer_s
        self._started: dict[int, float] = {}

    def enter(self) -> int:
        """Take a ticket: a place at the end of the line."""
        with self._cond:
            ticket = next(self._tickets)
            self._line.append(ticket)
            return ticket

    def _status(self, ticket: int) -> Wait:
        ahead = self._busy + self._line.index(ticket)
        rounds = (ahead - self.slots) // self.slots + 1 if ahead >= self.slots else 0
        return Wait(ahead, round(rounds * self._mean_s, 1))

    def _may_start(self, ticket: int) -> bool:
        return self._busy < self.slots and self._line[0] == ticket

    def wait(self, ticket: int, poll_s: float = 1.0) -> Iterator[Wait]:
        """Yield the place in line whenever it changes (and every `poll_s`) until the ticket's
        turn comes; then it holds a slot until `leave`."""
        last: Wait | None = None
        while True:
            with self._cond:
                if self._may_start(ticket):
                    self._line.popleft()
                    self._busy += 1
                    self._started[ticket] = time.monotonic()
                    self._cond.notify_all()
                    return
                status = self._status(ticket)
                if status == last:
                    self._cond.wait(timeout=poll_s)
                    continue
            last = status
            yield status

    def leave(self, ticket: int) -> None:
        """Give the slot back (or the place in line, if the turn never came)."""
        with self._cond:
            started = self._started.pop(ticket, None)
            if started is not None:
                self._busy -= 1
                self._mean_s = (1 - _RECENT) * self._mean_s + _RECENT * (time.monotonic() - started)
            elif ticket in self._line:
                self._line.remove(ticket)
            self._cond.notify_all()

    def waiting(self) -> int:
        with self._cond:
            return len(self._line)
