## ---- the decoder worker ---------------------------------------------
# One trace decoded per process (liblttsync/read/workers.c runs it): linked
# statically with the internal library, so it is a real program in the
# build tree too (tests run it through LTTSYNC_DECODER).
pkglibexec_PROGRAMS = lttsync-decoder
lttsync_decoder_SOURCES = decoder/lttsync-decoder.c
lttsync_decoder_LDADD = liblttsync-internal.la
