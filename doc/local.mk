## ---- documentation ------------------------------------------------

dist_man_MANS = doc/lttsync.1
EXTRA_DIST += doc/algorithm.md doc/api.md doc/correcting.md \
	doc/hostile-inputs.md doc/matching.md doc/output.md doc/traces.md

if HAVE_DOXYGEN
doc: doc/Doxyfile
	$(DOXYGEN) doc/Doxyfile
else
doc:
	@echo "doxygen not found: install doxygen and re-run configure" >&2; exit 1
endif
PHONY += doc
