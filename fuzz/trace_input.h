/* SPDX-License-Identifier: MIT */
/*
 * The trace folder a fuzz input becomes, shared by fuzz_trace.c and
 * fuzz_skim.c: byte 0 holds flags for the harness, bytes 1-2 the length
 * of the metadata (little-endian), then come the metadata and the one
 * stream file. The folder is made once per process and removed at exit.
 */
#ifndef LTTSYNC_FUZZ_TRACE_INPUT_H
#define LTTSYNC_FUZZ_TRACE_INPUT_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char trace_dir[64];
static char trace_meta[128];
static char trace_stream[128];

static inline void trace_input_cleanup(void)
{
	if (!trace_dir[0])
		return;
	unlink(trace_meta);
	unlink(trace_stream);
	rmdir(trace_dir);
}

/* Make the folder (PREFIX-XXXXXX under $TMPDIR or /tmp); aborts on failure. */
static inline void trace_input_init(const char *prefix)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(trace_dir, sizeof(trace_dir), "%s/%s-XXXXXX",
		 tmp && strlen(tmp) < 30 ? tmp : "/tmp", prefix);
	if (!mkdtemp(trace_dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(trace_meta, sizeof(trace_meta), "%s/metadata", trace_dir);
	snprintf(trace_stream, sizeof(trace_stream), "%s/channel0_0", trace_dir);
	atexit(trace_input_cleanup);
}

static inline void trace_input_write_file(const char *path, const uint8_t *p,
					  size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			perror(path);
			abort();
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

/* Write the input's metadata and stream file; 0 with *flags set, or -1
 * when the input is shorter than its 3-byte header. */
static inline int trace_input_write(const uint8_t *data, size_t size,
				    uint8_t *flags)
{
	size_t meta_len;

	if (size < 3)
		return -1;
	*flags = data[0];
	meta_len = (size_t)data[1] | (size_t)data[2] << 8;
	data += 3;
	size -= 3;
	if (meta_len > size)
		meta_len = size;
	trace_input_write_file(trace_meta, data, meta_len);
	trace_input_write_file(trace_stream, data + meta_len, size - meta_len);
	return 0;
}

#endif
