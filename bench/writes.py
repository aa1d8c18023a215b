"""The writes row of `make bench`: members posting stories, replies and reactions at
once, each the way a browser does it (the form or the story page first for its CSRF
token, then the POST), while wrk reads a chapter page beside them.

The writers are bench/load_faults.py's clients doing only their writing actions, so the
two measure the same requests the same way. Run by bench/run.py against its gunicorn;
the server runs with the trusted members' hourly limits raised (bench/run.py), since
a member who posts for 30 seconds without pause would otherwise be stopped by them
after a few stories: the limit's check itself is still measured."""

import random
import threading
import time
from collections.abc import Callable

from bench.load_faults import EXPECTED, Client, Observations, Site, Visitor, _percentile

#: The POSTs the row reports; the GETs before them (form, story page) are not counted.
POSTS = ("story post", "react", "reply")


class Writer(Client):
    """One member who only writes: a story, a reaction or a reply, in turn at random."""

    def run(self) -> list:
        member = self.members[0]
        try:
            while time.monotonic() - self.clock < self.deadline:
                choice = self.rng.random()
                if choice < 0.3:
                    self.write_story(member)
                elif choice < 0.65:
                    self.react(member)
                else:
                    self.reply(member)
        finally:
            self.connection.close()
        return self.records


def run_writes(
    *, port: int, site: dict, writers: list[str], seconds: int, read: Callable[[], dict]
) -> dict:
    """`writers` (session keys) write for `seconds` while `read()` (wrk on a page for as
    long) runs in a thread; returns the POSTs' figures and the reads'."""
    shared = Site(site, port)
    observations, lock = Observations(), threading.Lock()
    clock = time.monotonic()
    clients = []
    for index, session_key in enumerate(writers):
        client = Writer(
            index, shared, clock, seconds, random.Random(index), observations, lock, "bench"
        )
        client.members.append(
            Visitor(
                ip=f"10.77.0.{index + 1}",
                kind="member",
                cookies={"sessionid": session_key},
                logged_in=True,
            )
        )
        clients.append(client)
    reads: dict = {}
    reader = threading.Thread(target=lambda: reads.update(read()))
    threads = [threading.Thread(target=client.run) for client in clients]
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.join()
    elapsed = time.monotonic() - clock
    records = [r for client in clients for r in client.records if r.endpoint in POSTS]
    latencies = [(r.ended - r.started) * 1000 for r in records]
    errors = sum(r.outcome not in EXPECTED[r.endpoint] for r in records)
    return {
        "writers": len(writers),
        "posts": len(records),
        "by_kind": {kind: sum(r.endpoint == kind for r in records) for kind in POSTS},
        "rps": len(records) / elapsed,
        "p50": _percentile(latencies, 0.5) if latencies else float("nan"),
        "p99": _percentile(latencies, 0.99) if latencies else float("nan"),
        "errors": errors,
        "outcomes": sorted({str(r.outcome) for r in records}),
        "reads": reads,
    }
