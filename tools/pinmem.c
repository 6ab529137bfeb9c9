/* pinmem.c — hold anonymous memory locked so a capture runs under memory pressure.
 *
 *   pinmem LEAVE_MIB READY_FILE [FRAGMENT_MIB]
 * Locks (mlock) MemAvailable - LEAVE_MIB of anonymous memory in 64 MiB pieces, with
 * MADV_NOHUGEPAGE so the pinned pages stay order-0 like most of a busy machine's memory,
 * writes its pid to READY_FILE when done, and sleeps until killed.  Locked pages cannot be
 * reclaimed or swapped, so the pressure falls on the workload being captured.
 * With FRAGMENT_MIB it then faults in that much more in order-0 pages and frees every
 * other one again: the free memory left is scattered single pages that a high-order
 * allocation can only use after compaction.
 * It stays a good neighbour on a shared machine: every 20 ms it re-reads MemAvailable and,
 * when another process's growth has pushed it below LEAVE_MIB / 2, unlocks and frees 128 MiB
 * pieces until it is back at LEAVE_MIB, so it never drives the machine into the OOM killer.
 * Build: cc -O2 -o pinmem tools/pinmem.c   (tools/capture-corpus.sh does)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long mem_available_mib(void)
{
	FILE *fp = fopen("/proc/meminfo", "r");
	char line[256];
	long kb = -1;
	while (fp && fgets(line, sizeof(line), fp))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (fp)
		fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: pinmem LEAVE_MIB READY_FILE [FRAGMENT_MIB]\n");
		return 64;
	}
	long leave = atol(argv[1]);
	const size_t piece = 64ul << 20;
	long pinned = 0;
	static void *pieces[1 << 14];
	unsigned nr_pieces = 0;
	/* pin first, then fragment: pinning would otherwise refill the holes */
	long fragment = argc == 4 ? atol(argv[3]) : 0;
	leave += fragment;
	/* re-read MemAvailable as we go: page cache dropped on the way adds to it */
	for (;;) {
		long avail = mem_available_mib();
		if (avail < 0 || avail - 64 < leave)
			break;
		void *p = mmap(NULL, piece, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		madvise(p, piece, MADV_NOHUGEPAGE);
		memset(p, 0x5a, piece);
		if (mlock(p, piece)) {
			perror("pinmem: mlock");
			return 71;
		}
		pinned += 64;
		if (nr_pieces < sizeof(pieces) / sizeof(pieces[0]))
			pieces[nr_pieces++] = p;
	}
	if (fragment) {
		size_t n = (size_t)fragment << 20;
		char *f = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (f == MAP_FAILED) {
			perror("pinmem: mmap");
			return 71;
		}
		madvise(f, n, MADV_NOHUGEPAGE);
		memset(f, 0x5a, n);
		/* not locked: unlocking page by page would split the mapping into more areas
		 * than vm.max_map_count allows (without swap these pages stay anyway) */
		for (size_t off = 0; off < n; off += 2 * 4096)
			madvise(f + off, 4096, MADV_DONTNEED);
	}
	FILE *fp = fopen(argv[2], "w");
	if (!fp) {
		perror(argv[2]);
		return 73;
	}
	fprintf(fp, "%ld %ld\n", (long)getpid(), pinned);
	fclose(fp);
	fprintf(stderr, "pinmem: %ld MiB locked, MemAvailable now %ld MiB\n", pinned, mem_available_mib());
	long floor = (leave - fragment) / 2;
	for (;;) {
		long avail = mem_available_mib();
		if (avail >= 0 && avail < floor && nr_pieces) {
			while (nr_pieces && avail < leave - fragment) {
				void *p = pieces[--nr_pieces];
				munlock(p, piece);
				munmap(p, piece);
				pinned -= 64;
				avail += 64;
			}
			fprintf(stderr, "pinmem: MemAvailable fell below %ld MiB: released to %ld MiB locked\n",
				floor, pinned);
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
}
