// Links the runtime without any coverage flag: it must run normally and
// report coverage as unavailable.
#include <cstdio>

#include "itr/coverage.h"

int main() {
  itr_test_begin("Plain.Test");
  const itr_test_coverage* coverage = itr_test_end();
  printf("state=%d status=%d files=%zu mode=%s\n", itr_coverage_state(),
         coverage->status, coverage->file_count, itr_coverage_mode());
  return 0;
}
