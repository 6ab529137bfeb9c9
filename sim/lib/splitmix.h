/* splitmix.h — splitmix64 (Steele, Lea and Flood 2014; Vigna's reference version), the
 * one mixer every seeded stream of the simulator derives from.
 *
 * splitmix64_mix(x) is the output for state x: the state advanced by the golden gamma,
 * then the finalizer (splitmix64_mix(0) == 0xe220a8397b1dcdaf, test_plan);
 * splitmix64_next(&s) returns splitmix64_mix(s) and advances s by the gamma, so
 * successive calls give the reference generator's stream. */
#ifndef MMSIM_LIB_SPLITMIX_H
#define MMSIM_LIB_SPLITMIX_H

#include "../common.h"

#define SPLITMIX64_GAMMA 0x9e3779b97f4a7c15ull

static inline uint64_t splitmix64_mix(uint64_t x)
{
	x += SPLITMIX64_GAMMA;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t splitmix64_next(uint64_t *s)
{
	uint64_t r = splitmix64_mix(*s);
	*s += SPLITMIX64_GAMMA;
	return r;
}

#endif
