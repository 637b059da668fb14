// An executable that defines SanitizerCoverage's registration hooks itself
// (as another sanitizer runtime linked into a test binary may): the
// instrumented shared library's constructor calls these, not itr-cpp's, so
// the runtime must find that library's probes by itself (module discovery).
// Prints the files a test that called the library covered.
#include <cstdint>
#include <cstdio>

#include "itr/coverage.h"

extern "C" int SharedLibFunction(int x);

extern "C" {
void __sanitizer_cov_bool_flag_init(bool*, bool*) {}
void __sanitizer_cov_pcs_init(const uintptr_t*, const uintptr_t*) {}
}

int main() {
  volatile int input = 3;
  itr_test_begin("shadowed");
  int result = SharedLibFunction(input);
  const itr_test_coverage* coverage = itr_test_end();
  printf("status %d result %d%s%s\n", coverage->status, result,
         coverage->error ? " error " : "",
         coverage->error ? coverage->error : "");
  for (size_t i = 0; i < coverage->file_count; ++i) {
    printf("covered %s\n", coverage->files[i].path);
  }
  return 0;
}
