"""A round of introductions for BENCH_PARTICIPANTS (10,000) invented participants: the
matching alone (introductions.matching), timed. JSON on stdout; run by bench/run.py."""

import json
import os
import sys
import time


def main() -> dict:
    from introductions.matching import match, sample_population

    size = int(os.environ.get("BENCH_PARTICIPANTS", "10000"))
    people = sample_population(size, seed=1)
    started = time.perf_counter()
    pairs = match(people, excluded=set(), seed=1)
    return {
        "participants": size,
        "pairs": len(pairs),
        "score": sum(value for _a, _b, value in pairs),
        "seconds": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
