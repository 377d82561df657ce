## ---- documentation ------------------------------------------------

dist_man_MANS = doc/lttsync.1 doc/lttsync-gen.1
# The user documentation, under $(docdir) with the README's relative links.
dist_doc_DATA = README.md NEWS
nobase_dist_doc_DATA = doc/algorithm.md doc/api.md doc/correcting.md \
	doc/hostile-inputs.md doc/matching.md doc/output.md doc/performance.md \
	doc/traces.md doc/plot.md doc/images/plot-scp.png \
	doc/images/plot-example.png doc/images/plot-example-host.png \
	doc/images/plot-fail.png doc/images/plot-rates-host.png

if HAVE_DOXYGEN
doc: doc/Doxyfile
	$(DOXYGEN) doc/Doxyfile
else
doc:
	@echo "doxygen not found: install doxygen and re-run configure" >&2; exit 1
endif
PHONY += doc
