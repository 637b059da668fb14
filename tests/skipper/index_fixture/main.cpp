#include <cstdio>

#include "fixture.h"

namespace fixture {
const int* AfterBegin();
}

int main(int argc, char**) {
  using namespace fixture;
  if (argc > 1) UseCLocale();
  int sum = ClampCount(argc) + Scale(argc) + FooLevel() + FoldedLimit() +
            static_cast<int>(Join("a", "b").size()) + Weight(argc) +
            Based(argc) + static_cast<int>(RegistryName().size()) +
            Alpha(argc) + Beta(argc) + SafeParse("bad") +
            static_cast<int>(TableEnd() - TableBegin()) + *AfterBegin() +
            Quiet(argc);
  std::printf("%d\n", sum);
  return 0;
}
