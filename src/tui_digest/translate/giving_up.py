"""When a translation run gives up on its server instead of trying every paper.

A hung or failing server used to cost every paper its full retries: three
papers at timeout_seconds = 2 took 16 requests and 55 s, a fetch's 25 papers
against a server answering HTTP 500 took 100 requests (a bug hunt). The run now
stops, the papers not sent left for the next run, after

- a throttling answer whose Retry-After is longer than we wait (a used-up
  quota): every request until then would be refused the same way;
- `GIVE_UP_AFTER` requests in a row that failed the same way (timed out, lost
  their connection, HTTP 5xx, HTTP 429 with the retries used up), each after
  its own retries;
- `GIVE_UP_AFTER` requests in a row that got the very same answer where a
  chat completion should be: the same HTTP 4xx and message (a parameter or
  model the server refuses), the same body that is no completion (a
  gateway's HTML login page). Such an answer is the configuration's, not the
  papers': the runner charges no paper that got it (`runner._Run.deferred`).
  A 4xx only some papers get (a too-long request) never makes such a streak.
"""

from __future__ import annotations

# Why 3: one failure may be the paper's own (a long abstract that times out), two
# in a row a passing hiccup; a third, each request already tried 4 times over
# tens of seconds, says the server is at fault. More costs the user minutes (and,
# for answers the provider bills, money) while the papers left lose nothing: the
# next run asks for them. A single run of 1-2 papers never reaches it.
GIVE_UP_AFTER = 3


class Streak:
    """Failures of one kind in a row, across a run's requests (any order of finishing)."""

    def __init__(self, limit: int = GIVE_UP_AFTER) -> None:
        self.limit = limit
        self.kind = ""
        self.key = ""
        self.count = 0

    def succeeded(self) -> None:
        self.kind, self.key, self.count = "", "", 0

    def failed(self, kind: str, key: str = "") -> bool:
        """Count a request that failed as `kind` ("" = a kind that says nothing about
        the server, which ends the streak), `key` telling apart answers of one kind
        (the message of an HTTP 400); True when the run should give up."""
        if not kind:
            self.succeeded()
            return False
        same = (kind, key) == (self.kind, self.key)
        self.count = self.count + 1 if same else 1
        self.kind, self.key = kind, key
        return self.count >= self.limit

    def why(self) -> str:
        return f"the last {self.count} requests {self.kind}"
