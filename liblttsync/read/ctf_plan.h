/* SPDX-License-Identifier: MIT */
/*
 * Our reader's network payloads compiled into plans (ctf_plan.c): for one
 * network event class, a fixed sequence of reads at constant offsets,
 * broken only where the bytes decide (a string's length, a variant's
 * option, a sequence's length), and, for every combination of the
 * options of the variants that the layout rules look at, the rules'
 * verdict worked out once: which registers hold seq, ack_seq, flags,
 * ports and addresses, and which range checks they must pass.
 *
 * A plan reads exactly what the walk of ctf_skim.c reads, to the same
 * position, and gives the same verdict. It covers the common shapes
 * only, and gives up on anything unusual at run time (a check that
 * fails, a tag with no option, bytes past the content): the caller then
 * walks the same payload from the same start, which decides it.
 */
#ifndef LTTSYNC_CTF_PLAN_H
#define LTTSYNC_CTF_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "ctf.h"
#include "ctf_bits.h"

/* Values the walk keeps of one network payload, and elements of one
 * array (an address): the plan compiles only what stays within them. */
#define LSYNC_KEPT_VALUES 512
#define LSYNC_KEPT_ELEMS 16
/* Structures nested in a walk, and stored values (tags, lengths) of one. */
#define LSYNC_WALK_DEPTH 256
#define LSYNC_WALK_SLOTS 16
/* Structures nested in a payload a plan reads: the levels of the walk's
 * stored values it writes are below. */
#define LSYNC_PLAN_DEPTH 32

typedef struct lsync_net_plan lsync_net_plan;

/* The plan of a network event class's payload, or NULL when its shape is
 * outside what plans cover (or on allocation failure): the walk reads it. */
lsync_net_plan *lsync_net_plan_compile(const lsync_ctf_type *payload,
				       lsync_layout layout);
void lsync_net_plan_free(lsync_net_plan *pl);

/*
 * Read one payload from c->pos. true: c->pos is after it, *r is the
 * verdict and, for LSYNC_FIELDS_PACKET, p is filled as the layout rules
 * fill it (for the addons layout, the raw flags in *raw). false: give up,
 * c->pos unspecified. slots: the walk's stored values, updated as the
 * walk updates them. budget: walk steps left for the event; a plan whose
 * walk could take more gives up.
 */
bool lsync_net_plan_run(const lsync_net_plan *pl, cursor *c,
			uint64_t (*slots)[LSYNC_WALK_SLOTS], uint64_t budget,
			lttsync_packet *p, uint16_t *raw, lsync_field_result *r);

#endif
