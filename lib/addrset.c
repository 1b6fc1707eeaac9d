/*
 * Address set: linear probing over a dense array of 32-bit tags (0 marks
 * an empty slot), with the entries in a parallel array. A lookup of an
 * absent address, the common case when scanning a chain, then reads only
 * tags: sixteen slots to a cache line.
 */
#include "cc.h"

#include <stdatomic.h>

#include "addrset.h"
#include "ids.h"
#include "util.h"

#define ADDRSET_MIN_SLOTS	16

struct addrset_entry {
	uint8_t		 addr[20];
	uint32_t	 value;
};

struct addrset {
	uint32_t		*tags;
	struct addrset_entry	*ents;
	size_t			 mask;		/* slots - 1 */
	size_t			 count;
	uint64_t		 k0, k1;	/* SipHash key */
	/* Counted from const lookups too, possibly by several threads. */
	_Atomic size_t		 probes;
};

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

/* SipHash-2-4 (Aumasson and Bernstein, 2012) of len bytes. */
static uint64_t
siphash24(uint64_t k0, uint64_t k1, const uint8_t *in, size_t len)
{
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b;
	size_t i, left;

	b = (uint64_t)len << 56;
	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (left = len - i; left > 0; left--)
		b |= (uint64_t)in[i + left - 1] << (8 * (left - 1));
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The low bits of the hash pick the home slot, the high 32 the tag. */
static uint64_t
addr_hash(const struct addrset *s, const uint8_t addr[20])
{
	return siphash24(s->k0, s->k1, addr, 20);
}

/* Forced odd, so that a tag is never the empty mark. */
static uint32_t
hash_tag(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1;
}

static void
alloc_table(struct addrset *s, size_t slots)
{
	s->tags = xcalloc(slots, sizeof(*s->tags));
	s->ents = xmalloc(slots * sizeof(*s->ents));
	s->mask = slots - 1;
}

struct addrset *
addrset_new(void)
{
	struct addrset *s;
	uint64_t key[2];

	s = xcalloc(1, sizeof(*s));
	ids_random(key, sizeof(key));
	s->k0 = key[0];
	s->k1 = key[1];
	atomic_init(&s->probes, 0);
	alloc_table(s, ADDRSET_MIN_SLOTS);
	return s;
}

void
addrset_free(struct addrset *s)
{
	if (s == NULL)
		return;
	free(s->tags);
	free(s->ents);
	free(s);
}

/*
 * The slot holding addr, or the empty slot where it belongs; *probes
 * gets the number of slots examined. The table always has an empty slot.
 */
static size_t
find_slot(const struct addrset *s, const uint8_t addr[20], uint64_t h,
    size_t *probes)
{
	uint32_t tag = hash_tag(h);
	size_t i = (size_t)h & s->mask;
	size_t n = 1;

	while (s->tags[i] != 0) {
		if (s->tags[i] == tag &&
		    memcmp(s->ents[i].addr, addr, 20) == 0)
			break;
		i = (i + 1) & s->mask;
		n++;
	}
	*probes = n;
	return i;
}

/* Doubles the table and reinserts every entry. */
static void
grow(struct addrset *s)
{
	uint32_t *otags = s->tags;
	struct addrset_entry *oents = s->ents;
	size_t oslots = s->mask + 1, i, j;

	alloc_table(s, oslots * 2);
	for (i = 0; i < oslots; i++) {
		uint64_t h;

		if (otags[i] == 0)
			continue;
		h = addr_hash(s, oents[i].addr);
		j = (size_t)h & s->mask;
		while (s->tags[j] != 0)
			j = (j + 1) & s->mask;
		s->tags[j] = otags[i];
		s->ents[j] = oents[i];
	}
	free(otags);
	free(oents);
}

int
addrset_put(struct addrset *s, const uint8_t addr[20], uint32_t value)
{
	uint64_t h;
	size_t i, n;

	h = addr_hash(s, addr);
	i = find_slot(s, addr, h, &n);
	atomic_fetch_add_explicit(&s->probes, n, memory_order_relaxed);
	if (s->tags[i] != 0) {
		s->ents[i].value = value;
		return 0;
	}
	if (s->count >= ADDRSET_MAX_ENTRIES)
		return -1;
	/* Keep the load factor at or under one half. */
	if (2 * (s->count + 1) > s->mask + 1) {
		grow(s);
		i = find_slot(s, addr, h, &n);
	}
	s->tags[i] = hash_tag(h);
	memcpy(s->ents[i].addr, addr, 20);
	s->ents[i].value = value;
	s->count++;
	return 1;
}

bool
addrset_get(const struct addrset *s, const uint8_t addr[20],
    uint32_t *value)
{
	struct addrset *m = (struct addrset *)s;
	size_t i, n;

	i = find_slot(s, addr, addr_hash(s, addr), &n);
	/* The counter is the only state a lookup changes; s was allocated
	 * non-const by addrset_new, so writing it is defined. */
	atomic_fetch_add_explicit(&m->probes, n, memory_order_relaxed);
	if (s->tags[i] == 0)
		return false;
	if (value != NULL)
		*value = s->ents[i].value;
	return true;
}

size_t
addrset_count(const struct addrset *s)
{
	return s->count;
}

void
addrset_clear(struct addrset *s)
{
	memset(s->tags, 0, (s->mask + 1) * sizeof(*s->tags));
	s->count = 0;
}

size_t
addrset_probes(const struct addrset *s)
{
	return atomic_load_explicit(&s->probes, memory_order_relaxed);
}
