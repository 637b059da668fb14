#include "skipper/ctest/junit_results.h"

#include <cstdlib>

namespace itr::skipper::ctest {

namespace {

std::string Unescape(const std::string& text) {
  static const std::pair<const char*, char> kEntities[] = {{"&amp;", '&'},
                                                           {"&lt;", '<'},
                                                           {"&gt;", '>'},
                                                           {"&quot;", '"'},
                                                           {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        std::string e(entity);
        if (text.compare(i, e.size(), e) == 0) {
          out.push_back(c);
          i += e.size();
          replaced = true;
          break;
        }
      }
      if (!replaced && text.compare(i, 2, "&#") == 0) {
        size_t end = text.find(';', i);
        if (end != std::string::npos) {
          bool hex = text[i + 2] == 'x';
          long code =
              strtol(text.c_str() + i + (hex ? 3 : 2), nullptr, hex ? 16 : 10);
          if (code > 0 && code < 0x80) {
            out.push_back(static_cast<char>(code));
            i = end + 1;
            replaced = true;
          }
        }
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  return out;
}

// The value of attribute `name` inside one start tag, or "".
std::string Attribute(const std::string& tag, const std::string& name) {
  std::string key = " " + name + "=\"";
  size_t at = tag.find(key);
  if (at == std::string::npos) {
    key = "\t" + name + "=\"";
    at = tag.find(key);
  }
  if (at == std::string::npos) return "";
  at += key.size();
  size_t end = tag.find('"', at);
  return Unescape(tag.substr(at, end == std::string::npos ? end : end - at));
}

}  // namespace

absl::StatusOr<std::map<std::string, CtestResult>> ParseJunit(
    const std::string& xml) {
  if (xml.find("<testsuite") == std::string::npos) {
    return absl::InvalidArgumentError("not a JUnit report");
  }
  std::map<std::string, CtestResult> results;
  for (size_t at = xml.find("<testcase"); at != std::string::npos;
       at = xml.find("<testcase", at + 1)) {
    // Attribute values are escaped, so the first '>' ends the tag.
    size_t end = xml.find('>', at);
    if (end == std::string::npos) break;
    std::string tag = xml.substr(at, end - at);
    CtestResult result;
    result.status = Attribute(tag, "status");
    result.seconds = atof(Attribute(tag, "time").c_str());
    // Two tests of one name (CTest allows it in different directories):
    // a failure wins over a pass.
    auto [it, inserted] = results.emplace(Attribute(tag, "name"), result);
    if (!inserted && it->second.passed()) it->second = result;
  }
  return results;
}

}  // namespace itr::skipper::ctest
