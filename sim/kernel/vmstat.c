#include "vmstat_items.h"

#include "../common.h"

const char *const vm_event_names[NR_VM_EVENTS] = {
#define VM_X(e, name) name,
	VM_EVENT_ITEMS(VM_X)
#undef VM_X
};
_Static_assert(ARRAY_SIZE(vm_event_names) == NR_VM_EVENTS, "names");
