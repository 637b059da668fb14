// What every check program shares: a near-equality check and the marker
// line each process appends to $CTEST_SUITE_MARKER (so a test harness can
// see which processes really started).
#ifndef GEOMETRY_CHECK_H_
#define GEOMETRY_CHECK_H_

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace geometry {

inline void MarkStarted(const char* program, const char* what) {
  if (const char* file = std::getenv("CTEST_SUITE_MARKER")) {
    if (FILE* out = std::fopen(file, "a")) {
      std::fprintf(out, "%s %s\n", program, what);
      std::fclose(out);
    }
  }
}

// Exits non-zero when `got` is not `want`: that is how CTest sees failure.
inline void Expect(const char* what, double got, double want) {
  if (std::fabs(got - want) > 1e-9 * (1 + std::fabs(want))) {
    std::fprintf(stderr, "FAILED %s: got %.12g, want %.12g\n", what, got, want);
    std::exit(1);
  }
  std::printf("ok %s\n", what);
}

// A check can be made to fail from outside: CTEST_SUITE_FAIL=<program>
// (exit 1), CTEST_SUITE_CRASH=<program> (abort).
inline void FailIfAsked(const char* program) {
  const char* crash = std::getenv("CTEST_SUITE_CRASH");
  if (crash != nullptr && std::string_view(crash) == program) std::abort();
  const char* fail = std::getenv("CTEST_SUITE_FAIL");
  if (fail != nullptr && std::string_view(fail) == program) {
    std::fprintf(stderr, "FAILED %s: asked to fail (CTEST_SUITE_FAIL)\n",
                 program);
    std::exit(1);
  }
}

}  // namespace geometry

#endif  // GEOMETRY_CHECK_H_
