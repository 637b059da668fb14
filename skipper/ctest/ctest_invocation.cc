#include "skipper/ctest/ctest_invocation.h"

#include <filesystem>
#include <set>

namespace itr::skipper::ctest {

namespace {

std::string Absolute(const std::string& path, const std::string& base) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(base) / p;
  return p.lexically_normal().string();
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

CtestInvocation ParseCtestArgs(const std::vector<std::string>& args,
                               const std::string& cwd) {
  // Modes that list, submit or script instead of running the tests once.
  static const std::set<std::string> kModes = {"-N",
                                               "--show-only",
                                               "-S",
                                               "-SP",
                                               "-SR",
                                               "-D",
                                               "--dashboard",
                                               "-T",
                                               "-M",
                                               "--test-model",
                                               "--build-and-test",
                                               "--help",
                                               "-h",
                                               "-H",
                                               "--version",
                                               "-version",
                                               "--help-full",
                                               "--print-labels"};
  CtestInvocation invocation;
  std::string test_dir = cwd;
  std::string junit;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg.substr(0, arg.find('='));
    if (kModes.count(name) > 0 || StartsWith(arg, "--show-only")) {
      invocation.passthrough_reason = arg;
    }
    if (arg == "--test-dir" || arg == "--output-junit") {
      if (i + 1 >= args.size()) {
        invocation.passthrough_reason = arg + " without a value";
        invocation.args.push_back(arg);
        continue;
      }
      (arg == "--test-dir" ? test_dir : junit) = args[++i];
      continue;
    }
    if (StartsWith(arg, "--test-dir=")) {
      test_dir = arg.substr(11);
      continue;
    }
    if (StartsWith(arg, "--output-junit=")) {
      junit = arg.substr(15);
      continue;
    }
    invocation.args.push_back(arg);
  }
  invocation.test_dir = Absolute(test_dir, cwd);
  if (!junit.empty())
    invocation.junit_path = Absolute(junit, invocation.test_dir);
  return invocation;
}

}  // namespace itr::skipper::ctest
