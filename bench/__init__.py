"""Measurements that are never part of `make test`: `make bench` (bench/run.py: load,
page weight and photo size on a large data set, BENCHMARKS.md) and `make load`
(bench/load_faults.py). tests/bench checks only the data set `make bench` builds."""
