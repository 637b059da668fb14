// A hand-rolled "test runner" built by make: each test is bracketed with the
// runtime's per-test API and prints what it covered.
#include "calc.h"

#include <cstdio>

#include "itr/coverage.hpp"

int main(int argc, char**) {
  itr::ScopedTest test("Calc.Multiply");
  int product = Multiply(argc + 2, 4);
  itr::TestCoverage coverage = test.End();
  for (const auto& file : coverage.files) {
    if (!file.external) printf("covered %s\n", file.path.c_str());
  }
  return product == 12 && coverage.complete() ? 0 : 1;
}
