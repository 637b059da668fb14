#include "skipper/model/test_configuration.h"

#include <sys/utsname.h>

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

}  // namespace itr::skipper
