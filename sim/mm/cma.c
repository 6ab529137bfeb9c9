/* cma.c — device contiguous allocations and the CMA policies (issue 5). Until that lands a
 * cma_alloc fails and is counted. */
#include "mm.h"

int cma_init(struct mm *mm, struct sim_error *err) { (void)mm; (void)err; return 0; }
void cma_destroy(struct mm *mm) { (void)mm; }

bool mm_cma_alloc(struct mm *mm, uint64_t id, uint64_t count, unsigned align_order)
{
	(void)id; (void)count; (void)align_order;
	count_vm_event(mm, VM_CMA_ALLOC_FAIL);
	return false;
}

bool mm_cma_release(struct mm *mm, uint64_t id) { (void)mm; (void)id; return false; }
