## ---- the babeltrace2 plugin -----------------------------------------

# babeltrace2 loads every shared object in its plugin path; its system
# path is LIBDIR/babeltrace2/plugins, so a --prefix=/usr install needs no
# --plugin-path (see doc/correcting.md).
bt2plugindir = $(libdir)/babeltrace2/plugins
bt2plugin_LTLIBRARIES = plugin/babeltrace-plugin-lttsync.la
plugin_babeltrace_plugin_lttsync_la_SOURCES = plugin/plugin.c
plugin_babeltrace_plugin_lttsync_la_LIBADD = correct/libcorrect.la liblttsync.la
plugin_babeltrace_plugin_lttsync_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-shared -no-undefined
# A loadable module needs no libtool archive (and babeltrace2 ignores it).
install-data-hook:
	rm -f $(DESTDIR)$(bt2plugindir)/babeltrace-plugin-lttsync.la
uninstall-hook:
	rm -f $(DESTDIR)$(bt2plugindir)/babeltrace-plugin-lttsync.so
