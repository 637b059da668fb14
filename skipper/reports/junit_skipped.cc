#include "skipper/reports/junit_skipped.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace itr::skipper {

namespace {

// Adds `delta` to the integer attribute `name` of the tag starting at
// `tag_begin`, or appends the attribute when the tag lacks it.
void AddToAttribute(std::string& xml, size_t tag_begin, const std::string& name,
                    long delta) {
  size_t tag_end = xml.find('>', tag_begin);
  std::string key = " " + name + "=\"";
  size_t at = xml.find(key, tag_begin);
  if (at == std::string::npos || at > tag_end) {
    size_t insert = xml[tag_end - 1] == '/' ? tag_end - 1 : tag_end;
    xml.insert(insert, key + std::to_string(delta) + "\"");
    return;
  }
  size_t value_begin = at + key.size();
  size_t value_end = xml.find('"', value_begin);
  long value =
      std::strtol(xml.substr(value_begin, value_end).c_str(), nullptr, 10);
  xml.replace(value_begin, value_end - value_begin,
              std::to_string(value + delta));
}

}  // namespace

std::string XmlAttributeEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool AddSkippedToJunit(const std::string& path,
                       const std::vector<JunitSkippedCase>& cases) {
  std::string xml;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream buffer;
    buffer << in.rdbuf();
    xml = buffer.str();
  }
  size_t suite = xml.rfind("<testsuite ");
  size_t suite_end = xml.rfind("</testsuite>");
  if (suite == std::string::npos || suite_end == std::string::npos ||
      suite_end < suite) {
    return false;
  }
  std::string entries;
  for (const JunitSkippedCase& c : cases) {
    entries += "    <testcase classname=\"" + XmlAttributeEscape(c.classname) +
               "\" name=\"" + XmlAttributeEscape(c.name) +
               "\" time=\"0\" status=\"notrun\">\n      <skipped message=\"" +
               XmlAttributeEscape(c.message) + "\"/>\n    </testcase>\n";
  }
  // Before the suite's <system-out> (JUnit's order), at a line start.
  size_t insert = xml.find("<system-out", suite);
  if (insert == std::string::npos || insert > suite_end) insert = suite_end;
  size_t line_start = xml.rfind('\n', insert);
  if (line_start != std::string::npos && line_start > suite &&
      xml.find_first_not_of(" \t", line_start + 1) == insert) {
    insert = line_start + 1;
  }
  xml.insert(insert, entries);
  long added = static_cast<long>(cases.size());
  AddToAttribute(xml, suite, "skipped", added);
  AddToAttribute(xml, suite, "tests", added);
  size_t suites = xml.find("<testsuites");
  if (suites != std::string::npos && suites < suite) {
    size_t name_end = suites + std::string("<testsuites").size();
    if (xml[name_end] == ' ') AddToAttribute(xml, suites, "tests", added);
  }
  std::string temporary = path + ".itr-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!(out << xml)) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

namespace {

struct DeferredReport {
  std::string path;
  std::vector<JunitSkippedCase> cases;
};
DeferredReport* g_deferred = nullptr;  // lives until the process ends

}  // namespace

void DeferJunitSkipped(std::string path, std::vector<JunitSkippedCase> cases) {
  delete g_deferred;
  g_deferred = new DeferredReport{std::move(path), std::move(cases)};
}

void AddDeferredJunitSkipped() {
  if (g_deferred == nullptr) return;
  if (!AddSkippedToJunit(g_deferred->path, g_deferred->cases)) {
    fprintf(stderr, "itr: warning: could not add the skipped tests to %s\n",
            g_deferred->path.c_str());
  }
}

}  // namespace itr::skipper
