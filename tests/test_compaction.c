#include "mm/compaction.h"
#include "mmtest.h"
#include "testlib.h"
int main(int argc, char **argv) { TEST_INIT(argc, argv); return TEST_END(); }
