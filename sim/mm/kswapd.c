/* kswapd.c — the per-node reclaim daemon (model.md §4.2, boost §3.5) as an engine state
 * machine:
 *
 *   SLEEPING --wakeup_kswapd (unbalanced or boosted, failures < 16)--> RUNNING
 *   RUNNING  --one batch per event: SWAP_CLUSTER_MAX pages per list of the current
 *              balance_pgdat round, next event after the batch's simulated cost-->
 *   RUNNING  --balanced (or priority exhausted)--> kswapd_try_to_sleep at the sleep order
 *              (the order the run fell to; if it did not fall, the largest order asked
 *              for since the run began, 0 if none — kswapd() in 6.18):
 *              ready (balanced for it, or node unreclaimable) -> NAPPING
 *              for HZ/10; not ready -> kswapd_high_wmark_hit_quickly, balance again
 *   NAPPING  --woken (only when unbalanced)--> kswapd_low_wmark_hit_quickly, RUNNING for
 *              at least the sleep order
 *   NAPPING  --nap over, still ready--> SLEEPING; not ready -> high_wmark_hit_quickly
 *
 * balance_pgdat: pageoutrun per run; priority 12 down to 1; each round stops early when
 * the node is balanced (pgdat_balanced: any zone <= highest_zoneidx passes
 * zone_watermark_ok(order, high incl. boost, highest_zoneidx, flags 0) — flags 0 means free
 * CMA pages do NOT count, the mainline-CMA effect of model.md §3.4); nr_to_reclaim is
 * Σ max(high, 32) over eligible zones; the priority drops unless the round scanned that
 * much, and always after a round that reclaimed nothing; a round at a reclaim/compaction
 * order is as many passes over the node as should_continue_reclaim asks for; order falls
 * to 0 once compact_gap(order) = 2 << order pages were reclaimed.  Boost (§3.5): the run starts with
 * nr_boost_reclaim = Σ boosts; while boosting, no writeback and no swap and the priority
 * stops at DEF_PRIORITY − 2; an unbalanced node drops the boost goal and restarts; a
 * boosted round that reclaims nothing ends the run; at the end each zone's boost is
 * reduced by what it was at the start.  A run through every priority that reclaimed
 * nothing while some round trimmed the page cache alone and failed starts over once with
 * cache trimming off (6.8+).  A run that leaves its priority loop having reclaimed nothing
 * counts a kswapd_failure (one that finds the node balanced at the top of the loop does
 * not); 16 make the node unreclaimable until some reclaim succeeds.  Rounds
 * that met PG_reclaim pages under writeback (nr_immediate) throttle kswapd until more than
 * 32 pages' writes have completed (at most HZ/10); a batch whose write found the device's queue full makes
 * kswapd wait for a request tag before the round's next batch (the round goes on).  kcompactd is woken at pageblock_order after a boosted
 * run and, when kswapd is ready to sleep, the skip bits of zones whose direct-compaction
 * scanners met are cleared and kcompactd is woken for the order the run was woken for
 * if it fell, else for the sleep order.  The wake of
 * kcompactd instead of kswapd for balanced nodes and non-blocking requests is not modelled
 * (the hook carries no gfp).
 */
#include "vmscan.h"

#include <string.h>

#include "../engine/engine.h"
#include "compaction.h"

const char *const kswapd_state_names[NR_KSWAPD_STATES] = { "sleeping", "running", "napping" };
_Static_assert(ARRAY_SIZE(kswapd_state_names) == NR_KSWAPD_STATES, "names");

#define KSWAPD_NAP_NS (100 * NSEC_PER_MSEC) /* HZ/10 */

bool kswapd_pgdat_balanced(struct mm *mm, unsigned order, unsigned highest_zoneidx)
{
	bool any = false;
	for (unsigned zi = 0; zi <= highest_zoneidx && zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		any = true;
		if (zone_watermark_ok(z, order, zone_wmark(z, WMARK_HIGH), (enum zone_type)highest_zoneidx, 0,
				      z->nr_free_pages))
			return true;
	}
	return !any; /* no eligible zone: nothing to balance */
}

static bool pgdat_watermark_boosted(const struct mm *mm, unsigned highest_zoneidx)
{
	for (unsigned zi = 0; zi <= highest_zoneidx && zi < MAX_NR_ZONES; zi++)
		if (mm->zones[zi].watermark_boost)
			return true;
	return false;
}

static unsigned highest_populated(const struct mm *mm)
{
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--)
		if (zone_populated(&mm->zones[zi]))
			return (unsigned)zi;
	return 0;
}

static void schedule_slice(struct mm *mm, sim_ns_t delay_ns)
{
	engine_schedule(mm->engine, mm->engine->now_ns + delay_ns, mm->reclaim->kswapd.handler, 0);
}

/* set_reclaim_active / clear_reclaim_active (6.12): the zones balance_pgdat works on keep
 * their per-cpu lists short meanwhile (pcp.c nr_pcp_high, ZONE_RECLAIM_ACTIVE). */
static void set_reclaim_active(struct mm *mm, bool on)
{
	unsigned hi = mm->reclaim->kswapd.highest_zoneidx;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++)
		mm->zones[zi].reclaim_active = on && zi <= hi && zone_populated(&mm->zones[zi]);
}

static void start_balance(struct mm *mm)
{
	struct kswapd *k = &mm->reclaim->kswapd;
	k->order = k->alloc_order = k->req_order;
	if (k->req_highest != MAX_NR_ZONES)
		k->highest_zoneidx = k->req_highest;
	k->req_order = 0;
	k->req_highest = MAX_NR_ZONES;
	count_vm_event(mm, VM_PAGEOUTRUN);
	k->nr_boost_reclaim = 0;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		k->zone_boosts[zi] = zi <= k->highest_zoneidx ? mm->zones[zi].watermark_boost : 0;
		k->nr_boost_reclaim += k->zone_boosts[zi];
	}
	k->priority = DEF_PRIORITY;
	k->nr_reclaimed = 0;
	k->cache_trim_mode_failed = k->no_cache_trim_mode = false;
	k->plan.active = false;
	k->state = KSWAPD_RUNNING;
	set_reclaim_active(mm, true);
}

static bool ready_to_sleep(struct mm *mm, unsigned order)
{
	struct kswapd *k = &mm->reclaim->kswapd;
	return k->failures >= MAX_KSWAPD_FAILURES || kswapd_pgdat_balanced(mm, order, k->highest_zoneidx);
}

static void go_to_sleep(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	rs->kswapd.state = KSWAPD_SLEEPING;
	rs->pgdat_dirty = rs->pgdat_writeback = rs->node_congested = false; /* clear_pgdat_congested */
}

/* End of balance_pgdat, then kswapd_try_to_sleep. Returns the delay before the next
 * event (the nap) or 0.  balanced: the run found the node balanced at the top of its loop
 * (balance_pgdat's `goto out`, 6.12), which counts no kswapd_failure even when nothing was
 * reclaimed; leaving the loop any other way with nothing reclaimed counts one. */
static void finish_balance(struct mm *mm, sim_ns_t cost_ns, bool balanced)
{
	struct reclaim_state *rs = mm->reclaim;
	struct kswapd *k = &rs->kswapd;
	k->plan.active = false;
	set_reclaim_active(mm, false);
	vmscan_snapshot_refaults(mm); /* balance_pgdat's end */
	if (!k->nr_reclaimed && !balanced)
		k->failures++;
	bool boosted = false;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &mm->zones[zi];
		if (k->zone_boosts[zi]) {
			z->watermark_boost -= MIN(z->watermark_boost, k->zone_boosts[zi]);
			boosted = true;
		}
	}
	if (boosted) /* defragment what the boost was raised for */
		wakeup_kcompactd(mm, (int)mm->pageblock_order, (enum zone_type)k->highest_zoneidx);
	/* As kswapd() in 6.18 after balance_pgdat: a run whose order fell to 0 tries to sleep
	 * at that order and has kcompactd compact for the order it was woken for; otherwise
	 * the loop starts over, and both orders are what the wakers asked for since the run
	 * began (pgdat->kswapd_order, 0 if nobody did), the zone index too when one was asked
	 * for. */
	unsigned wake_order;
	if (k->order < k->alloc_order) {
		k->sleep_order = k->order;
		wake_order = k->alloc_order;
	} else {
		k->sleep_order = wake_order = k->req_order;
		if (k->req_highest != MAX_NR_ZONES)
			k->highest_zoneidx = k->req_highest;
	}
	if (!ready_to_sleep(mm, k->sleep_order)) {
		count_vm_event(mm, VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
		start_balance(mm);
		schedule_slice(mm, cost_ns);
		return;
	}
	rs->pgdat_dirty = rs->pgdat_writeback = rs->node_congested = false;
	/* As kswapd_try_to_sleep() in 6.12 once prepare_kswapd_sleep() passes: memory was
	 * freed, so compaction may now succeed in the pageblocks its scanners marked skip;
	 * reset_isolation_suitable() clears them in zones where a direct compaction's
	 * scanners met, then kcompactd is woken for the request's order. */
	compaction_kswapd_reset_skip(mm);
	if (wake_order)
		wakeup_kcompactd(mm, (int)wake_order, (enum zone_type)k->highest_zoneidx);
	k->state = KSWAPD_NAPPING;
	k->nap_gen++;
	engine_schedule(mm->engine, mm->engine->now_ns + cost_ns + KSWAPD_NAP_NS, k->handler, (k->nap_gen << 1) | 1);
}

static void begin_round(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	struct kswapd *k = &rs->kswapd;
	struct scan_control *sc = &k->sc;
	*sc = (struct scan_control){
		.reclaim_idx = (enum zone_type)k->highest_zoneidx,
		.priority = k->priority,
		.order = k->order,
		.is_kswapd = true,
		.may_writepage = !k->nr_boost_reclaim,
		.may_swap = !k->nr_boost_reclaim,
		.no_cache_trim_mode = k->no_cache_trim_mode,
	};
	vmscan_set_eligible(mm, sc);
	k->raise_priority = true;
	if (k->nr_boost_reclaim && k->priority == DEF_PRIORITY - 2)
		k->raise_priority = false;
	/* kswapd_age_node (6.12): keep the anon inactive list from running dry; judged on the
	 * node totals, then SWAP_CLUSTER_MAX from every memcg's active anon list.  Whenever
	 * there is swap at all (can_age_anon_pages: total_swap_pages > 0, 6.18), boosted rounds
	 * included: may_swap only keeps their reclaim off the anon lists. */
	if (rs->swap_pages > 0 && vmscan_inactive_is_low(mm, false))
		for (unsigned m = 0; m < mm->nr_memcgs; m++)
			vmscan_shrink_active(mm, sc, mm->lruvecs[m], LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
	for (unsigned zi = 0; zi <= k->highest_zoneidx && zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &mm->zones[zi];
		if (zone_populated(z))
			sc->nr_to_reclaim += MAX(zone_wmark(z, WMARK_HIGH), (uint64_t)SWAP_CLUSTER_MAX);
	}
	k->round_reclaimed0 = 0;
	vmscan_plan(mm, sc, &k->plan);
}

/* How long kswapd, its batch having cost cost_ns, sleeps for a request tag of dev, whose
 * queue a write of the batch found full: until the write that brings the queue below its
 * depth has ended, at most HZ/10. */
static sim_ns_t write_slot_wait(const struct mm *mm, const struct wb_device *dev, sim_ns_t cost_ns)
{
	if (!writeback_queue_full(dev))
		return 0;
	sim_ns_t now = mm->engine->now_ns;
	sim_ns_t done = dev->q[(dev->head + dev->len - dev->depth) % dev->cap].done_ns;
	return done > now + cost_ns ? MIN(KSWAPD_NAP_NS, done - now - cost_ns) : 0;
}

/* should_continue_reclaim (6.18), asked by shrink_node after each pass over the node: for a
 * reclaim/compaction order (order > PAGE_ALLOC_COSTLY_ORDER, or any order once the priority
 * is below DEF_PRIORITY - 2) whose pass reclaimed something, shrink_node scans the node
 * again at the same priority while no eligible zone could take the allocation at its min
 * watermark nor is suitable for compaction, and the inactive lists (anon only with swap
 * free) hold more than compact_gap(order) = 2 << order pages.  kswapd's round (one
 * kswapd_shrink_node) is then several passes: its scanned total weighs against
 * nr_to_reclaim, and the order falls to 0 only after the round.  "Suitable" is 6.18's
 * compaction_suitable at the watermark this caller passes, min (compaction_suitable_at):
 * order-0 free (free CMA counted, ALLOC_CMA) above min + compact_gap(order) + the lowmem
 * reserve, and for a costly order a fragmentation index above extfrag_threshold (or -1000). */
static bool should_continue_reclaim(struct mm *mm, const struct scan_control *sc, uint64_t pass_reclaimed)
{
	if (!sc->order || (sc->order <= PAGE_ALLOC_COSTLY_ORDER && sc->priority >= DEF_PRIORITY - 2))
		return false; /* not in_reclaim_compaction */
	if (!pass_reclaimed)
		return false;
	for (unsigned zi = 0; zi <= (unsigned)sc->reclaim_idx && zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		if (zone_watermark_ok(z, sc->order, zone_wmark(z, WMARK_MIN), sc->reclaim_idx, 0, z->nr_free_pages))
			return false;
		if (compaction_suitable_at(mm, z, (int)sc->order, WMARK_MIN, sc->reclaim_idx, ALLOC_CMA))
			return false;
	}
	const struct lruvec *v = &mm->lruvec;
	uint64_t inactive = v->nr_pages[LRU_INACTIVE_FILE];
	if (vmscan_can_swap(mm))
		inactive += v->nr_pages[LRU_INACTIVE_ANON];
	return inactive > (2ull << sc->order);
}

/* One engine event of kswapd's work. */
static void kswapd_slice(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	struct kswapd *k = &rs->kswapd;
	struct scan_control *sc = &k->sc;
	/* The slice's work starts here; a new round's scan_control starts from zero
	 * (begin_round), its anon ageing counted in this slice. */
	struct vmscan_work w0;
	vmscan_work_mark(mm, k->plan.active ? sc : NULL, &w0);

	if (!k->plan.active) {
		/* Top of balance_pgdat's loop. */
		bool balanced = kswapd_pgdat_balanced(mm, k->order, k->highest_zoneidx);
		if (!balanced && k->nr_boost_reclaim) {
			k->nr_boost_reclaim = 0; /* imbalanced: ignore boosting, restart */
			k->priority = DEF_PRIORITY;
		}
		if (!k->nr_boost_reclaim && balanced) {
			finish_balance(mm, 0, true);
			return;
		}
		begin_round(mm);
	}
	bool more = vmscan_plan_step(mm, sc, &k->plan);
	sim_ns_t cost = vmscan_work_cost_since(mm, sc, &w0);
	k->busy_ns += cost;
	k->nr_slices++;
	if (more) {
		/* A full device queue: kswapd sleeps for a tag and then goes on with the same
		 * round (submit_bio in shrink_folio_list, 6.18; vmscan.c lruvec_done). */
		sim_ns_t wait = 0;
		if (sc->write_blocked) {
			wait = write_slot_wait(mm, sc->write_blocked, cost);
			sc->write_blocked = NULL;
		}
		schedule_slice(mm, cost + wait);
		return;
	}

	/* End of one pass over the node (shrink_node's body). */
	vmscan_finish_node(mm, sc, &k->plan);
	sim_ns_t delay = cost;
	if (sc->write_blocked) {
		/* The pass's last batch found a full queue: the tag first. */
		delay += write_slot_wait(mm, sc->write_blocked, cost);
		sc->write_blocked = NULL;
	} else if (sc->nr.nr_immediate) {
		/* shrink_node (6.18): reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK), kswapd the one
		 * sleeper in global reclaim: until more than SWAP_CLUSTER_MAX pages' writeback
		 * has ended, at most HZ/10. */
		delay += writeback_throttle_wait_ns(mm, mm->engine->now_ns + cost, SWAP_CLUSTER_MAX, KSWAPD_NAP_NS);
	}
	if (should_continue_reclaim(mm, sc, sc->nr_reclaimed - k->round_reclaimed0)) {
		/* shrink_node's `goto again`: a fresh pass (its per-pass counts from zero, the
		 * scan control prepared again), the round's totals going on. */
		k->round_reclaimed0 = sc->nr_reclaimed;
		memset(&sc->nr, 0, sizeof(sc->nr));
		vmscan_plan(mm, sc, &k->plan);
		schedule_slice(mm, delay);
		return;
	}

	/* End of the round (kswapd_shrink_node returned). */
	k->nr_reclaimed += sc->nr_reclaimed;
	k->cache_trim_mode_failed |= sc->cache_trim_mode_failed;
	if (k->order && k->nr_reclaimed >= (2ull << k->order))
		k->order = 0; /* let kcompactd finish the high-order job */
	if (sc->nr_scanned >= sc->nr_to_reclaim)
		k->raise_priority = false;
	k->nr_boost_reclaim -= MIN(k->nr_boost_reclaim, sc->nr_reclaimed);
	if (k->nr_boost_reclaim && !sc->nr_reclaimed) {
		finish_balance(mm, cost, false);
		return;
	}
	if (k->raise_priority || !sc->nr_reclaimed)
		k->priority--;
	if (k->priority < 1) {
		/* balance_pgdat (6.8+): a run that went through every priority with nothing
		 * reclaimed while trimming the page cache alone failed starts over once with
		 * cache trimming off, so anon is weighed against file before kswapd gives up. */
		if (!k->nr_reclaimed && k->cache_trim_mode_failed && !k->no_cache_trim_mode) {
			k->no_cache_trim_mode = true;
			k->priority = DEF_PRIORITY;
			schedule_slice(mm, cost);
			return;
		}
		finish_balance(mm, cost, false);
		return;
	}
	schedule_slice(mm, delay);
}

static void kswapd_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	struct mm *mm = ctx;
	struct kswapd *k = &mm->reclaim->kswapd;
	(void)now_ns;
	if (!(arg & 1)) {
		if (k->state == KSWAPD_RUNNING)
			kswapd_slice(mm);
		return;
	}
	/* Nap over. */
	if (k->state != KSWAPD_NAPPING || (arg >> 1) != k->nap_gen)
		return; /* stale: woken during the nap */
	if (ready_to_sleep(mm, k->sleep_order)) {
		go_to_sleep(mm);
		return;
	}
	count_vm_event(mm, VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	start_balance(mm);
	schedule_slice(mm, 0);
}

/* wakeup_kswapd (model.md §4.2). */
void kswapd_wakeup(struct mm *mm, unsigned order, enum zone_type highest_zoneidx)
{
	struct kswapd *k = &mm->reclaim->kswapd;
	if (!zone_populated(&mm->zones[highest_zoneidx])) {
		/* The caller's preferred zone: use the highest populated one below it. */
		int zi = (int)highest_zoneidx;
		while (zi > 0 && !zone_populated(&mm->zones[zi]))
			zi--;
		highest_zoneidx = (enum zone_type)zi;
	}
	k->req_order = MAX(k->req_order, order);
	k->req_highest = k->req_highest == MAX_NR_ZONES ? (unsigned)highest_zoneidx
						       : MAX(k->req_highest, (unsigned)highest_zoneidx);
	if (k->state == KSWAPD_RUNNING)
		return; /* not on the wait queue */
	if (k->failures >= MAX_KSWAPD_FAILURES ||
	    (kswapd_pgdat_balanced(mm, order, highest_zoneidx) && !pgdat_watermark_boosted(mm, highest_zoneidx)))
		return;
	count_vm_event(mm, VM_MMSIM_KSWAPD_WAKEUPS);
	if (k->state == KSWAPD_NAPPING) {
		/* kswapd_try_to_sleep woken early: the next run is for at least the order it
		 * tried to sleep at */
		count_vm_event(mm, VM_KSWAPD_LOW_WMARK_HIT_QUICKLY);
		k->req_order = MAX(k->req_order, k->sleep_order);
		k->nap_gen++;
	}
	start_balance(mm);
	schedule_slice(mm, 0);
}

int kswapd_init(struct mm *mm, struct sim_error *err)
{
	struct kswapd *k = &mm->reclaim->kswapd;
	memset(k, 0, sizeof(*k));
	k->state = KSWAPD_SLEEPING;
	k->req_highest = MAX_NR_ZONES;
	k->highest_zoneidx = highest_populated(mm);
	if (mm->engine->nr_handlers + 1 > ENGINE_MAX_HANDLERS)
		return sim_error_set(err, EX_SOFTWARE_, "engine: no handler slot for kswapd");
	k->handler = engine_register(mm->engine, "kswapd", kswapd_event, mm);
	return 0;
}
