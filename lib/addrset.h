/*
 * A set of 20-byte chain addresses, each mapped to a caller's value (an
 * index into the caller's own array). Lookups cost O(1) whatever the size:
 * open addressing with linear probing, a power-of-two table never more
 * than half full, and SipHash-2-4 of all 20 bytes under a random key drawn
 * per set, so that no chosen set of addresses can pile up in one run.
 *
 * Not thread-safe for writers: one thread fills a set; lookups may then
 * run from several threads at once while nobody modifies it.
 */
#ifndef CC_ADDRSET_H
#define CC_ADDRSET_H

#include "cc.h"

/* Most entries a set takes: addrset_put fails beyond it. */
#define ADDRSET_MAX_ENTRIES	((size_t)1 << 30)

struct addrset;

/* An empty set; the caller frees it with addrset_free. */
struct addrset	*addrset_new(void);
void		 addrset_free(struct addrset *);

/*
 * Maps addr to value: returns 1 if addr was inserted, 0 if it was already
 * there and its value is now replaced, -1 if the set is full
 * (ADDRSET_MAX_ENTRIES).
 */
int		 addrset_put(struct addrset *, const uint8_t addr[20],
		    uint32_t value);
/* True if addr is in the set; then *value (if not NULL) is its value. */
bool		 addrset_get(const struct addrset *, const uint8_t addr[20],
		    uint32_t *value);
size_t		 addrset_count(const struct addrset *);
/* Empties the set, keeping its table for the next fill. */
void		 addrset_clear(struct addrset *);
/*
 * Slots examined by every addrset_put and addrset_get since the set was
 * made (never reset): the difference across n lookups over n is the
 * average probe length, about 1.5 for a hit and 2.5 for a miss at most,
 * whatever the size.
 */
size_t		 addrset_probes(const struct addrset *);

#endif
