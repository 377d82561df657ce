## ---- benchmark ------------------------------------------------------
# `make bench` (doc/performance.md). BENCH_ARGS: e.g. "--scale 10
# --repeat 1" for a quick run, "--only match".
EXTRA_PROGRAMS = bench/bench
bench_bench_SOURCES = bench/bench.c tests/common/ratesim.c \
	tests/common/ratesim.h tests/common/simulate.c tests/common/simulate.h
bench_bench_CFLAGS = $(AM_CFLAGS) -O2
bench_bench_LDADD = liblttsync-internal.la $(GLIB_LIBS) $(BABELTRACE2_LIBS) -lm
CLEANFILES += bench/bench bench.json

BENCH_JSON = $(abs_builddir)/bench.json
bench: bench/bench
	$(builddir)/bench/bench --json $(BENCH_JSON) $(BENCH_ARGS)
PHONY += bench
