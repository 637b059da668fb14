#include "skipper/identity/test_identity.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace itr::skipper {

std::string TestConfiguration::Key() const {
  std::string key =
      absl::StrCat("os=", os, ";arch=", architecture, ";compiler=", compiler);
  for (const auto& [name, value] : custom) {
    absl::StrAppend(&key, ";", name, "=", value);
  }
  return key;
}

TestConfiguration TestConfiguration::Current(
    const std::string& compiler,
    const std::map<std::string, std::string>& custom) {
  TestConfiguration c;
  struct utsname system {};
  if (uname(&system) == 0) {
    c.os = system.sysname;  // "Linux": stable, unlike the kernel release
    c.architecture = system.machine;
  }
  c.compiler = compiler;
  c.custom = custom;
  return c;
}

std::string CurrentModuleName() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0) return "unknown";
  std::string path(buffer, static_cast<size_t>(n));
  return path.substr(path.rfind('/') + 1);
}

}  // namespace itr::skipper
