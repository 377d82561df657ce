## ---- the correcting filter ------------------------------------------
# filter.lttsync.correct's code, an internal library (prefix correct_)
# linked into the babeltrace2 plugin and into `lttsync` (for --write,
# which creates the component class in-process).
noinst_LTLIBRARIES += correct/libcorrect.la
correct_libcorrect_la_SOURCES = correct/correct.h correct/correct.c \
	correct/iterator.c correct/clock.c correct/copy_message.c \
	correct/copy_field.c correct/config.c correct/mark.c
correct_libcorrect_la_CFLAGS = $(AM_CFLAGS)
correct_libcorrect_la_LIBADD = $(BABELTRACE2_LIBS) $(GLIB_LIBS)
