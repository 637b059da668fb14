// Under which configuration a test's record is valid: records are only
// reused under the same OS, architecture, compiler, build flavour and user
// custom entries (DD_TAGS test.configuration.*).
#ifndef ITR_SKIPPER_MODEL_TEST_CONFIGURATION_H_
#define ITR_SKIPPER_MODEL_TEST_CONFIGURATION_H_

#include <map>
#include <string>

namespace itr::skipper {

struct TestConfiguration {
  std::string os;
  std::string architecture;
  // itr::BuildConfiguration() of the test binary: compiler, version and
  // build flavour, e.g. "clang 14.0.6 optimized NDEBUG".
  std::string compiler;
  std::map<std::string, std::string> custom;

  // The store's key for this configuration:
  // "os=<os>;arch=<arch>;compiler=<compiler>[;<name>=<value>]..." with '%',
  // ';', '=' and control characters of each part written %XX, so that
  // different configurations never share a key (schema 3; see
  // sqlite_store.cc for the keys of older stores).
  std::string Key() const;
  // This machine's OS and architecture with the given build and entries.
  static TestConfiguration Current(
      const std::string& compiler,
      const std::map<std::string, std::string>& custom);
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_TEST_CONFIGURATION_H_
