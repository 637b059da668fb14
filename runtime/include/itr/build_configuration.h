// itr/build_configuration.h — which build a test binary is, for the
// configuration its records are kept under. Header-only on purpose: it must
// be compiled into the test binary's own TU, so that it reports that TU's
// compiler and flags, not those of the library.
#ifndef ITR_BUILD_CONFIGURATION_H_
#define ITR_BUILD_CONFIGURATION_H_

#include <string>

#include "itr/coverage.h"

namespace itr {

// Compiler, version and build flavour of the calling TU: records made by a
// Release build are never reused by a Debug, ASan or TSan build.
ITR_NO_COVERAGE inline std::string BuildConfiguration() {
#if defined(__clang__)
  std::string c = "clang " __clang_version__;
#elif defined(__GNUC__)
  std::string c = "gcc " __VERSION__;
#else
  std::string c = "unknown";
#endif
#if defined(__OPTIMIZE__)
  c += " optimized";
#endif
#if defined(NDEBUG)
  c += " NDEBUG";
#endif
#if defined(__SANITIZE_ADDRESS__)
  c += " asan";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  c += " asan";
#endif
#endif
#if defined(__SANITIZE_THREAD__)
  c += " tsan";
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  c += " tsan";
#endif
#endif
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
  c += " msan";
#endif
#if __has_feature(undefined_behavior_sanitizer)
  c += " ubsan";
#endif
#endif
  return c;
}

}  // namespace itr

#endif  // ITR_BUILD_CONFIGURATION_H_
