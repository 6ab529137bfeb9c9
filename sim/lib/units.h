/* units.h — numbers with units, one grammar for every reader: run configs, config
 * overrides (--set, sweep plans) and workload parameters.
 *
 *   number    := <digits>[.<digits>] | 0x<hex digits>
 *   size      := number [" "] [B | K | KiB | M | MiB | G | GiB | T | TiB]   (any case)
 *   duration  := number [" "] [ns | us | µs | ms | s]
 *   bandwidth := size | number [" "] <bandwidth unit> "/s"     (bytes per second)
 *   bandwidth unit := B, K, KiB, M, MiB, G, GiB, T, TiB (binary) | kB, KB, MB, GB, TB (decimal)
 *
 * Size multiples are binary (K = KiB = 1024), as the kernel's memparse() reads them.
 * Decimal MB/GB exist only in bandwidths, where device vendors mean powers of ten; a
 * memory size refuses MB rather than guess which of 10^6 and 2^20 the user meant.  A
 * fraction is accepted when the result is a whole number of the base unit (bytes, ns,
 * bytes/s): "1.5GiB" and "2.5us" yes, "1.5" bytes no.  A bare number is in the reader's
 * own unit (pages for a config page count, KiB for a *_kbytes knob, bytes for a workload
 * size); has_unit tells the reader which it got.
 */
#ifndef MMSIM_LIB_UNITS_H
#define MMSIM_LIB_UNITS_H

#include "../common.h"

enum units_status {
	UNITS_OK,
	UNITS_SYNTAX,   /* not a number of this kind */
	UNITS_OVERFLOW, /* more than 2^64 - 1 of the base unit */
	UNITS_INEXACT,  /* a fraction that is not a whole number of the base unit */
};

/* A bare number (no unit): decimal, a fraction that comes out whole ("2.0"), or 0x hex. */
enum units_status units_parse_count(const char *s, uint64_t *v);
/* A size in bytes; *has_unit is false for a bare number (already stored in *bytes). */
enum units_status units_parse_size(const char *s, uint64_t *bytes, bool *has_unit);
/* A duration in ns; a bare number is ns. */
enum units_status units_parse_duration(const char *s, sim_ns_t *ns, bool *has_unit);
/* A bandwidth in bytes per second: "500MB/s", "1GiB/s"; without "/s" a bare number or a
 * binary size ("200MiB"), per second. */
enum units_status units_parse_bandwidth(const char *s, uint64_t *bps);

#endif
