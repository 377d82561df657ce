/* SPDX-License-Identifier: MIT */
/*
 * Network payloads compiled into plans (ctf_plan.h).
 *
 * Compiling follows, type by type, the steps the walk of ctf_skim.c takes
 * on a network payload (which fields it skips in one step, which it
 * reads, which values it keeps and where it stores a tag or a length),
 * and emits them as operations:
 *
 *   RUN      fields of constant layout from an aligned start: one bounds
 *            check, then reads at constant offsets into registers;
 *   STRING   a scan to the NUL;
 *   VARIANT  the option chosen by a register, a jump to its operations;
 *   SEQ      a sequence of constant-size elements skipped by its length;
 *   JUMP     from an option's end to what follows the variant.
 *
 * Kept values become a static tree (the walk's values, with registers
 * where the walk has numbers). Each option of a kept variant weighs in a
 * leaf number; for every leaf, the layout rules of ctf_skim.c are
 * applied once to the tree, giving the verdict, the registers the
 * packet is filled from, and the range checks the values must pass.
 * A check that fails at run time gives up: the walk then decides.
 */
#include "ctf_plan.h"

#include <stdlib.h>

#define PLAN_OPS 512
#define PLAN_READS 256
#define PLAN_NODES 512
#define PLAN_LEAVES 256
#define PLAN_DEPTH LSYNC_PLAN_DEPTH
#define PLAN_REGS 255
#define LEAF_CHECKS 48
#define NO_REG 0xff
#define NO_JUMP UINT32_MAX
#define IPPROTO_TCP_NUMBER 6
#define PLAN_TAGS 16             /* variant tags below this: a table of options */

enum { OP_RUN, OP_STRING, OP_VARIANT, OP_SEQ, OP_JUMP, OP_END };

/* Not an lsync_field_result: NO_HEADER when the protocol register is
 * TCP's number, else NOT_TCP (an IP header whose transport is unknown). */
#define LEAF_PROTO 0x80

typedef struct plan_read {
	uint64_t off;            /* bits from the run's aligned start */
	uint64_t mask;           /* its size's bits */
	uint8_t size, be, is_signed, reg;
	uint8_t at;              /* the register gets the field's bit position, no value */
	int16_t level, slot;     /* where the walk stores it; slot < 0: nowhere */
} plan_read;

/* A read of a fast run (below): the value is the 8 bytes at byte `at`
 * of the run (byte-swapped when big-endian) << lsh >> rsh, or, for the
 * position of an address, the run's start plus `at` bits. */
typedef struct fast_read {
	uint32_t at;
	uint8_t lsh, rsh, reg;
} fast_read;

/* A value a fast run stores where the walk does, once read. */
typedef struct fast_store {
	uint8_t reg;
	int16_t level, slot;
} fast_store;

/* A variant the likely path goes through: op `op` must take `option`. */
typedef struct plan_guard {
	uint32_t op, option;
} plan_guard;

typedef struct plan_op {
	uint8_t kind;
	uint8_t reg;             /* VARIANT: the tag; SEQ: the length */
	uint8_t tag_signed;
	uint8_t fast;            /* RUN: fast (fast_runs()) */
	uint16_t n_le, n_be, n_at, n_store; /* a fast RUN's reads, by kind, and stores */
	uint32_t fast_first, store_first;
	uint32_t align;          /* RUN: of its start; SEQ: of its elements */
	uint64_t bits;           /* RUN: its size; SEQ: an element's */
	uint64_t stride;         /* SEQ */
	uint32_t first, n;       /* RUN: its reads; VARIANT: its options' targets */
	const lsync_ctf_range *ranges; /* VARIANT */
	uint32_t n_ranges;
	uint32_t mult;           /* VARIANT: an option's weight in the leaf, 0 if not kept */
	int8_t by_tag[PLAN_TAGS]; /* VARIANT: the option of a small tag, -1 for none */
	uint32_t target;         /* JUMP */
} plan_op;

typedef struct plan_check {
	uint8_t reg, bits, is_signed; /* >= 0 when signed, < 2^bits (bits < 64) */
} plan_check;

typedef struct plan_addr {
	uint8_t reg, n, width;   /* n registers from reg, width bytes each; width 0:
				  * n bytes as they are, from the bit position in reg */
} plan_addr;

typedef struct plan_leaf {
	uint8_t result;          /* lsync_field_result, or LEAF_PROTO */
	uint8_t family, ports;
	uint8_t proto, sport, dport, seq, ack, flags;
	plan_addr src, dst;
	uint8_t n_checks;
	plan_check checks[LEAF_CHECKS];
} plan_leaf;

struct lsync_net_plan {
	lsync_layout layout;
	uint64_t steps;          /* walk steps of the payload, at most */
	plan_op *ops;
	plan_read *reads;
	fast_read *fast;
	fast_store *stores;
	uint32_t *targets;
	plan_leaf *leaves;
	unsigned n_leaves;
	/* The likely path (below): its ops, the variants' options it
	 * takes, its stores; n_likely 0 when it has none. */
	plan_op *likely;
	unsigned n_likely;
	plan_guard *guards;
	unsigned n_guards;
	fast_store *likely_stores;
	unsigned n_likely_stores;
	uint32_t likely_leaf;
};

/* ---- compiling ------------------------------------------------------------ */

/* A value the walk keeps (one of its insts), with its register. */
typedef struct snode {
	const lsync_ctf_type *type;
	const char *name;
	int parent;
	uint8_t reg;             /* integers; kept arrays: the first element's */
	uint8_t at_reg;          /* kept arrays of whole bytes: their position's */
	bool elems_kept;         /* arrays */
	uint64_t length;         /* arrays */
	uint32_t mult;           /* variants: weight of an option in the leaf */
	uint32_t first_opt;      /* variants: their options' nodes in opt_nodes */
} snode;

typedef struct build {
	plan_op ops[PLAN_OPS];
	unsigned n_ops;
	plan_read reads[PLAN_READS];
	unsigned n_reads;
	fast_read fast[2 * PLAN_READS];      /* the runs', then the likely path's */
	unsigned n_fast;
	fast_store stores[PLAN_READS];
	unsigned n_stores;
	plan_op likely[PLAN_OPS];            /* the likely path (likely_path()) */
	unsigned n_likely;
	plan_guard guards[PLAN_OPS];
	unsigned n_guards;
	fast_store likely_stores[PLAN_READS];
	unsigned n_likely_stores;
	uint32_t likely_leaf;
	uint32_t merge_op[PLAN_OPS];         /* fast runs merged into one, from */
	uint64_t merge_rel[PLAN_OPS];        /* its start (bits) */
	unsigned n_merge;
	uint32_t targets[PLAN_OPS];
	unsigned n_targets;
	snode nodes[PLAN_NODES];
	unsigned n_nodes;
	uint32_t opt_nodes[PLAN_NODES];
	unsigned n_opt_nodes;
	unsigned kept;           /* values the walk keeps, all options counted */
	unsigned n_regs;
	uint64_t leaves;
	uint64_t steps;
	int run;                 /* the open RUN, or -1 */
	uint64_t rel;            /* bits from its start */
	uint32_t run_align;
	uint8_t slotreg[PLAN_DEPTH][LSYNC_WALK_SLOTS]; /* open structures' stored values */
	unsigned depth;
	bool fail;
} build;

static int emit(build *b, uint8_t kind)
{
	if (b->n_ops == PLAN_OPS) {
		b->fail = true;
		return 0;
	}
	memset(&b->ops[b->n_ops], 0, sizeof(b->ops[0]));
	b->ops[b->n_ops].kind = kind;
	return (int)b->n_ops++;
}

static void end_run(build *b)
{
	b->run = -1;
}

/* A field of `bits` aligned to `align`: its offset in the open run, a new
 * run when its alignment is not known from the run's start. */
static uint64_t place(build *b, uint32_t align, uint64_t bits)
{
	uint64_t off;

	if (b->run < 0 || align > b->run_align) {
		b->run = emit(b, OP_RUN);
		b->ops[b->run].align = align;
		b->ops[b->run].first = b->n_reads;
		b->run_align = align;
		b->rel = 0;
	}
	b->rel = align_up(b->rel, align);
	off = b->rel;
	b->rel += bits;
	if (b->rel > (UINT64_C(1) << 48))
		b->fail = true;
	b->ops[b->run].bits = b->rel;
	return off;
}

/* An integer read into a new register (stored in `slot` of the innermost
 * structure when slot >= 0, as the walk does). */
static uint8_t read_field(build *b, const lsync_ctf_type *t, int slot)
{
	uint64_t off = place(b, t->align, t->size);
	plan_read *r;

	if (b->n_regs == PLAN_REGS || b->n_reads == PLAN_READS || b->fail ||
	    t->size == 0 || t->size > 64 ||
	    (slot >= 0 && (b->depth == 0 || slot >= LSYNC_WALK_SLOTS))) {
		b->fail = true;
		return NO_REG;
	}
	r = &b->reads[b->n_reads++];
	r->off = off;
	r->size = (uint8_t)t->size;
	r->mask = t->size >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << t->size) - 1;
	r->be = t->be;
	r->is_signed = t->is_signed;
	r->reg = (uint8_t)b->n_regs++;
	r->at = 0;
	r->level = slot >= 0 ? (int16_t)(b->depth - 1) : -1;
	r->slot = (int16_t)slot;
	if (slot >= 0)
		b->slotreg[b->depth - 1][slot] = r->reg;
	b->ops[b->run].n++;
	return r->reg;
}

static int new_node(build *b, const lsync_ctf_type *t, const char *name, int parent,
		    uint8_t reg)
{
	snode *n;

	if (b->n_nodes == PLAN_NODES || ++b->kept > LSYNC_KEPT_VALUES) {
		b->fail = true;
		return 0;
	}
	n = &b->nodes[b->n_nodes];
	memset(n, 0, sizeof(*n));
	n->type = t;
	n->name = name;
	n->parent = parent;
	n->reg = reg;
	n->at_reg = NO_REG;
	return (int)b->n_nodes++;
}

/* The register holding the stored value `ref` refers to, or NO_REG. */
static uint8_t ref_reg(build *b, lsync_ctf_ref ref)
{
	if (ref.up >= b->depth || ref.slot >= LSYNC_WALK_SLOTS)
		return NO_REG;
	return b->slotreg[b->depth - 1 - ref.up][ref.slot];
}

static void string_op(build *b)
{
	end_run(b);
	emit(b, OP_STRING);
}

static void node(build *b, const lsync_ctf_type *t, const char *name, int parent,
		 int slot, bool force);

static void struct_node(build *b, const lsync_ctf_type *t, const char *name, int parent)
{
	int self = -2;

	place(b, t->align, 0);
	if (b->depth == PLAN_DEPTH) {
		b->fail = true;
		return;
	}
	if (parent >= -1)
		self = new_node(b, t, name, parent, NO_REG);
	memset(b->slotreg[b->depth], NO_REG, sizeof(b->slotreg[0]));
	b->depth++;
	for (uint32_t i = 0; i < t->n_members && !b->fail; i++) {
		const lsync_ctf_member *m = &t->members[i];
		const lsync_ctf_type *mt = m->type;
		bool key = self >= 0 && lsync_ctf_is_key(m->name);

		if (mt->kind == LSYNC_CTF_INT) {
			uint8_t reg;

			if (!key && m->slot < 0) {
				place(b, mt->align, mt->size);
				continue;
			}
			reg = read_field(b, mt, m->slot);
			if (key)
				new_node(b, mt, m->name, self, reg);
			continue;
		}
		if (mt->kind == LSYNC_CTF_STRING && !key) {
			string_op(b);
			continue;
		}
		if (mt->fixed && m->slot < 0 && !mt->has_clock &&
		    (self < 0 || (!lsync_ctf_is_key(m->name) && !mt->has_key))) {
			place(b, mt->align, mt->bits);
			continue;
		}
		node(b, mt, m->name, self, m->slot, false);
	}
	b->depth--;
}

/* The option of variant o for tag `tag`: the first of its ranges that
 * holds it. */
static inline bool in_range(const plan_op *o, uint64_t tag, uint32_t *opt)
{
	return lsync_ctf_range_option(o->ranges, o->n_ranges, o->tag_signed, tag, opt);
}

/* The option of each tag below PLAN_TAGS, as in_range() finds it (an
 * option past 127 is left to it). */
static void tag_table(plan_op *o)
{
	for (uint64_t tag = 0; tag < PLAN_TAGS; tag++) {
		uint32_t opt;

		if (!in_range(o, tag, &opt))
			o->by_tag[tag] = -1;
		else
			o->by_tag[tag] = opt <= INT8_MAX ? (int8_t)opt : -2;
	}
}

static void variant_node(build *b, const lsync_ctf_type *t, const char *name, int parent)
{
	uint8_t tag = ref_reg(b, t->tag);
	uint32_t chain = NO_JUMP, first_opt = 0;
	int self = -2, op;

	if (tag == NO_REG || t->n_members == 0 ||
	    b->n_targets + t->n_members > PLAN_OPS) {
		b->fail = true;
		return;
	}
	end_run(b);
	op = emit(b, OP_VARIANT);
	b->ops[op].reg = tag;
	b->ops[op].tag_signed = t->tag_signed;
	b->ops[op].ranges = t->ranges;
	b->ops[op].n_ranges = t->n_ranges;
	tag_table(&b->ops[op]);
	b->ops[op].first = b->n_targets;
	b->ops[op].n = t->n_members;
	b->n_targets += t->n_members;
	if (parent >= -1) {
		self = new_node(b, t, name, parent, NO_REG);
		if (b->n_opt_nodes + t->n_members > PLAN_NODES ||
		    b->leaves * t->n_members > PLAN_LEAVES) {
			b->fail = true;
			return;
		}
		first_opt = b->n_opt_nodes;
		b->n_opt_nodes += t->n_members;
		b->nodes[self].mult = (uint32_t)b->leaves;
		b->nodes[self].first_opt = first_opt;
		b->ops[op].mult = (uint32_t)b->leaves;
		b->leaves *= t->n_members;
	}
	for (uint32_t i = 0; i < t->n_members && !b->fail; i++) {
		unsigned before = b->n_nodes;
		int j;

		b->targets[b->ops[op].first + i] = b->n_ops;
		if (self >= 0)
			b->opt_nodes[first_opt + i] = before;
		node(b, t->members[i].type, t->members[i].name, self, -1, self >= 0);
		/* A kept variant's option is its next value (the walk's `selected`). */
		if (self >= 0 && (b->n_nodes == before || b->nodes[before].parent != self))
			b->fail = true;
		end_run(b);
		j = emit(b, OP_JUMP);
		b->ops[j].target = chain;
		chain = (uint32_t)j;
	}
	while (chain != NO_JUMP && !b->fail) {
		uint32_t next = b->ops[chain].target;

		b->ops[chain].target = b->n_ops;
		chain = next;
	}
}

static void array_node(build *b, const lsync_ctf_type *t, const char *name, int parent)
{
	const lsync_ctf_type *e = t->elem;
	bool keep;
	int self;

	if (t->kind == LSYNC_CTF_SEQUENCE) {
		uint8_t len = ref_reg(b, t->len_ref);
		int op;

		/* Kept sequences and sequences of variable elements: the walk. */
		if (parent >= -1 || !e->fixed || len == NO_REG) {
			b->fail = true;
			return;
		}
		end_run(b);
		op = emit(b, OP_SEQ);
		b->ops[op].reg = len;
		b->ops[op].align = t->align;
		b->ops[op].bits = e->bits;
		b->ops[op].stride = align_up(e->bits, e->align);
		if (e->align != t->align)
			b->fail = true;
		return;
	}
	keep = parent >= -1 && t->length <= LSYNC_KEPT_ELEMS &&
	       !(e->kind == LSYNC_CTF_INT && e->text);
	if (parent < -1 || !(e->fixed && (!keep || e->kind == LSYNC_CTF_INT))) {
		/* Not kept yet not fixed, or kept elements other than integers. */
		b->fail = true;
		return;
	}
	self = new_node(b, t, name, parent, NO_REG);
	b->nodes[self].length = t->length;
	b->nodes[self].elems_kept = keep;
	if (!keep) {
		place(b, t->align, t->bits);
		return;
	}
	place(b, t->align, 0);
	b->nodes[self].reg = (uint8_t)b->n_regs;
	b->kept += (unsigned)t->length;
	for (uint64_t i = 0; i < t->length && !b->fail; i++)
		read_field(b, e, -1);
	/* Elements of whole bytes, next to each other from a byte boundary:
	 * where they start, for an address copied as it is. */
	if (!b->fail && t->length && b->run_align >= 8 && e->size % 8 == 0 &&
	    align_up(e->bits, e->align) == e->size &&
	    b->reads[b->n_reads - (unsigned)t->length].off % 8 == 0) {
		uint64_t off = b->reads[b->n_reads - (unsigned)t->length].off;
		uint8_t at = read_field(b, e, -1);

		if (!b->fail) {
			b->reads[b->n_reads - 1].off = off;
			b->reads[b->n_reads - 1].at = 1;
			b->rel -= e->size;
			b->ops[b->run].bits = b->rel;
			b->nodes[self].at_reg = at;
		}
	}
}

/* One field, as the walk's walk() takes it: parent is the kept value it
 * belongs to (-1: the payload itself), -2 when not kept. */
static void node(build *b, const lsync_ctf_type *t, const char *name, int parent,
		 int slot, bool force)
{
	b->steps++;
	if (b->fail)
		return;
	if (parent >= 0 && !force && !(name && lsync_ctf_is_key(name)) && !t->has_key)
		parent = -2;
	if (t->fixed && slot < 0 && parent == -2) {
		place(b, t->align, t->bits);
		return;
	}
	switch (t->kind) {
	case LSYNC_CTF_INT: {
		uint8_t reg = NO_REG;

		if (slot >= 0 || parent >= -1)
			reg = read_field(b, t, b->depth ? slot : -1);
		else
			place(b, t->align, t->size);
		if (parent >= -1)
			new_node(b, t, name, parent, reg);
		return;
	}
	case LSYNC_CTF_FLOAT:
		place(b, t->align, t->size);
		if (parent >= -1)
			new_node(b, t, name, parent, NO_REG);
		return;
	case LSYNC_CTF_STRING:
		string_op(b);
		if (parent >= -1)
			new_node(b, t, name, parent, NO_REG);
		return;
	case LSYNC_CTF_STRUCT:
		struct_node(b, t, name, parent);
		return;
	case LSYNC_CTF_VARIANT:
		variant_node(b, t, name, parent);
		return;
	case LSYNC_CTF_ARRAY:
	case LSYNC_CTF_SEQUENCE:
		array_node(b, t, name, parent);
		return;
	}
	b->fail = true;
}

/* ---- the layout rules, once per leaf ---------------------------------------- */

#define K(name) lsync_ctf_keys[LSYNC_KEY_##name]

typedef struct judge {
	const build *b;
	unsigned leaf;
	plan_leaf *l;
	bool over;
} judge;

/* The first kept member `name` of struct node s, or -1 (ctf_skim.c's member()). */
static int s_member(const build *b, int s, const char *name)
{
	if (s < 0 || b->nodes[s].type->kind != LSYNC_CTF_STRUCT)
		return -1;
	for (unsigned i = (unsigned)s + 1; i < b->n_nodes; i++)
		if (b->nodes[i].parent == s && b->nodes[i].name == name)
			return (int)i;
	return -1;
}

/* The value of register reg of an integer of type t must be >= 0 (when
 * signed) and below 2^bits; an unsigned integer of at most `bits` bits
 * always is. */
static void add_check(judge *j, uint8_t reg, const lsync_ctf_type *t, unsigned bits)
{
	plan_leaf *l = j->l;
	bool is_signed = t->is_signed;

	if (!is_signed && t->size <= bits)
		return;
	if (l->n_checks == LEAF_CHECKS) {
		j->over = true;
		return;
	}
	l->checks[l->n_checks].reg = reg;
	l->checks[l->n_checks].bits = (uint8_t)(bits >= 64 ? 64 : bits);
	l->checks[l->n_checks].is_signed = is_signed;
	l->n_checks++;
}

/* As ctf_skim.c's read_member(): an integer >= 0 below 2^bits. */
static bool s_read(judge *j, int s, const char *name, unsigned bits, uint8_t *reg)
{
	int i = s_member(j->b, s, name);
	const snode *n;

	if (i < 0 || (n = &j->b->nodes[i])->type->kind != LSYNC_CTF_INT)
		return false;
	add_check(j, n->reg, n->type, bits);
	*reg = n->reg;
	return true;
}

/* As ctf_skim.c's read_address(). */
static bool s_address(judge *j, int s, const char *name, unsigned nbytes, plan_addr *a)
{
	int i = s_member(j->b, s, name);
	const snode *n;
	const lsync_ctf_type *e;
	unsigned width;

	if (i < 0)
		return false;
	n = &j->b->nodes[i];
	if (n->type->kind == LSYNC_CTF_INT) {
		if (nbytes > 8)
			return false;
		add_check(j, n->reg, n->type, 8 * nbytes);
		a->reg = n->reg;
		a->n = 1;
		a->width = (uint8_t)nbytes;
		return true;
	}
	e = n->type->elem;
	if ((n->type->kind != LSYNC_CTF_ARRAY && n->type->kind != LSYNC_CTF_SEQUENCE) ||
	    e->kind != LSYNC_CTF_INT || e->text)
		return false;
	if (n->length == 0 || n->length > nbytes || nbytes % n->length || !n->elems_kept)
		return false;
	width = nbytes / (unsigned)n->length;
	if (n->at_reg != NO_REG && e->size == 8 * width && !e->is_signed &&
	    (e->be || e->size == 8)) {
		/* Unsigned big-endian elements of `width` bytes: the address's
		 * bytes are the trace's. */
		a->reg = n->at_reg;
		a->n = (uint8_t)nbytes;
		a->width = 0;
		return true;
	}
	for (unsigned k = 0; k < n->length; k++)
		add_check(j, (uint8_t)(n->reg + k), e, 8 * width);
	a->reg = n->reg;
	a->n = (uint8_t)n->length;
	a->width = (uint8_t)width;
	return true;
}

/* The node of variant node v's option in this leaf. */
static int s_selected(const judge *j, int v)
{
	const snode *n = &j->b->nodes[v];
	unsigned opt = (j->leaf / n->mult) % n->type->n_members;

	return (int)j->b->opt_nodes[n->first_opt + opt];
}

static bool s_variant(const judge *j, int s, const char *name, int *opt)
{
	int i = s_member(j->b, s, name);

	if (i < 0 || j->b->nodes[i].type->kind != LSYNC_CTF_VARIANT)
		return false;
	*opt = s_selected(j, i);
	return true;
}

static const char *s_name(const judge *j, int i)
{
	return j->b->nodes[i].name;
}

static uint8_t j_tcp(judge *j, int tcp)
{
	plan_leaf *l = j->l;

	if (!s_read(j, tcp, K(SOURCE_PORT), 16, &l->sport) ||
	    !s_read(j, tcp, K(DEST_PORT), 16, &l->dport) ||
	    !s_read(j, tcp, K(SEQ), 32, &l->seq) ||
	    !s_read(j, tcp, K(ACK_SEQ), 32, &l->ack) ||
	    !s_read(j, tcp, K(FLAGS), 16, &l->flags))
		return LSYNC_FIELDS_MALFORMED;
	l->ports = 1;
	return LSYNC_FIELDS_PACKET;
}

static uint8_t j_ip(judge *j, int ip, bool v4)
{
	plan_leaf *l = j->l;
	unsigned nbytes = v4 ? 4 : 16;
	int th;

	if (!s_read(j, ip, v4 ? K(PROTOCOL) : K(NEXTHDR), 8, &l->proto) ||
	    !s_address(j, ip, K(SADDR), nbytes, &l->src) ||
	    !s_address(j, ip, K(DADDR), nbytes, &l->dst))
		return LSYNC_FIELDS_MALFORMED;
	l->family = v4 ? 4 : 6;
	if (!s_variant(j, ip, K(TRANSPORT_HEADER), &th))
		return LSYNC_FIELDS_MALFORMED;
	if (s_name(j, th) == K(TCP))
		return j_tcp(j, th);
	if (s_name(j, th) == K(UNKNOWN))
		return LEAF_PROTO;
	return LSYNC_FIELDS_NOT_TCP;
}

static uint8_t j_modules(judge *j)
{
	int ip;

	if (!s_variant(j, 0, K(NETWORK_HEADER), &ip))
		return LSYNC_FIELDS_MALFORMED;
	if (s_name(j, ip) == K(IPV4))
		return j_ip(j, ip, true);
	if (s_name(j, ip) == K(IPV6))
		return j_ip(j, ip, false);
	if (s_name(j, ip) == K(UNKNOWN))
		return LSYNC_FIELDS_NO_HEADER;
	return LSYNC_FIELDS_NOT_TCP;
}

static uint8_t j_experimental_tcp(judge *j, int tcp)
{
	plan_leaf *l = j->l;
	int sp = s_member(j->b, tcp, K(SOURCE_PORT));
	int dp = s_member(j->b, tcp, K(DEST_PORT));

	if (!s_read(j, tcp, K(SEQ), 32, &l->seq) ||
	    !s_read(j, tcp, K(ACK_SEQ), 32, &l->ack) ||
	    !s_read(j, tcp, K(FLAGS), 16, &l->flags))
		return LSYNC_FIELDS_MALFORMED;
	/* Ports are optional here: present as integers, they must pass their
	 * checks (else the walk decides: no ports); absent, none. */
	if (sp >= 0 && dp >= 0 && j->b->nodes[sp].type->kind == LSYNC_CTF_INT &&
	    j->b->nodes[dp].type->kind == LSYNC_CTF_INT) {
		s_read(j, tcp, K(SOURCE_PORT), 16, &l->sport);
		s_read(j, tcp, K(DEST_PORT), 16, &l->dport);
		l->ports = 1;
	}
	return LSYNC_FIELDS_PACKET;
}

static uint8_t j_experimental(judge *j)
{
	int tf = s_member(j->b, 0, K(TRANSPORT_FIELDS)), tcp;

	if (tf < 0)
		return LSYNC_FIELDS_MALFORMED;
	if (j->b->nodes[tf].type->kind == LSYNC_CTF_VARIANT) {
		int opt = s_selected(j, tf);

		switch (lsync_experimental_option(s_name(j, opt))) {
		case LSYNC_OPT_TCP:
			return j_experimental_tcp(j, opt);
		case LSYNC_OPT_NOTHING:
			return LSYNC_FIELDS_NO_HEADER;
		default:
			return LSYNC_FIELDS_NOT_TCP;
		}
	}
	if (j->b->nodes[tf].type->kind != LSYNC_CTF_STRUCT)
		return LSYNC_FIELDS_MALFORMED;
	tcp = s_member(j->b, tf, K(THTYPE_TCP));
	if (tcp < 0 || j->b->nodes[tcp].type->kind != LSYNC_CTF_STRUCT)
		return LSYNC_FIELDS_MALFORMED;
	return j_experimental_tcp(j, tcp);
}

static uint8_t j_addons(judge *j)
{
	plan_leaf *l = j->l;

	if (!s_read(j, 0, K(SEQ), 32, &l->seq) ||
	    !s_read(j, 0, K(ACK_SEQ), 32, &l->ack) ||
	    !s_read(j, 0, K(FLAGS), 16, &l->flags))
		return LSYNC_FIELDS_MALFORMED;
	return LSYNC_FIELDS_PACKET;
}

static bool judge_leaf(const build *b, lsync_layout layout, unsigned leaf, plan_leaf *l)
{
	judge j = { b, leaf, l, false };

	memset(l, 0, sizeof(*l));
	switch (layout) {
	case LSYNC_LAYOUT_MODULES: l->result = j_modules(&j); break;
	case LSYNC_LAYOUT_EXPERIMENTAL: l->result = j_experimental(&j); break;
	case LSYNC_LAYOUT_ADDONS: l->result = j_addons(&j); break;
	case LSYNC_LAYOUT_OLD: l->result = LSYNC_FIELDS_NO_HEADER; break;
	default: return false;
	}
	/* Malformed whatever the values: nothing to check. */
	if (l->result == LSYNC_FIELDS_MALFORMED)
		l->n_checks = 0;
	return !j.over;
}

/* ---- the plan ------------------------------------------------------------------ */

static void use_address(bool *used, const plan_addr *a)
{
	if (a->width == 0)
		used[a->reg] = true;
	else
		for (unsigned i = 0; i < a->n; i++)
			used[a->reg + i] = true;
}

/* A jump to a jump goes to where that one goes; a jump to the end ends. */
static void thread_jumps(build *b)
{
	for (unsigned i = 0; i < b->n_ops; i++) {
		plan_op *o = &b->ops[i];
		unsigned hops = 0;

		if (o->kind != OP_JUMP)
			continue;
		while (b->ops[o->target].kind == OP_JUMP && hops++ < PLAN_OPS)
			o->target = b->ops[o->target].target;
		if (b->ops[o->target].kind == OP_END)
			o->kind = OP_END;
	}
}

/* Reads whose value nothing looks at (no leaf, tag, length or stored
 * value) dropped; runs keep their sizes. */
static void prune_reads(build *b, const lsync_net_plan *pl)
{
	bool used[PLAN_REGS + 1] = { false };
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_ops; i++)
		if (b->ops[i].kind == OP_VARIANT || b->ops[i].kind == OP_SEQ)
			used[b->ops[i].reg] = true;
	for (unsigned i = 0; i < pl->n_leaves; i++) {
		const plan_leaf *l = &pl->leaves[i];

		for (unsigned c = 0; c < l->n_checks; c++)
			used[l->checks[c].reg] = true;
		if (l->result == LEAF_PROTO)
			used[l->proto] = true;
		if (l->result != LSYNC_FIELDS_PACKET)
			continue;
		used[l->seq] = used[l->ack] = used[l->flags] = true;
		if (l->ports)
			used[l->sport] = used[l->dport] = true;
		if (l->family) {
			use_address(used, &l->src);
			use_address(used, &l->dst);
		}
	}
	for (unsigned i = 0; i < b->n_ops; i++) {
		plan_op *o = &b->ops[i];
		uint32_t first = n;

		if (o->kind != OP_RUN)
			continue;
		for (uint32_t r = o->first; r < o->first + o->n; r++)
			if (used[b->reads[r].reg] || b->reads[r].slot >= 0)
				b->reads[n++] = b->reads[r];
		o->first = first;
		o->n = n - first;
	}
	b->n_reads = n;
}

/*
 * A run is fast when it starts on a byte and each of its reads is an
 * unsigned integer within the 8 bytes from its first byte, or an
 * address's position: where all those bytes are in the file, its reads
 * need no check of their own and are one load and two shifts each,
 * grouped by kind so that none takes a branch.
 */
static bool read_is_fast(const plan_read *rd)
{
	if (rd->at)
		return rd->off <= UINT32_MAX;
	return !rd->is_signed && rd->off / 8 <= UINT32_MAX && rd->off % 8 + rd->size <= 64;
}

static void add_fast(build *b, const plan_read *rd)
{
	fast_read *f = &b->fast[b->n_fast++];
	unsigned shift = (unsigned)(rd->off % 8);

	f->reg = rd->reg;
	f->at = (uint32_t)(rd->at ? rd->off : rd->off / 8);
	f->lsh = (uint8_t)(rd->be ? shift : 64 - shift - rd->size);
	f->rsh = (uint8_t)(64 - rd->size);
}

/* Kinds of fast reads, in the order a run holds them (run_fast()). */
enum { FAST_LE, FAST_BE, FAST_AT };

static unsigned fast_kind(const plan_read *rd)
{
	return rd->at ? FAST_AT : rd->be ? FAST_BE : FAST_LE;
}

/* The reads of [rd, end) of one kind, appended; how many. */
static uint16_t add_fast_kind(build *b, const plan_read *rd, const plan_read *end,
			      unsigned kind)
{
	uint16_t n = 0;

	for (; rd < end; rd++)
		if (fast_kind(rd) == kind) {
			add_fast(b, rd);
			n++;
		}
	return n;
}

static void fast_run(build *b, plan_op *o)
{
	const plan_read *rd = &b->reads[o->first], *end = rd + o->n;

	o->fast_first = b->n_fast;
	o->store_first = b->n_stores;
	o->n_le = add_fast_kind(b, rd, end, FAST_LE);
	o->n_be = add_fast_kind(b, rd, end, FAST_BE);
	o->n_at = add_fast_kind(b, rd, end, FAST_AT);
	for (const plan_read *r = rd; r < end; r++)
		if (r->slot >= 0) {
			fast_store *st = &b->stores[b->n_stores++];

			st->reg = r->reg;
			st->level = r->level;
			st->slot = r->slot;
			o->n_store++;
		}
	o->fast = 1;
}

static void fast_runs(build *b)
{
	for (unsigned i = 0; i < b->n_ops; i++) {
		plan_op *o = &b->ops[i];
		bool fast = o->kind == OP_RUN && o->align % 8 == 0;

		for (uint32_t r = o->first; fast && r < o->first + o->n; r++)
			fast = read_is_fast(&b->reads[r]);
		if (fast)
			fast_run(b, o);
	}
}

void lsync_net_plan_free(lsync_net_plan *pl)
{
	if (!pl)
		return;
	free(pl->ops);
	free(pl->reads);
	free(pl->fast);
	free(pl->stores);
	free(pl->targets);
	free(pl->leaves);
	free(pl->likely);
	free(pl->guards);
	free(pl->likely_stores);
	free(pl);
}

static void *copy(const void *from, size_t n, size_t size)
{
	void *to = malloc(n ? n * size : 1);

	if (to && n)
		memcpy(to, from, n * size);
	return to;
}

/*
 * The likely path of a plan: the ops of the first leaf whose verdict is
 * a packet (in leaf order, IPv4 before IPv6 in the layouts' options),
 * with the fast runs between two strings merged into one where their
 * offsets from its start are fixed (none aligned more than the first),
 * and the variants it goes through kept as guards, checked once all is
 * read. Run as one bounds check and the reads of each merged run, it
 * costs a fraction of the ops it stands for. A plan whose leaf's path
 * has a sequence, a variant the leaf does not decide, or a run that is
 * not fast has none.
 */

/* The fast reads of ops merge_op[] from their offsets, grouped by kind
 * (run_fast()), as one run of b->likely; their stores, in path order. */
static bool close_merge(build *b)
{
	plan_op *m;

	if (!b->n_merge)
		return true;
	if (b->n_likely == PLAN_OPS)
		return false;
	m = &b->likely[b->n_likely++];
	memset(m, 0, sizeof(*m));
	m->kind = OP_RUN;
	m->fast = 1;
	m->align = b->ops[b->merge_op[0]].align;
	m->bits = b->merge_rel[b->n_merge - 1] + b->ops[b->merge_op[b->n_merge - 1]].bits;
	m->fast_first = b->n_fast;
	for (unsigned kind = FAST_LE; kind <= FAST_AT; kind++)
		for (unsigned i = 0; i < b->n_merge; i++) {
			const plan_op *o = &b->ops[b->merge_op[i]];
			uint32_t first = o->fast_first + (kind > FAST_LE ? o->n_le : 0) +
					 (kind > FAST_BE ? o->n_be : 0);
			uint32_t n = kind == FAST_LE ? o->n_le : kind == FAST_BE ? o->n_be : o->n_at;
			uint64_t shift = kind == FAST_AT ? b->merge_rel[i] : b->merge_rel[i] / 8;

			for (uint32_t r = first; r < first + n; r++) {
				fast_read *f = &b->fast[b->n_fast++];

				*f = b->fast[r];
				if (f->at + shift > UINT32_MAX)
					return false;
				f->at = (uint32_t)(f->at + shift);
			}
			*(kind == FAST_LE ? &m->n_le : kind == FAST_BE ? &m->n_be : &m->n_at) +=
				(uint16_t)n;
		}
	for (unsigned i = 0; i < b->n_merge; i++) {
		const plan_op *o = &b->ops[b->merge_op[i]];

		for (uint32_t st = o->store_first; st < o->store_first + o->n_store; st++)
			b->likely_stores[b->n_likely_stores++] = b->stores[st];
	}
	b->n_merge = 0;
	return m->bits / 8 < UINT32_MAX;
}

/* Fast run `at` into the open merged run, or a new one. */
static bool merge_run(build *b, uint32_t at)
{
	const plan_op *o = &b->ops[at];
	uint64_t rel = 0;

	if (!o->fast)
		return false;
	if (b->n_merge && o->align > b->ops[b->merge_op[0]].align && !close_merge(b))
		return false;
	if (b->n_merge) {
		unsigned last = b->n_merge - 1;

		rel = align_up(b->merge_rel[last] + b->ops[b->merge_op[last]].bits, o->align);
	}
	b->merge_op[b->n_merge] = at;
	b->merge_rel[b->n_merge++] = rel;
	return rel <= (UINT64_C(1) << 48);
}

static bool likely_op(build *b, uint8_t kind)
{
	if (!close_merge(b) || b->n_likely == PLAN_OPS)
		return false;
	memset(&b->likely[b->n_likely], 0, sizeof(b->likely[0]));
	b->likely[b->n_likely++].kind = kind;
	return true;
}

/* The path of leaf `leaf` from op 0; false when it has none. */
static bool likely_path(build *b, uint32_t leaf)
{
	uint32_t at = 0;

	b->n_likely = b->n_guards = b->n_likely_stores = b->n_merge = 0;
	b->likely_leaf = 0;
	for (unsigned hops = 0; hops < PLAN_OPS; hops++) {
		const plan_op *o = &b->ops[at];
		uint32_t opt;

		switch (o->kind) {
		case OP_RUN:
			if (!merge_run(b, at++))
				return false;
			break;
		case OP_STRING:
			if (!likely_op(b, OP_STRING))
				return false;
			at++;
			break;
		case OP_VARIANT:
			if (!o->mult || !o->n)
				return false;
			opt = (leaf / o->mult) % o->n;
			b->guards[b->n_guards].op = at;
			b->guards[b->n_guards++].option = opt;
			b->likely_leaf += opt * o->mult;
			at = b->targets[o->first + opt];
			break;
		case OP_JUMP:
			at = o->target;
			break;
		case OP_END:
			return likely_op(b, OP_END);
		default:
			return false;
		}
	}
	return false;
}

static void likely(build *b, lsync_net_plan *pl)
{
	uint32_t leaf = 0;

	while (leaf < pl->n_leaves && pl->leaves[leaf].result != LSYNC_FIELDS_PACKET)
		leaf++;
	if (leaf == pl->n_leaves || !likely_path(b, leaf) ||
	    b->likely_leaf >= pl->n_leaves ||
	    pl->leaves[b->likely_leaf].result != LSYNC_FIELDS_PACKET)
		return;
	pl->likely = copy(b->likely, b->n_likely, sizeof(*b->likely));
	pl->guards = copy(b->guards, b->n_guards, sizeof(*b->guards));
	pl->likely_stores = copy(b->likely_stores, b->n_likely_stores,
				 sizeof(*b->likely_stores));
	if (!pl->likely || !pl->guards || !pl->likely_stores)
		return;
	pl->n_likely = b->n_likely;
	pl->n_guards = b->n_guards;
	pl->n_likely_stores = b->n_likely_stores;
	pl->likely_leaf = b->likely_leaf;
}

lsync_net_plan *lsync_net_plan_compile(const lsync_ctf_type *payload, lsync_layout layout)
{
	build *b;
	lsync_net_plan *pl = NULL;

	if (!payload || payload->kind != LSYNC_CTF_STRUCT || layout == LSYNC_LAYOUT_NONE)
		return NULL;
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	b->n_ops = b->n_reads = b->n_targets = b->n_nodes = b->n_opt_nodes = 0;
	b->n_fast = b->n_stores = 0;
	b->kept = b->n_regs = 0;
	b->leaves = 1;
	b->steps = 0;
	b->run = -1;
	b->rel = 0;
	b->run_align = 1;
	b->depth = 0;
	b->fail = false;
	node(b, payload, NULL, -1, -1, false);
	end_run(b);
	emit(b, OP_END);
	if (!b->fail)
		pl = calloc(1, sizeof(*pl));
	if (pl) {
		pl->layout = layout;
		pl->steps = b->steps;
		pl->n_leaves = (unsigned)b->leaves;
		pl->leaves = calloc(pl->n_leaves, sizeof(*pl->leaves));
		for (unsigned i = 0; pl->leaves && i < pl->n_leaves && !b->fail; i++)
			b->fail = !judge_leaf(b, layout, i, &pl->leaves[i]);
		if (!b->fail && pl->leaves) {
			prune_reads(b, pl);
			fast_runs(b);
			thread_jumps(b);
			likely(b, pl);
		}
		pl->ops = copy(b->ops, b->n_ops, sizeof(*b->ops));
		pl->reads = copy(b->reads, b->n_reads, sizeof(*b->reads));
		pl->fast = copy(b->fast, b->n_fast, sizeof(*b->fast));
		pl->stores = copy(b->stores, b->n_stores, sizeof(*b->stores));
		pl->targets = copy(b->targets, b->n_targets, sizeof(*b->targets));
		if (b->fail || !pl->ops || !pl->reads || !pl->fast || !pl->stores ||
		    !pl->targets || !pl->leaves) {
			lsync_net_plan_free(pl);
			pl = NULL;
		}
	}
	free(b);
	return pl;
}

/* ---- running it ------------------------------------------------------------------ */

/* A fast run's reads, from the byte at base (its start: pos, in bits). */
static inline void run_fast(const lsync_net_plan *pl, const plan_op *o,
			    const uint8_t *base, uint64_t pos, uint64_t *restrict regs,
			    uint64_t (*restrict slots)[LSYNC_WALK_SLOTS])
{
	const fast_read *f = &pl->fast[o->fast_first], *end;

	for (end = f + o->n_le; f < end; f++)
		regs[f->reg] = (load64_le(base + f->at) << f->lsh) >> f->rsh;
	for (end = f + o->n_be; f < end; f++)
		regs[f->reg] = (load64_be(base + f->at) << f->lsh) >> f->rsh;
	for (end = f + o->n_at; f < end; f++)
		regs[f->reg] = pos + f->at;
	if (o->n_store) {
		const fast_store *st = &pl->stores[o->store_first], *se = st + o->n_store;

		for (; st < se; st++)
			slots[st->level][st->slot] = regs[st->reg];
	}
}

static inline bool run_reads(const lsync_net_plan *pl, const plan_op *o, cursor *c,
			     uint64_t pos, uint64_t *regs,
			     uint64_t (*slots)[LSYNC_WALK_SLOTS])
{
	for (uint32_t i = 0; i < o->n; i++) {
		const plan_read *rd = &pl->reads[o->first + i];
		uint64_t bit = pos + rd->off, v;
		unsigned shift = (unsigned)(bit & 7);

		if (rd->at) {
			regs[rd->reg] = bit;
			continue;
		}
		/* The run is within the content: one 8-byte load, unless near
		 * the end of the mapped bytes. */
		if (bit / 8 + 8 <= c->avail && shift + rd->size <= 64) {
			const uint8_t *q = c->buf + bit / 8;

			v = rd->be ? (load64_be(q) << shift) >> (64 - rd->size)
				   : (load64_le(q) >> shift) & rd->mask;
		} else {
			cursor at = { c->buf, bit, c->end, c->avail };

			if (!get_bits(&at, rd->size, rd->be, &v))
				return false;
		}
		if (rd->is_signed)
			v = sign_extend(v, rd->size);
		regs[rd->reg] = v;
		if (rd->slot >= 0)
			slots[rd->level][rd->slot] = v;
	}
	return true;
}

static bool skip_sequence(const plan_op *o, cursor *c, uint64_t len)
{
	c->pos = align_up(c->pos, o->align);
	if (c->pos > c->end)
		return false;
	if (!len)
		return true;
	if (o->stride && (len - 1) > (c->end - c->pos) / o->stride)
		return false;
	if (o->stride * (len - 1) + o->bits > c->end - c->pos)
		return false;
	c->pos += o->stride * (len - 1) + o->bits;
	return true;
}

static inline void put_address(const uint8_t *buf, const uint64_t *regs,
			       const plan_addr *a, uint8_t *out)
{
	if (a->width == 0) {
		/* The trace's bytes: IPv4's 4 or IPv6's 16, copied by size. */
		if (a->n == 4)
			memcpy(out, buf + regs[a->reg] / 8, 4);
		else if (a->n == 16)
			memcpy(out, buf + regs[a->reg] / 8, 16);
		else
			memcpy(out, buf + regs[a->reg] / 8, a->n);
		return;
	}
	if (a->width == 1) {
		for (unsigned e = 0; e < a->n; e++)
			out[e] = (uint8_t)regs[a->reg + e];
		return;
	}
	if (a->width == 2) {
		for (unsigned e = 0; e < a->n; e++) {
			out[2 * e] = (uint8_t)(regs[a->reg + e] >> 8);
			out[2 * e + 1] = (uint8_t)regs[a->reg + e];
		}
		return;
	}
	for (unsigned e = 0; e < a->n; e++) {
		uint64_t v = regs[a->reg + e];

		for (unsigned i = 0; i < a->width; i++) {
			unsigned shift = 8 * (a->width - 1 - i);

			/* Big-endian; bytes beyond the value's 64 bits are 0. */
			out[e * a->width + i] = shift < 64 ? (uint8_t)(v >> shift) : 0;
		}
	}
}

static bool verdict(const lsync_net_plan *pl, const plan_leaf *l, const uint64_t *regs,
		    const uint8_t *buf, lttsync_packet *p, uint16_t *raw,
		    lsync_field_result *r)
{
	for (unsigned i = 0; i < l->n_checks; i++) {
		const plan_check *ck = &l->checks[i];
		uint64_t v = regs[ck->reg];

		if ((ck->is_signed && (int64_t)v < 0) || (ck->bits < 64 && v >> ck->bits))
			return false;
	}
	if (l->result == LEAF_PROTO) {
		*r = regs[l->proto] == IPPROTO_TCP_NUMBER ? LSYNC_FIELDS_NO_HEADER
							   : LSYNC_FIELDS_NOT_TCP;
		return true;
	}
	*r = (lsync_field_result)l->result;
	if (l->result != LSYNC_FIELDS_PACKET)
		return true;
	if (l->family) {
		p->family = l->family;
		put_address(buf, regs, &l->src, p->src_addr);
		put_address(buf, regs, &l->dst, p->dst_addr);
	}
	if (l->ports) {
		p->src_port = (uint16_t)regs[l->sport];
		p->dst_port = (uint16_t)regs[l->dport];
		p->has_ports = 1;
	}
	p->seq = (uint32_t)regs[l->seq];
	p->ack_seq = (uint32_t)regs[l->ack];
	if (pl->layout == LSYNC_LAYOUT_ADDONS)
		*raw = (uint16_t)regs[l->flags];
	else
		p->flags = (uint8_t)(regs[l->flags] & 0xff);
	return true;
}

/* The option variant o takes for tag `tag`; false for none. */
static inline bool variant_option(const plan_op *o, uint64_t tag, uint32_t *opt)
{
	if (tag < PLAN_TAGS && o->by_tag[tag] >= 0)
		*opt = (uint32_t)o->by_tag[tag];
	else if (!in_range(o, tag, opt))
		return false;
	return *opt < o->n;
}

/* A string from bit *pos (aligned to a byte first), to after its NUL. */
static inline bool skip_string(const cursor *c, uint64_t *pos)
{
	const uint8_t *s, *nul;

	*pos = align_up(*pos, 8);
	if (*pos >= c->end)
		return false;
	s = c->buf + *pos / 8;
	nul = memchr(s, 0, (c->end - *pos) / 8);
	if (!nul)
		return false;
	*pos += 8 * (uint64_t)(nul - s + 1);
	return true;
}

/*
 * The likely path (likely()): its merged runs and strings, then its
 * guards; false when a bound or a guard fails (nothing stored then, and
 * the ops decide from the start), or the verdict's checks do.
 */
static bool run_likely(const lsync_net_plan *pl, cursor *c,
		       uint64_t (*slots)[LSYNC_WALK_SLOTS], lttsync_packet *p,
		       uint16_t *raw, lsync_field_result *r)
{
	uint64_t regs[PLAN_REGS], pos = c->pos;
	uint32_t opt;

	for (const plan_op *o = pl->likely; o->kind != OP_END; o++) {
		if (o->kind == OP_STRING) {
			if (!skip_string(c, &pos))
				return false;
			continue;
		}
		pos = align_up(pos, o->align);
		if (pos > c->end || o->bits > c->end - pos ||
		    pos / 8 + o->bits / 8 + 8 > c->avail)
			return false;
		run_fast(pl, o, c->buf + pos / 8, pos, regs, slots);
		pos += o->bits;
	}
	for (unsigned i = 0; i < pl->n_guards; i++) {
		const plan_op *v = &pl->ops[pl->guards[i].op];

		if (!variant_option(v, regs[v->reg], &opt) || opt != pl->guards[i].option)
			return false;
	}
	for (unsigned i = 0; i < pl->n_likely_stores; i++) {
		const fast_store *st = &pl->likely_stores[i];

		slots[st->level][st->slot] = regs[st->reg];
	}
	c->pos = pos;
	return verdict(pl, &pl->leaves[pl->likely_leaf], regs, c->buf, p, raw, r);
}

bool lsync_net_plan_run(const lsync_net_plan *pl, cursor *c,
			uint64_t (*slots)[LSYNC_WALK_SLOTS], uint64_t budget,
			lttsync_packet *p, uint16_t *raw, lsync_field_result *r)
{
	uint64_t regs[PLAN_REGS];
	uint32_t at = 0, leaf = 0, opt;
	uint64_t pos = c->pos;

	if (pl->steps > budget)
		return false;
	if (pl->n_likely && run_likely(pl, c, slots, p, raw, r))
		return true;
	c->pos = pos;
	for (;;) {
		const plan_op *o = &pl->ops[at];

		switch (o->kind) {
		case OP_RUN:
			pos = align_up(c->pos, o->align);
			if (pos > c->end || o->bits > c->end - pos)
				return false;
			/* Every read's 8 bytes are in the file: the last
			 * read's byte is at most (pos + bits - 1) / 8. */
			if (o->fast && pos / 8 + o->bits / 8 + 8 <= c->avail)
				run_fast(pl, o, c->buf + pos / 8, pos, regs, slots);
			else if (!run_reads(pl, o, c, pos, regs, slots))
				return false;
			c->pos = pos + o->bits;
			at++;
			break;
		case OP_STRING:
			if (!skip_string(c, &c->pos))
				return false;
			at++;
			break;
		case OP_VARIANT:
			if (!variant_option(o, regs[o->reg], &opt))
				return false;
			leaf += opt * o->mult;
			at = pl->targets[o->first + opt];
			break;
		case OP_SEQ:
			if (!skip_sequence(o, c, regs[o->reg]))
				return false;
			at++;
			break;
		case OP_JUMP:
			at = o->target;
			break;
		default:
			if (leaf >= pl->n_leaves)
				return false;
			return verdict(pl, &pl->leaves[leaf], regs, c->buf, p, raw, r);
		}
	}
}
