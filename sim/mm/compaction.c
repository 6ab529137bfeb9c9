/* compaction.c — compaction, migration and kcompactd (issue 4). Until that lands a
 * compaction request does nothing. */
#include "mm.h"

int compaction_init(struct mm *mm, struct sim_error *err) { (void)mm; (void)err; return 0; }
void compaction_destroy(struct mm *mm) { (void)mm; }
void mm_compact_request(struct mm *mm, int zone, int order) { (void)mm; (void)zone; (void)order; }
