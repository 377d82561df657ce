## ---- fuzzing ---------------------------------------------------------
# libFuzzer harnesses (fuzz/README.md), built with clang by fuzz/run.sh
# from the sources directly (not from the libtool libraries): they need
# -fsanitize=fuzzer. `make fuzz FUZZ_SECONDS=300` fuzzes each harness 5 min.
FUZZ_SECONDS = 60
EXTRA_DIST += fuzz/README.md fuzz/run.sh fuzz/make_trace_seeds.py \
	fuzz/lsan.supp fuzz/fuzz_csv.c fuzz/fuzz_api.c fuzz/fuzz_report.c fuzz/fuzz_trace.c fuzz/fuzz_skim.c fuzz/trace_input.h \
	fuzz/corpus fuzz/regressions

fuzz:
	BUILD_DIR='$(abs_top_builddir)' FUZZ_OUT='$(abs_top_builddir)/fuzz-out' \
	  $(SHELL) $(srcdir)/fuzz/run.sh $(FUZZ_SECONDS)
PHONY += fuzz
