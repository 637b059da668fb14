#include <cstdio>

#include "itr/coverage.hpp"

int ConsumerWork(int x);

int main(int argc, char**) {
  itr::ScopedTest test("Consumer.Test");
  int result = ConsumerWork(argc + 5);
  itr::TestCoverage coverage = test.End();
  for (const auto& file : coverage.files) {
    if (!file.external) printf("covered %s\n", file.path.c_str());
  }
  printf("mode=%s result=%d\n", itr_coverage_mode(), result);
  return coverage.complete() ? 0 : 1;
}
