/* SPDX-License-Identifier: MIT */
/*
 * `lttsync --write OUTDIR`: a corrected copy of every synchronized trace,
 * each through its own babeltrace2 graph:
 *
 *     source.ctf.fs (every stream port) -> correct (plugin/) -> sink.ctf.fs
 *
 * The filter class is created in-process from the plugin's code and given
 * the trace's host transform directly, so no report file and no plugin
 * path are involved. Each trace is written into a temporary folder inside
 * OUTDIR, then renamed to OUTDIR/HOST (OUTDIR/HOST-N when a host has
 * several traces): an interrupted run leaves no half-written trace under
 * its final name.
 */
#define _GNU_SOURCE /* nftw */
#include <errno.h>
#include <signal.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "correct.h"
#include "options.h"
#include "write.h"
#include "safe_text.h"

typedef struct writer {
	lttsync_session *s;
	const char *outdir;
	const bt_plugin *ctf;
	const bt_component_class_source *src_cls;
	const bt_component_class_sink *sink_cls;
	bt_component_class_filter *correct_cls;
} writer;

/* babeltrace2's error causes, innermost last, on one line. */
static void print_bt_error(const char *what)
{
	const bt_error *e = bt_current_thread_take_error();

	fprintf(stderr, "lttsync: %s", cli_safe(what));
	for (uint64_t i = 0; e && i < bt_error_get_cause_count(e); i++)
		fprintf(stderr, ": %s", cli_safe(bt_error_cause_get_message(
						bt_error_borrow_cause_by_index(e, i))));
	fputc('\n', stderr);
	if (e)
		bt_error_release(e);
}

static int writer_init(writer *w)
{
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE,
			   &w->ctf) != BT_PLUGIN_FIND_STATUS_OK) {
		print_bt_error("--write: babeltrace2 plugin \"ctf\" not found");
		return CLI_EXIT_ERROR;
	}
	w->src_cls = bt_plugin_borrow_source_component_class_by_name_const(w->ctf, "fs");
	w->sink_cls = bt_plugin_borrow_sink_component_class_by_name_const(w->ctf, "fs");
	w->correct_cls = correct_class_create();
	if (!w->src_cls || !w->sink_cls || !w->correct_cls) {
		fprintf(stderr, "lttsync: --write: source.ctf.fs, sink.ctf.fs or "
				"the correcting filter is unavailable\n");
		return CLI_EXIT_ERROR;
	}
	return 0;
}

static void writer_fini(writer *w)
{
	bt_component_class_filter_put_ref(w->correct_cls);
	bt_plugin_put_ref(w->ctf);
}

/* {"inputs": [path]}, or {"path": path, "assume-single-trace": true,
 * "quiet": true} (sink.ctf.fs would name its temporary folder on stdout). */
static bt_value *component_params(const char *path, bool sink)
{
	bt_value *p = bt_value_map_create();
	bt_value *inputs = NULL;
	bool ok = p != NULL;

	if (ok && sink)
		ok = !bt_value_map_insert_string_entry(p, "path", path) &&
		     !bt_value_map_insert_bool_entry(p, "assume-single-trace", BT_TRUE) &&
		     !bt_value_map_insert_bool_entry(p, "quiet", BT_TRUE);
	else if (ok)
		ok = !bt_value_map_insert_empty_array_entry(p, "inputs", &inputs) &&
		     !bt_value_array_append_string_element(inputs, path);
	if (!ok) {
		bt_value_put_ref(p);
		return NULL;
	}
	return p;
}

/* Every output port of the source to a free input port of the filter. */
static bool connect_source(bt_graph *g, const bt_component_source *src,
			   const bt_component_filter *flt)
{
	for (uint64_t i = 0; i < bt_component_source_get_output_port_count(src); i++) {
		uint64_t free_port = bt_component_filter_get_input_port_count(flt) - 1;

		if (bt_graph_connect_ports(
			    g, bt_component_source_borrow_output_port_by_index_const(src, i),
			    bt_component_filter_borrow_input_port_by_index_const(flt, free_port),
			    NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
			return false;
	}
	return true;
}

static bool build_graph(const writer *w, bt_graph *g, const char *in,
			const char *out, const correct_config *cfg)
{
	bt_value *src_params = component_params(in, false);
	bt_value *sink_params = component_params(out, true);
	const bt_component_source *src = NULL;
	const bt_component_filter *flt = NULL;
	const bt_component_sink *sink = NULL;
	bool ok = src_params && sink_params &&
		  !bt_graph_add_source_component(g, w->src_cls, "source", src_params,
						 BT_LOGGING_LEVEL_NONE, &src) &&
		  !bt_graph_add_filter_component_with_initialize_method_data(
			  g, w->correct_cls, "correct", NULL, (void *)cfg, BT_LOGGING_LEVEL_NONE, &flt) &&
		  !bt_graph_add_sink_component(g, w->sink_cls, "sink", sink_params,
					       BT_LOGGING_LEVEL_NONE, &sink) &&
		  connect_source(g, src, flt) &&
		  !bt_graph_connect_ports(
			  g, bt_component_filter_borrow_output_port_by_index_const(flt, 0),
			  bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL);

	bt_value_put_ref(src_params);
	bt_value_put_ref(sink_params);
	return ok;
}

/*
 * SIGINT, SIGTERM or SIGHUP while writing: the graph is interrupted (as
 * the babeltrace2 command does, bt_interrupter_set() from the handler),
 * the partial trace and its temporary folder removed, and then the
 * signal's default action taken. Without this, a .lttsync-write-XXXXXX
 * folder would be left behind.
 */
static bt_interrupter *interrupter;
static volatile sig_atomic_t stop_signal;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_actions[3];

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (interrupter)
		bt_interrupter_set(interrupter);
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	interrupter = bt_interrupter_create();
	for (size_t i = 0; i < 3; i++) {
		sigaction(stop_signals[i], NULL, &saved_actions[i]);
		/* Ignored by the caller (a background job's SIGINT): stays so. */
		if (saved_actions[i].sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

/* Restore the caller's actions; a signal caught meanwhile is raised again. */
static void release_stop_signals(void)
{
	for (size_t i = 0; i < 3; i++)
		sigaction(stop_signals[i], &saved_actions[i], NULL);
	bt_interrupter_put_ref(interrupter);
	interrupter = NULL;
	if (stop_signal)
		raise(stop_signal);
}

static bool run_graph(bt_graph *g)
{
	bt_graph_run_status st;

	if (interrupter)
		bt_graph_add_interrupter(g, interrupter);
	while ((st = bt_graph_run(g)) == BT_GRAPH_RUN_STATUS_AGAIN && !stop_signal)
		g_usleep(1000);
	return st == BT_GRAPH_RUN_STATUS_OK && !stop_signal;
}

/* Mark the written trace as corrected (correct/mark.c). */
static bool mark(const writer *w, const char *out, const lttsync_transform *tf)
{
	char err[512] = "no reference host";
	lttsync_host_id ref;

	if (lttsync_session_get_reference(&ref, w->s) == LTTSYNC_OK &&
	    correct_mark_trace(out, lttsync_session_get_host_name(w->s, ref), tf,
			       err, sizeof(err)))
		return true;
	fprintf(stderr, "lttsync: --write: %s: cannot mark the corrected trace: %s\n",
		cli_safe(out), cli_safe(err));
	return false;
}

/* Correct one trace into `out` (which must not exist yet). */
static bool write_one(const writer *w, const char *in, const char *out,
		      lttsync_transform *tf)
{
	correct_config cfg = { .fixed = tf };
	bt_graph *g = bt_graph_create(0);
	char *what;
	bool ok;

	ok = g && build_graph(w, g, in, out, &cfg) && run_graph(g);
	if (stop_signal) {
		/* Not torn down: babeltrace2 2.0.4's sink.ctf.fs crashes when
		 * destroyed mid-run, and the process ends on the signal once
		 * the partial output is removed. */
		bt_current_thread_clear_error();
		return false;
	}
	if (!ok) {
		/* Before the teardown, which may crash after a write error. */
		what = g_strdup_printf("--write: %s", in);
		print_bt_error(what);
		g_free(what);
		fflush(stderr);
	}
	bt_graph_put_ref(g);
	/* sink.ctf.fs writes the metadata as it is destroyed: only then is
	 * the trace complete and can be marked; a failed mark fails it. */
	return ok && mark(w, out, tf);
}

/* ---- names and folders ----------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove a partly written trace folder (depth first, links not followed). */
static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A host name as a folder name: '/', '%' and a leading '.' written as
 * %2F, %25, %2E, so that distinct names give distinct folders ("a/b" is
 * a%2Fb, never "a_b"'s).
 */
static char *folder_name(const char *host, size_t index, size_t count)
{
	GString *name = g_string_new(NULL);

	for (const char *c = host; *c; c++) {
		if (*c == '/' || *c == '%' || (c == host && *c == '.'))
			g_string_append_printf(name, "%%%02X", (unsigned char)*c);
		else
			g_string_append_c(name, *c);
	}
	if (count > 1)
		g_string_append_printf(name, "-%zu", index + 1);
	return g_string_free(name, FALSE);
}

static size_t host_trace_count(lttsync_session *s, lttsync_host_id h)
{
	size_t n = 0;

	for (lttsync_trace_id t = 0; t < lttsync_session_get_trace_count(s); t++) {
		lttsync_host_id th;

		n += lttsync_session_get_trace_host(&th, s, t) == LTTSYNC_OK && th == h;
	}
	return n;
}

static size_t host_trace_index(lttsync_session *s, lttsync_host_id h,
			       lttsync_trace_id trace)
{
	size_t n = 0;

	for (lttsync_trace_id t = 0; t < trace; t++) {
		lttsync_host_id th;

		n += lttsync_session_get_trace_host(&th, s, t) == LTTSYNC_OK && th == h;
	}
	return n;
}

/*
 * What writing one trace holds: freed by write_trace(), and by the child
 * of write_isolated() before it exits, since it never returns there.
 */
typedef struct trace_job {
	const char *in;          /* the trace folder read */
	lttsync_transform *tf;   /* its host's transform */
	char *name;              /* its folder's name in OUTDIR */
	char *final;             /* OUTDIR/name */
	char *tmp;               /* the temporary folder in OUTDIR */
	char *out;               /* tmp/trace, where it is written */
} trace_job;

static void trace_job_free(trace_job *j)
{
	lttsync_transform_destroy(j->tf);
	g_free(j->name);
	g_free(j->final);
	g_free(j->tmp);
	g_free(j->out);
	*j = (trace_job){ 0 };
}

/*
 * write_one() in a child process. Why: babeltrace2 2.0.4's sink.ctf.fs
 * crashes (double free, SIGSEGV) tearing down after a write error (a full
 * file system): in a child, that only ends the child, and this process
 * removes the partial output and reports it. The child shares the stop
 * signals' handlers: a signal to the process group interrupts its graph;
 * one to this process alone is passed on.
 */
static bool write_isolated(const writer *w, trace_job *j)
{
	pid_t pid;
	int ws;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return write_one(w, j->in, j->out, j->tf);
	if (pid == 0) {
		bool ok = write_one(w, j->in, j->out, j->tf);

		trace_job_free(j);
		_exit(ok ? 0 : 1);
	}
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return false;
		if (stop_signal)
			kill(pid, SIGTERM);
	}
	if (WIFSIGNALED(ws) && !stop_signal)
		fprintf(stderr, "lttsync: --write: %s: babeltrace2 crashed writing the "
			"trace (signal %d%s%s)\n", cli_safe(j->in), WTERMSIG(ws),
			strsignal(WTERMSIG(ws)) ? ", " : "",
			strsignal(WTERMSIG(ws)) ? strsignal(WTERMSIG(ws)) : "");
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && !stop_signal;
}

/* Write into a temporary folder in OUTDIR, then rename it into place. */
static bool write_into_place(const writer *w, trace_job *j)
{
	bool ok = false;

	j->tmp = g_build_filename(w->outdir, ".lttsync-write-XXXXXX", NULL);
	if (!g_mkdtemp(j->tmp)) {
		fprintf(stderr, "lttsync: --write: %s: %s\n", cli_safe(w->outdir), strerror(errno));
		return false;
	}
	j->out = g_build_filename(j->tmp, "trace", NULL);
	if (write_isolated(w, j)) {
		ok = rename(j->out, j->final) == 0;
		if (!ok)
			fprintf(stderr, "lttsync: --write: %s: %s\n", cli_safe(j->final), strerror(errno));
	}
	if (!ok)
		remove_tree(j->out);
	g_rmdir(j->tmp);
	return ok;
}

/* 0: written; 1: an error; 2: skipped (no transform). */
static int write_trace(const writer *w, lttsync_trace_id t)
{
	lttsync_session *s = w->s;
	trace_job j = { .in = lttsync_session_get_trace_name(s, t) };
	lttsync_host_id h;
	int rc = 0;

	if (lttsync_session_get_trace_host(&h, s, t) != LTTSYNC_OK ||
	    lttsync_session_get_host_transform(&j.tf, s, h) != LTTSYNC_OK) {
		fprintf(stderr, "lttsync: --write: %s: not synchronized, not written\n", cli_safe(j.in));
		return CLI_EXIT_UNSYNCED;
	}
	j.name = folder_name(lttsync_session_get_host_name(s, h),
			     host_trace_index(s, h, t), host_trace_count(s, h));
	j.final = g_build_filename(w->outdir, j.name, NULL);
	if (g_file_test(j.final, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, "lttsync: --write: %s exists; not overwritten\n", cli_safe(j.final));
		rc = CLI_EXIT_ERROR;
	} else if (!write_into_place(w, &j)) {
		rc = CLI_EXIT_ERROR;
	}
	trace_job_free(&j);
	return rc;
}

int cli_write_traces(lttsync_session *s, const char *outdir)
{
	writer w = { .s = s, .outdir = outdir };
	int rc = 0;

	if (g_mkdir_with_parents(outdir, 0777) != 0) {
		fprintf(stderr, "lttsync: --write: %s: %s\n", cli_safe(outdir), strerror(errno));
		return CLI_EXIT_ERROR;
	}
	catch_stop_signals();
	if ((rc = writer_init(&w)) == 0) {
		for (lttsync_trace_id t = 0; t < lttsync_session_get_trace_count(s) &&
					     !stop_signal; t++) {
			lttsync_status st;
			int one;

			/* Unreadable or corrupt: the report says so already.
			 * A trace without network events is still corrected
			 * with its host's transform, if the host has one. */
			st = lttsync_session_get_trace_status(s, t);
			if (st != LTTSYNC_OK && st != LTTSYNC_ERROR_NO_DATA)
				continue;
			one = write_trace(&w, t);
			rc = one == CLI_EXIT_ERROR || rc == CLI_EXIT_ERROR ? CLI_EXIT_ERROR
									   : rc | one;
		}
	}
	writer_fini(&w);
	release_stop_signals();
	return rc;
}
