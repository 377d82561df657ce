## ---- the command ----------------------------------------------------

bin_PROGRAMS += lttsync
lttsync_SOURCES = cli/main.c cli/options.c cli/options.h \
	cli/inputs.c cli/inputs.h cli/matches_out.c cli/matches_out.h \
	cli/messages_csv.c cli/messages_csv.h cli/messages_pipe.c cli/messages_pipe.h \
	cli/report.c cli/report.h cli/atomic_file.c cli/atomic_file.h \
	cli/safe_text.c cli/safe_text.h cli/write.c cli/write.h \
	cli/plot.h cli/plot_data.c cli/plot_curve.c cli/plot_pair.c cli/plot_thin.c \
	cli/plot_host.c cli/plot_svg.c cli/plot_svg.h cli/plot_figure.c \
	cli/plot_page.c liblttsync/report/hops.c liblttsync/report/hops.h
lttsync_LDADD = correct/libcorrect.la liblttsync.la $(BABELTRACE2_LIBS) $(GLIB_LIBS) -lpthread -lm
