"""`make bench`: load and page-weight figures on a large data set (BENCHMARKS.md).
Never part of `make test`; tests/bench checks only the data set it builds."""
