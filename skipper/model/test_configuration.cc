#include "skipper/model/test_configuration.h"

#include <sys/utsname.h>

#include <utility>

namespace itr::skipper {

namespace {

// '%', ';' and '=' (and control characters) as %XX: the key's separators
// never appear inside a part, so two configurations never share a key. A
// part without them reads as before (stores of schema 2 keep matching).
void AppendEscaped(std::string* key, const std::string& part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : part) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '%' || c == ';' || c == '=' || byte < 0x20 || byte == 0x7f) {
      key->push_back('%');
      key->push_back(kHex[byte >> 4]);
      key->push_back(kHex[byte & 0xf]);
    } else {
      key->push_back(c);
    }
  }
}

}  // namespace

std::string TestConfiguration::Key() const {
  std::string key;
  const std::pair<const char*, const std::string*> fixed[] = {
      {"os=", &os}, {";arch=", &architecture}, {";compiler=", &compiler}};
  for (const auto& [label, value] : fixed) {
    key += label;
    AppendEscaped(&key, *value);
  }
  for (const auto& [name, value] : custom) {
    key.push_back(';');
    AppendEscaped(&key, name);
    key.push_back('=');
    AppendEscaped(&key, value);
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
