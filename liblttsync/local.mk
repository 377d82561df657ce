## ---- the library ----------------------------------------------------

lttsyncincludedir = $(includedir)/lttsync
lttsyncinclude_HEADERS = include/lttsync/lttsync.h
nodist_lttsyncinclude_HEADERS = include/lttsync/version.h

pkgconfigdir = $(libdir)/pkgconfig
nodist_pkgconfig_DATA = pkgconfig/liblttsync.pc

# Every module, compiled once into a convenience library: the shared
# library exports only the public symbols, the unit tests link this one to
# reach internal functions. The folders follow the data flow: read/ turns
# trace folders into packet events, sync/ turns them into messages, hulls
# and transforms; the files at the top are the public API over both.
noinst_LTLIBRARIES += liblttsync-internal.la
liblttsync_internal_la_SOURCES = \
	liblttsync/errors.c liblttsync/errors.h \
	liblttsync/version.c \
	liblttsync/session.c liblttsync/session.h \
	liblttsync/evidence.c liblttsync/results.c \
	liblttsync/path_bounds.c liblttsync/path_bounds.h \
	liblttsync/pair_hull.c liblttsync/kept_matches.h liblttsync/kept_matches.c \
	liblttsync/transform_api.c liblttsync/transform_api.h \
	liblttsync/report/snapshot.c liblttsync/report/snapshot.h \
	liblttsync/report/write.c liblttsync/report/text.c \
	liblttsync/report/load.c liblttsync/report/hops.c liblttsync/report/hops.h \
	liblttsync/report/report_format.h \
	liblttsync/report/json_read.c liblttsync/report/json_read.h \
	liblttsync/read/find_traces.c liblttsync/read/traces.c \
	liblttsync/read/job.c liblttsync/read/here.c \
	liblttsync/read/workers.c liblttsync/read/wire.h \
	liblttsync/read/leads.c liblttsync/read/reading.h \
	liblttsync/read/merge_heap.c liblttsync/read/merge_heap.h \
	liblttsync/read/descriptors.c liblttsync/read/descriptors.h \
	liblttsync/read/decode.c liblttsync/read/decode.h \
	liblttsync/read/decode_internal.h liblttsync/read/decode_fields.c \
	liblttsync/read/ctf.h liblttsync/read/ctf_meta.c liblttsync/read/ctf_skim.c \
	liblttsync/read/ctf_bits.h liblttsync/read/ctf_plan.c liblttsync/read/ctf_plan.h \
	liblttsync/sync/match.c liblttsync/sync/match.h \
	liblttsync/sync/tombstones.c liblttsync/sync/tombstones.h \
	liblttsync/sync/big_alloc.c liblttsync/sync/big_alloc.h \
	liblttsync/sync/words.c liblttsync/sync/words.h \
	liblttsync/sync/hull.c liblttsync/sync/hull.h \
	liblttsync/sync/segments.c liblttsync/sync/segments.h \
	liblttsync/sync/pwxform.c liblttsync/sync/pwxform.h \
	liblttsync/sync/pair.c liblttsync/sync/pair.h \
	liblttsync/sync/graph.c liblttsync/sync/graph.h \
	liblttsync/sync/transform.c liblttsync/sync/transform.h
liblttsync_internal_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden \
	-DLTTSYNC_DECODER_PATH='"$(pkglibexecdir)/lttsync-decoder"'
liblttsync_internal_la_LIBADD = $(GLIB_LIBS) $(BABELTRACE2_LIBS) -lm

lib_LTLIBRARIES = liblttsync.la
liblttsync_la_SOURCES =
liblttsync_la_LIBADD = liblttsync-internal.la
liblttsync_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LTTSYNC_LT_VERSION_INFO) \
	-no-undefined -Wl,--version-script=$(srcdir)/liblttsync/liblttsync.sym
EXTRA_liblttsync_la_DEPENDENCIES = $(srcdir)/liblttsync/liblttsync.sym
EXTRA_DIST += liblttsync/liblttsync.sym

## ---- ABI baseline -------------------------------------------------
# Written once per release (abidw, from abigail-tools) and committed;
# tests/package/check-abi.sh compares every build with it. No paths of the
# build machine: no compilation folder, and source files by their base name.
EXTRA_DIST += abi/liblttsync-0.1.abi abi/liblttsync-0.2.abi
abi-baseline: liblttsync.la
	abidw --no-corpus-path --no-show-locs --no-comp-dir-path --short-locs \
	  --headers-dir $(top_srcdir)/include/lttsync \
	  --headers-dir $(top_builddir)/include/lttsync --drop-private-types \
	  .libs/liblttsync.so >$(top_srcdir)/abi/liblttsync-$(LTTSYNC_VERSION_MAJOR).$(LTTSYNC_VERSION_MINOR).abi
PHONY += abi-baseline
