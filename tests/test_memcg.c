/* Memory cgroups (model.md §4.3): pages charged to their task's memcg, one lruvec per
 * memcg beside the node totals, reclaim scanning each memcg in proportion to its size
 * (kswapd: every memcg; direct reclaim: a partial walk from a shared cursor), the charge
 * kept across migration, and the invariant checker catching a wrong per-memcg count.
 *
 * The machine: one Normal zone of 16384 pages, min_free_kbytes = 1024 (min 256, low 320,
 * high 384 pages: tests/test_reclaim.c), no swap, machine.memcg.split_prefill on: task 0
 * is memcg 0 and every other task memcg 1.  Fresh file pages are clean, unreferenced and
 * enter their memcg's inactive file head, so a scan takes each memcg's oldest first and
 * frees every page it scans; with no anon and no swap, get_scan_count is SCAN_FILE.
 */
#include "mm/migrate.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define NORMAL_PAGES 16384
#define FILE_GFP GFP_HIGHUSER_MOVABLE
#define ANON_GFP (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)

static struct config cfg;
static struct mm mm;

static void start(bool split)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, NORMAL_PAGES, 1024);
	cfg.machine.memcg.split_prefill = split;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static bool check_ok(void)
{
	return mm_check_full(&mm); /* prints the first violation */
}

/* Allocate file pages ids first..last for task (synchronously, on CPU 0). */
static void alloc_file(uint32_t task, uint64_t first, uint64_t last)
{
	struct mm_request req = { .task = task, .mode = REQ_SYNC, .alloc_class = -1 };
	for (uint64_t id = first; id <= last; id++)
		CHECK(mm_alloc_req(&mm, task ? &req : NULL, id, FILE_GFP, 0) != PFN_NONE);
}

static uint64_t count_resident(uint64_t first, uint64_t last)
{
	uint64_t n = 0;
	for (uint64_t id = first; id <= last; id++) {
		struct obj_slot *s = obj_lookup(&mm.objs, id);
		n += s && s->kind == OBJ_PAGES;
	}
	return n;
}

static unsigned memcg_of(uint64_t id)
{
	return page_memcg(&mm.pages[obj_lookup(&mm.objs, id)->pfn]);
}

static void shrink_node_once(bool kswapd, int priority, uint64_t nr_to_reclaim)
{
	mmtest_shrink_node(&mm, kswapd, priority, nr_to_reclaim);
}

/* Task 0's pages go to memcg 0, task 5's to memcg 1; each memcg's lruvec counts its own,
 * the node lruvec the sum; a freed page carries no memcg bits. */
static void test_charge(void)
{
	start(true);
	CHECK_EQ(mm.nr_memcgs, 2);
	alloc_file(0, 1, 10);
	alloc_file(5, 11, 13);
	struct mm_request req = { .task = 5, .mode = REQ_SYNC, .alloc_class = -1 };
	CHECK(mm_alloc_req(&mm, &req, 14, ANON_GFP, 0) != PFN_NONE);
	CHECK_EQ(memcg_of(1), 0);
	CHECK_EQ(memcg_of(11), 1);
	CHECK_EQ(memcg_of(14), 1);
	CHECK_EQ(mm.lruvecs[0]->nr_pages[LRU_INACTIVE_FILE], 10);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE], 3);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_ANON], 1);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 13);
	CHECK_EQ(mm.lruvec.nr_zone_pages[ZONE_NORMAL][LRU_INACTIVE_FILE], 13);
	CHECK_EQ(mm.lruvecs[1]->lists[LRU_INACTIVE_FILE].tail, obj_lookup(&mm.objs, 11)->pfn);
	/* /proc/zoneinfo counts the zone's LRU pages of every memcg, the heads of the memcgs'
	 * lists (no predecessor) included. */
	char *zi = mmtest_capture(procfs_write_zoneinfo, &mm);
	CHECK(strstr(zi, "nr_zone_inactive_file 13\n") != NULL);
	free(zi);
	pfn_t p12 = obj_lookup(&mm.objs, 12)->pfn;
	CHECK(mm_free(&mm, 12));
	CHECK_EQ(page_memcg(&mm.pages[p12]), 0);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE], 2);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 12);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
	/* Without the key: one memcg, whose lruvec is the node's, and no memcg bits. */
	start(false);
	CHECK_EQ(mm.nr_memcgs, 1);
	CHECK(mm.lruvecs[0] == &mm.lruvec);
	alloc_file(5, 1, 2);
	CHECK_EQ(memcg_of(1), 0);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 2);
	mmtest_mm_destroy(&mm);
}

/* kswapd walks every memcg and sizes each scan by the memcg's own lists
 * (lruvec_lru_size >> priority): memcg 0 holds 1000 inactive file pages (ids 1..1000,
 * task 0), memcg 1 holds 24 (ids 1001..1024, task 1).  nr_to_reclaim is out of reach.
 *   priority 3:  1000 >> 3 = 125 (batches 32+32+32+29), then 24 >> 3 = 3
 *     -> ids 1..125 and 1001..1003 go; pgscan_kswapd = pgsteal_kswapd = 128
 *   priority 4 next: 875 >> 4 = 54, 21 >> 4 = 1 -> ids 126..179 and 1004: 128 + 55 = 183
 * With one memcg the same pages form one list of 1024 scanned 1024 >> 3 = 128 from the
 * tail: ids 1..128, and task 1's pages, the newest, are all still there. */
static void test_kswapd_proportional(void)
{
	start(true);
	alloc_file(0, 1, 1000);
	alloc_file(1, 1001, 1024);
	shrink_node_once(true, 3, 100000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 128);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 128);
	CHECK_EQ(count_resident(1, 125), 0);
	CHECK_EQ(count_resident(126, 1000), 875);
	CHECK_EQ(count_resident(1001, 1003), 0);
	CHECK_EQ(count_resident(1004, 1024), 21);
	CHECK_EQ(mm.lruvecs[0]->nr_pages[LRU_INACTIVE_FILE], 875);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE], 21);
	shrink_node_once(true, 4, 100000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 183);
	CHECK_EQ(count_resident(126, 179), 0);
	CHECK_EQ(count_resident(180, 1000), 821);
	CHECK_EQ(count_resident(1004, 1004), 0);
	CHECK_EQ(count_resident(1005, 1024), 20);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);

	start(false);
	alloc_file(0, 1, 1000);
	alloc_file(1, 1001, 1024);
	shrink_node_once(true, 3, 100000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 128);
	CHECK_EQ(count_resident(1, 128), 0);
	CHECK_EQ(count_resident(1001, 1024), 24);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* kswapd stops an lruvec once it gave nr_to_reclaim, and goes on to the next memcg:
 * nr_to_reclaim 40 at priority 2 on memcg 0 (1000 pages: target 250) stops after the
 * second batch (64 >= 40); memcg 1 (24 pages: target 6) is still scanned: 64 + 6 = 70. */
static void test_kswapd_goal_per_lruvec(void)
{
	start(true);
	alloc_file(0, 1, 1000);
	alloc_file(1, 1001, 1024);
	shrink_node_once(true, 2, 40);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 70);
	CHECK_EQ(count_resident(1, 64), 0);
	CHECK_EQ(count_resident(65, 1000), 936);
	CHECK_EQ(count_resident(1001, 1006), 0);
	CHECK_EQ(count_resident(1007, 1024), 18);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* Direct reclaim walks part of the memcgs from a shared cursor (mem_cgroup_iter with a
 * reclaim cookie) and stops after a memcg once the pass has reclaimed nr_to_reclaim = 32.
 * memcg 0: ids 1..1000, memcg 1: ids 1001..1200; priority 2 each time.
 *   pass 1: cursor 0; memcg 0 target 1000 >> 2 = 250, one batch of 32 reclaims 32: the
 *           walk stops; ids 1..32 go; the cursor moves to memcg 1
 *   pass 2: starts at memcg 1 (200 >> 2 = 50): ids 1001..1032 go; memcg 1 is the last, so
 *           the next walk starts at memcg 0 again
 *   pass 3: memcg 0: ids 33..64
 * A walk that has not reclaimed enough goes on to the next memcg: with memcg 0 holding
 * only 8 pages (ids 1..8), pass 1 takes 8 >> 2 = 2 of them (ids 1, 2), then memcg 1's
 * first batch of 32 (ids 1001..1032): 34 in all, pgscan_direct 34. */
static void test_direct_cursor(void)
{
	start(true);
	alloc_file(0, 1, 1000);
	alloc_file(1, 1001, 1200);
	CHECK_EQ(mm.reclaim->memcg_cursor, 0);
	shrink_node_once(false, 2, SWAP_CLUSTER_MAX);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 32);
	CHECK_EQ(count_resident(1, 32), 0);
	CHECK_EQ(count_resident(33, 1000), 968);
	CHECK_EQ(count_resident(1001, 1200), 200);
	CHECK_EQ(mm.reclaim->memcg_cursor, 1);
	shrink_node_once(false, 2, SWAP_CLUSTER_MAX);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 64);
	CHECK_EQ(count_resident(1001, 1032), 0);
	CHECK_EQ(count_resident(1033, 1200), 168);
	CHECK_EQ(count_resident(33, 1000), 968);
	CHECK_EQ(mm.reclaim->memcg_cursor, 0);
	shrink_node_once(false, 2, SWAP_CLUSTER_MAX);
	CHECK_EQ(count_resident(33, 64), 0);
	CHECK_EQ(count_resident(65, 1000), 936);
	CHECK_EQ(count_resident(1033, 1200), 168);
	CHECK_EQ(mm.reclaim->memcg_cursor, 1);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);

	start(true);
	alloc_file(0, 1, 8);
	alloc_file(1, 1001, 1200);
	shrink_node_once(false, 2, SWAP_CLUSTER_MAX);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 34);
	CHECK_EQ(count_resident(1, 2), 0);
	CHECK_EQ(count_resident(3, 8), 6);
	CHECK_EQ(count_resident(1001, 1032), 0);
	CHECK_EQ(count_resident(1033, 1200), 168);
	CHECK_EQ(mm.reclaim->memcg_cursor, 0);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* A free order-0 page taken off the buddy lists as a migration target (PF_ISOLATED). */
static pfn_t take_target(void)
{
	struct zone *z = &mm.zones[ZONE_NORMAL];
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		pfn_t pfn = z->free_area[o].free_list[MIGRATE_MOVABLE].head;
		if (pfn == PFN_NONE)
			continue;
		if (!buddy_isolate_free_page(&mm, z, pfn, o))
			return PFN_NONE;
		while (o > 0) { /* hand the upper halves back */
			o--;
			mm.pages[pfn + (1u << o)].flags = PF_ISOLATED;
			mm.pages[pfn + (1u << o)].order = (uint8_t)o;
			buddy_putback_isolated(&mm, z, pfn + (1u << o), o);
		}
		mm.pages[pfn].order = 0;
		return pfn;
	}
	return PFN_NONE;
}

/* A migrated page keeps its memcg (mem_cgroup_migrate) and its place on its memcg's list:
 * ids 1..3 of task 1 (memcg 1) and 4 of task 0; id 2 moves to a free page.  memcg 1's
 * list (head to tail) 3, 2, 1 stays so, id 2 at its new pfn; the old page is free and
 * carries no memcg. */
static void test_migrate_keeps_memcg(void)
{
	start(true);
	alloc_file(1, 1, 3);
	alloc_file(0, 4, 4);
	pfn_t src = obj_lookup(&mm.objs, 2)->pfn;
	pfn_t dst = take_target();
	CHECK(dst != PFN_NONE);
	migrate_move_object(&mm, src, dst);
	CHECK_EQ(obj_lookup(&mm.objs, 2)->pfn, dst);
	CHECK_EQ(page_memcg(&mm.pages[dst]), 1);
	CHECK_EQ(page_memcg(&mm.pages[src]), 0);
	CHECK(mm.pages[src].flags & PF_BUDDY);
	const struct lruvec *v = mm.lruvecs[1];
	CHECK_EQ(v->lists[LRU_INACTIVE_FILE].head, obj_lookup(&mm.objs, 3)->pfn);
	CHECK_EQ(lru_next(&mm, v, LRU_INACTIVE_FILE, v->lists[LRU_INACTIVE_FILE].head), dst);
	CHECK_EQ(lru_next(&mm, v, LRU_INACTIVE_FILE, dst), obj_lookup(&mm.objs, 1)->pfn);
	CHECK_EQ(v->lists[LRU_INACTIVE_FILE].tail, obj_lookup(&mm.objs, 1)->pfn);
	CHECK_EQ(v->nr_pages[LRU_INACTIVE_FILE], 3);
	CHECK_EQ(mm.lruvecs[0]->nr_pages[LRU_INACTIVE_FILE], 1);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* The checker catches a per-memcg count that disagrees with the lists, a node total that
 * is not the sum of the memcgs', and a page on the wrong memcg's list. */
static void test_check_catches(void)
{
	char msg[256];
	start(true);
	alloc_file(0, 1, 4);
	alloc_file(1, 5, 8);
	CHECK(reclaim_check(&mm, msg, sizeof(msg)));
	mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE]++;
	CHECK(!reclaim_check(&mm, msg, sizeof(msg)));
	CHECK(strstr(msg, "memcg 1") != NULL);
	mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE]--;
	mm.lruvec.nr_zone_pages[ZONE_NORMAL][LRU_INACTIVE_FILE]++;
	CHECK(!reclaim_check(&mm, msg, sizeof(msg)));
	CHECK(strstr(msg, "node nr_zone_pages") != NULL);
	mm.lruvec.nr_zone_pages[ZONE_NORMAL][LRU_INACTIVE_FILE]--;
	struct page_frame *p = &mm.pages[obj_lookup(&mm.objs, 5)->pfn];
	p->xflags = (uint8_t)(p->xflags & ~PFX_MEMCG_MASK); /* says memcg 0, sits on memcg 1's list */
	CHECK(!reclaim_check(&mm, msg, sizeof(msg)));
	CHECK(strstr(msg, "belongs to memcg 0") != NULL);
	p->xflags = (uint8_t)(p->xflags | (1u << PFX_MEMCG_SHIFT));
	CHECK(reclaim_check(&mm, msg, sizeof(msg)));
	mmtest_mm_destroy(&mm);
}

/* An evicted file page comes back charged to the task that faults it in
 * (mem_cgroup_charge of the new folio): task 1's page refaulted by task 1 returns to
 * memcg 1. */
static void test_refault_memcg(void)
{
	start(true);
	alloc_file(1, 1, 40);
	shrink_node_once(true, 0, 32); /* 40 >> 0 = 40 target; one batch of 32 meets the goal */
	CHECK_EQ(count_resident(1, 32), 0);
	struct mm_request req = { .task = 1, .mode = REQ_SYNC, .alloc_class = -1 };
	CHECK(mm_access_req(&mm, &req, 1));
	CHECK_EQ(count_resident(1, 1), 1);
	CHECK_EQ(memcg_of(1), 1);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE] + mm.lruvecs[1]->nr_pages[LRU_ACTIVE_FILE], 9);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* A swapped-out anon page that another task faults back in stays its owner's: swap-in
 * charges the memcg its swap entry names, and its pages still count in the owner's OOM
 * badness (oom_account added them when the object was new).  Task 1's 64 anon pages are
 * swapped out by reclaim at priority 0 (no file pages: only anon to scan; the first pass
 * only clears the young bits of their faults); task 2 faults
 * one back in and frees it: every step keeps each task's badness equal to the anon pages
 * its objects hold (oom_check), and the page is back in memcg 1, task 1's. */
static void test_swapin_keeps_owner(void)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, NORMAL_PAGES, 1024);
	cfg.machine.memcg.split_prefill = true;
	cfg.devices.swap_pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	struct mm_request r1 = { .task = 1, .mode = REQ_SYNC, .alloc_class = -1 };
	for (uint64_t id = 1; id <= 64; id++)
		CHECK(mm_alloc_req(&mm, &r1, id, ANON_GFP, 0) != PFN_NONE);
	shrink_node_once(true, 0, 64);                          /* young from the fault: kept */
	shrink_node_once(true, 0, 64);                          /* written to swap */
	mmtest_run_until(&mm, mm.engine->now_ns + NSEC_PER_SEC); /* the swap writes end */
	shrink_node_once(true, 0, 64);                          /* and the clean copies go */
	uint64_t swapped = 0, victim = 0;
	for (uint64_t id = 1; id <= 64; id++) {
		struct obj_slot *sl = obj_lookup(&mm.objs, id);
		if (sl && sl->kind == OBJ_SWAPPED) {
			swapped++;
			victim = id;
		}
	}
	CHECK(swapped > 0);
	CHECK(check_ok());
	struct mm_request r2 = { .task = 2, .mode = REQ_SYNC, .alloc_class = -1 };
	CHECK(mm_access_req(&mm, &r2, victim));
	CHECK_EQ(obj_lookup(&mm.objs, victim)->kind, OBJ_PAGES);
	CHECK_EQ(obj_lookup(&mm.objs, victim)->task, 1);
	CHECK_EQ(memcg_of(victim), 1);
	CHECK(check_ok());
	CHECK(mm_free_req(&mm, &r2, victim));
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* Each memcg reclaims with its own swappiness (mem_cgroup_swappiness, cgroup v1;
 * get_scan_count 6.18): memcg 0 (the rest of the machine) at machine.memcg.rest_swappiness,
 * memcg 1 at policy.swappiness.  Each holds 400 inactive anon and 800 inactive file pages;
 * swap on; one file refault activation since the last reclaim (DEACTIVATE_FILE: no cache
 * trim).  No lru cost yet: T = anon' = file' = 0, so ap = swappiness, fp = 200 - swappiness.
 *   priority 2, rest 0, policy 200: memcg 0 anon 100 x 0/200 = 0, file 200 x 200/200 = 200;
 *                                   memcg 1 anon 100 x 200/200 = 100, file 200 x 0/200 = 0
 *   priority 2, rest 60:            memcg 0 anon 100 x 60/200 = 30, file 200 x 140/200 = 140
 *   priority 0, rest 0: memcg 0 does not swap, so no SCAN_EQUAL: SCAN_FRACT, anon 0, file
 *                       800; memcg 1 SCAN_EQUAL: anon 400, file 800
 * With one memcg the key is not read: one list of 800 anon pages at policy.swappiness 200
 * gives anon 800 >> 2 = 200, file 0. */
static void plan_memcg(unsigned m, int priority, struct shrink_plan *plan)
{
	struct scan_control sc = {
		.nr_to_reclaim = 32,
		.reclaim_idx = ZONE_NORMAL,
		.priority = priority,
		.is_kswapd = m == 0, /* kswapd's walk starts at memcg 0, direct reclaim's at the cursor */
		.may_writepage = true,
		.may_swap = true,
	};
	mm.reclaim->memcg_cursor = m;
	vmscan_plan(&mm, &sc, plan);
	CHECK_EQ(plan->memcg, m);
}

static void start_swappiness(bool split, unsigned rest)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, NORMAL_PAGES, 1024);
	cfg.machine.memcg.split_prefill = split;
	cfg.machine.memcg.rest_swappiness = rest;
	cfg.policy.swappiness = 200;
	cfg.devices.swap_pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	struct mm_request r1 = { .task = 1, .mode = REQ_SYNC, .alloc_class = -1 };
	for (uint64_t id = 1; id <= 400; id++)
		CHECK(mm_alloc_req(&mm, NULL, id, ANON_GFP, 0) != PFN_NONE);
	alloc_file(0, 401, 1200);
	for (uint64_t id = 1201; id <= 1600; id++)
		CHECK(mm_alloc_req(&mm, &r1, id, ANON_GFP, 0) != PFN_NONE);
	alloc_file(1, 1601, 2400);
	mm.vm_events[VM_WORKINGSET_ACTIVATE_FILE]++;
}

static void test_memcg_swappiness(void)
{
	struct shrink_plan plan;
	start_swappiness(true, 0);
	CHECK_EQ(mm.lruvecs[0]->nr_pages[LRU_INACTIVE_ANON], 400);
	CHECK_EQ(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE], 800);
	CHECK_EQ(vmscan_memcg_swappiness(&mm, 0), 0);
	CHECK_EQ(vmscan_memcg_swappiness(&mm, 1), 200);
	plan_memcg(0, 2, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 0);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 200);
	plan_memcg(1, 2, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 100);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 0);
	plan_memcg(0, 0, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 0);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 800);
	plan_memcg(1, 0, &plan);
	CHECK_EQ(plan.balance, SCAN_EQUAL);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 400);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 800);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);

	start_swappiness(true, 60);
	plan_memcg(0, 2, &plan);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 30);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 140);
	mmtest_mm_destroy(&mm);

	start_swappiness(false, 0);
	CHECK_EQ(vmscan_memcg_swappiness(&mm, 0), 200);
	plan_memcg(0, 2, &plan);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 200); /* one list of 800 anon: 800 >> 2 */
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 0);
	mmtest_mm_destroy(&mm);
}

/* Randomized: tasks 0..3 allocate file and anon pages (some order 1), free, access and
 * dirty them on a machine with swap, under pressure, as engine actors, so kswapd, direct
 * reclaim, writeback, swap and compaction all run; every invariant holds throughout. */
static void test_random_pressure(void)
{
	uint64_t seed = tl_test_seed();
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 256);
	cfg.machine.memcg.split_prefill = true;
	cfg.devices.swap_pages = 512;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	uint64_t x = seed | 1;
	uint64_t next_id = 1;
	bool ok = true;
	for (int i = 0; i < 12000 && ok; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint32_t task = (uint32_t)(x % 4);
		unsigned op = (unsigned)((x >> 8) % 10);
		uint64_t victim = next_id > 1 ? 1 + (x >> 16) % (next_id - 1) : 0;
		if (op < 6 || !victim) {
			gfp_t gfp = (x >> 40) & 1 ? ANON_GFP : FILE_GFP;
			unsigned order = (x >> 41) % 8 == 0;
			mmtest_alloc_actor(&mm, task, next_id++, gfp | (order ? __GFP_COMP : 0), order, NULL);
		} else if (op < 8) {
			mm_free(&mm, victim);
		} else if (op < 9) {
			struct mm_request req = { .task = task, .mode = REQ_SYNC, .alloc_class = -1 };
			mm_access_req(&mm, &req, victim);
		} else {
			mm_dirty(&mm, victim);
		}
		mmtest_run_until(&mm, mm.engine->now_ns + 20000);
		if (i % 500 == 0) {
			ok = check_ok();
			CHECK(ok);
		}
	}
	CHECK(check_ok());
	CHECK(mm.vm_events[VM_PGSTEAL_KSWAPD] + mm.vm_events[VM_PGSTEAL_DIRECT] > 0);
	CHECK(mm.lruvecs[0]->nr_pages[LRU_INACTIVE_FILE] + mm.lruvecs[0]->nr_pages[LRU_ACTIVE_FILE] > 0);
	CHECK(mm.lruvecs[1]->nr_pages[LRU_INACTIVE_FILE] + mm.lruvecs[1]->nr_pages[LRU_ACTIVE_FILE] > 0);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_charge);
	RUN(test_kswapd_proportional);
	RUN(test_kswapd_goal_per_lruvec);
	RUN(test_direct_cursor);
	RUN(test_migrate_keeps_memcg);
	RUN(test_check_catches);
	RUN(test_refault_memcg);
	RUN(test_swapin_keeps_owner);
	RUN(test_memcg_swappiness);
	RUN(test_random_pressure);
	return TEST_END();
}
