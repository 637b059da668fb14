// An instrumented program driven by process tests: a static initializer, a
// passing test, then a second test that behaves as argv[1] says:
//   pass | segv | abort | exit
// It reports through ITR_COVERAGE_EXPORT, as any instrumented binary does.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "covered_math.h"
#include "itr/coverage.h"

static int g_initialized = StaticInitWork();

int main(int argc, char** argv) {
  const char* second = argc > 1 ? argv[1] : "pass";
  volatile int input = argc;

  itr_test_begin("Suite.First");
  int a = CoveredF(input);
  itr_test_end();

  itr_test_begin("Suite.Second");
  int b = OtherH(input);
  if (strcmp(second, "segv") == 0) {
    volatile int* null_pointer = nullptr;
    *null_pointer = b;  // dies by SIGSEGV
  } else if (strcmp(second, "abort") == 0) {
    abort();
  } else if (strcmp(second, "exit") == 0) {
    exit(3);
  }
  itr_test_end();
  printf("mode=%s result=%d\n", itr_coverage_mode(), a + b + g_initialized);
  return 0;
}
