/* SPDX-License-Identifier: MIT */
/*
 * Text from the input (paths, babeltrace2's messages) made safe for a
 * terminal: control characters and DEL become \xNN, so that a crafted
 * path can neither move the cursor nor set the terminal's title. Host
 * names need no escaping: the library refuses control characters in them.
 */
#ifndef LTTSYNC_CLI_SAFE_TEXT_H
#define LTTSYNC_CLI_SAFE_TEXT_H

/*
 * `s` itself when it holds no control character, otherwise an escaped
 * copy valid until the next 8 calls. NULL stays NULL.
 */
const char *cli_safe(const char *s);

#endif
