/* oom_stub.c — TEMPORARY (see oom_stub.h): no OOM killer yet, so no victims.  DELETE with
 * oom_stub.h when sim/mm/oom.c lands. */
#include "oom_stub.h"

const struct oom_victim *oom_victims(const struct mm *mm, size_t *nr)
{
	(void)mm;
	*nr = 0;
	return NULL;
}
