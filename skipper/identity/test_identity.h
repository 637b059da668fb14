// Who a test is, stably across runs and rebuilds, and under which
// configuration its record is valid.
#ifndef ITR_SKIPPER_IDENTITY_TEST_IDENTITY_H_
#define ITR_SKIPPER_IDENTITY_TEST_IDENTITY_H_

#include <map>
#include <string>

namespace itr::skipper {

struct TestIdentity {
  std::string module;       // the test binary's file name ("calc_tests")
  std::string suite;        // "Inst/Suite" or "Suite/0" for TEST_P/TYPED_TEST
  std::string name;         // "Case/2" for TEST_P instances
  std::string parameters;   // readable GetParam()/type name, informational
  std::string source_file;  // repo-relative file declaring the test, if known

  // "Suite.Name": the key records are stored under within a module.
  std::string Key() const { return suite + "." + name; }
};

// The records of a test are only reused under the same configuration: the
// same OS, architecture, compiler and version, and user custom entries.
struct TestConfiguration {
  std::string os;
  std::string architecture;
  std::string compiler;  // e.g. "clang 14.0.6"
  std::map<std::string, std::string> custom;

  std::string Key() const;
  // `compiler` comes from the adapter's TU (__VERSION__ of the test build).
  static TestConfiguration Current(
      const std::string& compiler,
      const std::map<std::string, std::string>& custom);
};

// File name of the running executable (/proc/self/exe).
std::string CurrentModuleName();

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_IDENTITY_TEST_IDENTITY_H_
