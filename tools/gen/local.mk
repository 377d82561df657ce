## ---- the synthetic trace writer -------------------------------------
# CTF traces of simulated hosts in every layout, with known clocks.
bin_PROGRAMS += lttsync-gen
lttsync_gen_SOURCES = tools/gen/main.c tools/gen/options.c tools/gen/gen.h \
	tools/gen/ctf.c tools/gen/layout.c tools/gen/layout.h tools/gen/net.c \
	tools/gen/ring.c tools/gen/rng.c tools/gen/rng.h tools/gen/sim.c tools/gen/truth.c \
	tools/gen/util.c
lttsync_gen_LDADD = -lm
