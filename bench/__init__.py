"""Benchmarks run by hand (`make bench`), never by `make test`: results go to BENCHMARKS.md."""
