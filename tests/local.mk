## ---- tests ----------------------------------------------------------
# By kind: unit/ (internal modules, linked with the internal library),
# api/ (the public interface only: the shared library), traces/ (reading
# trace folders, real and generated), cli/ (the commands), package/
# (exported symbols, ABI, documentation, installation); common/ holds what
# they share.

# Unless a test says otherwise, it links the internal library.
LDADD = liblttsync-internal.la $(CRITERION_LIBS) $(GLIB_LIBS) \
	$(BABELTRACE2_LIBS) -lm
# The public interface only.
API_LDADD = liblttsync.la $(CRITERION_LIBS) -lm

TESTFILES = tests/common/testfiles.c tests/common/testfiles.h
SIMULATE = tests/common/simulate.c tests/common/simulate.h
RATESIM = tests/common/ratesim.c tests/common/ratesim.h $(SIMULATE)
SIM_SESSION = tests/common/sim_session.c tests/common/sim_session.h
HULL_TESTLIB = tests/unit/hull_testlib.c tests/unit/hull_testlib.h

unit_tests = tests/unit/test_transform tests/unit/test_transform_parse \
	tests/unit/test_hull tests/unit/test_hull_brute \
	tests/unit/test_hull_large tests/unit/test_match tests/unit/test_graph \
	tests/unit/test_leads tests/unit/test_eviction tests/unit/test_path_bounds \
	tests/unit/test_windows
tests_unit_test_hull_SOURCES = tests/unit/test_hull.c $(HULL_TESTLIB)
tests_unit_test_hull_brute_SOURCES = tests/unit/test_hull_brute.c \
	$(HULL_TESTLIB)
tests_unit_test_hull_large_SOURCES = tests/unit/test_hull_large.c \
	$(HULL_TESTLIB)
tests_unit_test_leads_SOURCES = tests/unit/test_leads.c $(TESTFILES)
tests_unit_test_windows_SOURCES = tests/unit/test_windows.c $(RATESIM)

api_tests = tests/api/test_session tests/api/test_groundtruth \
	tests/api/test_precision tests/api/test_api_errors \
	tests/api/test_piecewise tests/api/test_evidence \
	tests/api/test_transform_api tests/api/test_report
tests_api_test_evidence_SOURCES = tests/api/test_evidence.c $(RATESIM) $(SIM_SESSION) \
	$(TESTFILES)
tests_api_test_evidence_LDADD = liblttsync.la $(CRITERION_LIBS) $(GLIB_LIBS) -lm
tests_api_test_transform_api_LDADD = $(API_LDADD)
tests_api_test_report_SOURCES = tests/api/test_report.c $(RATESIM) \
	$(SIM_SESSION)
tests_api_test_report_LDADD = $(API_LDADD)
tests_api_test_piecewise_SOURCES = tests/api/test_piecewise.c $(RATESIM) \
	$(SIM_SESSION)
tests_api_test_piecewise_LDADD = $(API_LDADD)
tests_api_test_api_errors_SOURCES = tests/api/test_api_errors.c $(TESTFILES)
tests_api_test_api_errors_LDADD = liblttsync.la $(CRITERION_LIBS) $(GLIB_LIBS)
tests_api_test_session_LDADD = $(API_LDADD)
tests_api_test_groundtruth_SOURCES = tests/api/test_groundtruth.c $(SIMULATE)
tests_api_test_groundtruth_LDADD = $(API_LDADD)
tests_api_test_precision_SOURCES = tests/api/test_precision.c $(SIMULATE)
tests_api_test_precision_LDADD = $(API_LDADD)

trace_tests = tests/traces/test_skim tests/traces/test_plans \
	tests/traces/test_decode_layouts \
	tests/traces/test_decode_bad_input tests/traces/test_find_traces \
	tests/traces/test_decode_traces tests/traces/test_hostile \
	tests/traces/test_isolation tests/traces/test_cancel
READER_TESTLIB = tests/traces/reader_testlib.c tests/traces/reader_testlib.h
tests_traces_test_skim_SOURCES = tests/traces/test_skim.c $(READER_TESTLIB)
tests_traces_test_plans_SOURCES = tests/traces/test_plans.c $(READER_TESTLIB)
DECODE_TESTLIB = tests/traces/decode_testlib.c tests/traces/decode_testlib.h \
	$(TESTFILES)
tests_traces_test_decode_layouts_SOURCES = \
	tests/traces/test_decode_layouts.c $(DECODE_TESTLIB)
tests_traces_test_decode_bad_input_SOURCES = \
	tests/traces/test_decode_bad_input.c $(DECODE_TESTLIB)
tests_traces_test_find_traces_SOURCES = tests/traces/test_find_traces.c \
	$(DECODE_TESTLIB)
tests_traces_test_decode_traces_SOURCES = \
	tests/traces/test_decode_traces.c $(DECODE_TESTLIB)
tests_traces_test_hostile_SOURCES = tests/traces/test_hostile.c $(TESTFILES)
# Worker processes, through the public interface (the shared library).
tests_traces_test_isolation_SOURCES = tests/traces/test_isolation.c $(TESTFILES)
tests_traces_test_isolation_LDADD = liblttsync.la $(CRITERION_LIBS) $(GLIB_LIBS)
# Cancelling reads, from the progress callback and from another thread.
tests_traces_test_cancel_SOURCES = tests/traces/test_cancel.c $(TESTFILES)
tests_traces_test_cancel_CFLAGS = $(AM_CFLAGS) -pthread
tests_traces_test_cancel_LDADD = liblttsync.la $(CRITERION_LIBS) $(GLIB_LIBS) -lpthread

# Sessions used from several threads at once (no Criterion: its runner
# forks; this one runs threads in one process).
tests_api_test_threads_SOURCES = tests/api/test_threads.c $(SIMULATE)
tests_api_test_threads_CFLAGS = $(AM_CFLAGS) -pthread
tests_api_test_threads_LDADD = liblttsync.la -lpthread -lm

unit_tests_all = $(unit_tests) $(api_tests) $(trace_tests)
check_PROGRAMS += $(unit_tests_all) tests/api/test_threads

# Messages between hosts whose clock rates change, with the truth, as CSV
# (for tests/cli/test_segments_cli.sh).
check_PROGRAMS += tests/common/ratesim_csv
tests_common_ratesim_csv_SOURCES = tests/common/ratesim_csv.c $(RATESIM)
tests_common_ratesim_csv_LDADD = -lm

# Hull vertex counts from the public accessor (for tests/cli/test_plot.sh).
check_PROGRAMS += tests/cli/plot_hulls
tests_cli_plot_hulls_LDADD = liblttsync.la

TESTS += $(unit_tests_all) tests/api/test_threads \
	tests/traces/test_traces.sh tests/traces/test_read_threads.sh \
	tests/traces/test_gen.sh \
	tests/traces/test_gen_rates.sh tests/cli/test_cli.sh tests/cli/test_hostile_cli.sh \
	tests/cli/test_write.sh tests/cli/test_segments_cli.sh \
	tests/cli/test_matches_out.sh tests/cli/test_plot.sh \
	tests/cli/test_report_text.sh tests/cli/test_messages_pipe.sh \
	tests/package/check-symbols.sh tests/package/check-doc.sh \
	tests/package/check-install.sh tests/package/check-abi.sh
EXTRA_DIST += tests/traces/test_traces.sh tests/traces/test_read_threads.sh \
	tests/traces/test_gen.sh \
	tests/traces/test_gen_rates.sh \
	tests/cli/test_cli.sh tests/cli/test_hostile_cli.sh \
	tests/cli/test_write.sh tests/cli/check_corrected.py \
	tests/cli/check_marked.py \
	tests/cli/test_segments_cli.sh tests/cli/test_matches_out.sh \
	tests/cli/test_plot.sh tests/cli/check_plot.py \
	tests/cli/test_report_text.sh tests/cli/test_messages_pipe.sh \
	tests/package/check-symbols.sh tests/package/check-doc.sh \
	tests/package/check-install.sh tests/package/check-abi.sh \
	tests/common/harness.sh tests/common/summarize.sh \
	tests/common/lsan.supp tests/common/valgrind.supp

AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	DOXYGEN='$(DOXYGEN)'; NM='$(NM)'; MAKE='$(MAKE)'; CC='$(CC)'; \
	LTTSYNC_GEN='$(abs_top_builddir)/lttsync-gen'; \
	LTTSYNC_DECODER='$(abs_top_builddir)/lttsync-decoder'; export LTTSYNC_DECODER; \
	SANITIZER_FLAGS='$(SANITIZER_FLAGS)'; export SANITIZER_FLAGS; \
	LSAN_OPTIONS='suppressions=$(abs_top_srcdir)/tests/common/lsan.supp'; \
	ASAN_OPTIONS='fast_unwind_on_malloc=0'; export LSAN_OPTIONS ASAN_OPTIONS; \
	LTTSYNC_SHARED_TRACES="$${LTTSYNC_SHARED_TRACES:-$(abs_top_srcdir)/../shared/traces}"; \
	export top_srcdir top_builddir DOXYGEN NM MAKE CC LTTSYNC_GEN \
		LTTSYNC_SHARED_TRACES;

## ---- memory checking ------------------------------------------------
# Every unit test binary, the command and corrected traces under valgrind
# memcheck (tests/common/check-valgrind.sh says how errors are counted).
check-valgrind: $(check_PROGRAMS) lttsync$(EXEEXT) lttsync-decoder$(EXEEXT) \
		plugin/babeltrace-plugin-lttsync.la
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  LIBTOOL='$(LIBTOOL)' $(SHELL) $(srcdir)/tests/common/check-valgrind.sh \
	  $(unit_tests_all)
EXTRA_DIST += tests/common/check-valgrind.sh
EXTRA_DIST += tests/common/xorshift.h
CLEANFILES += tests/*/*.valgrind

## ---- ThreadSanitizer -------------------------------------------------
# The library and tests/api/test_threads.c (then tests/traces/test_plans.c,
# whose traces are also read with threads decoding ahead) compiled together with
# -fsanitize=thread (it cannot be combined with ASan, hence its own
# build): any data race reported fails. G_SLICE=always-malloc: glib's
# slice allocator recycles memory between threads through caches that an
# uninstrumented glib hides from TSan (a false race otherwise).
check-tsan:
	$(CC) -std=gnu11 -g -O1 -fsanitize=thread -pthread $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) \
	  $(GLIB_CFLAGS) $(BABELTRACE2_CFLAGS) \
	  $(addprefix $(top_srcdir)/,$(filter %.c,$(liblttsync_internal_la_SOURCES))) \
	  $(top_srcdir)/tests/api/test_threads.c $(top_srcdir)/tests/common/simulate.c \
	  -o tests/test_threads_tsan $(GLIB_LIBS) $(BABELTRACE2_LIBS) -lm
	G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	  LTTSYNC_GEN='$(abs_top_builddir)/lttsync-gen' ./tests/test_threads_tsan
	$(CC) -std=gnu11 -g -O1 -fsanitize=thread -pthread $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) \
	  -I$(top_srcdir)/liblttsync/read $(GLIB_CFLAGS) $(BABELTRACE2_CFLAGS) \
	  $(addprefix $(top_srcdir)/,$(filter %.c,$(liblttsync_internal_la_SOURCES))) \
	  $(top_srcdir)/tests/traces/test_plans.c $(top_srcdir)/tests/traces/reader_testlib.c \
	  -o tests/test_plans_tsan $(GLIB_LIBS) $(BABELTRACE2_LIBS) -lm
	G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	  LTTSYNC_GEN='$(abs_top_builddir)/lttsync-gen' \
	  LTTSYNC_SHARED_TRACES="$${LTTSYNC_SHARED_TRACES:-$(abs_top_srcdir)/../shared/traces}" \
	  ./tests/test_plans_tsan
CLEANFILES += tests/test_threads_tsan tests/test_plans_tsan
PHONY += check-valgrind check-tsan
