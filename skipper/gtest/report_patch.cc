#include "report_patch.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"

namespace itr::gtest {

namespace {

std::string XmlEscape(const std::string& text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&apos;"}});
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::string temp = path + ".itr-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!(out << text)) return false;
  }
  return rename(temp.c_str(), path.c_str()) == 0;
}

// Adds `delta` to the integer attribute `name` of the start tag at `tag`.
bool AddToAttribute(std::string* xml, size_t tag, const std::string& name,
                    int delta) {
  size_t end = xml->find('>', tag);
  std::string key = " " + name + "=\"";
  size_t at = xml->find(key, tag);
  if (at == std::string::npos || at > end) return false;
  size_t begin = at + key.size();
  size_t close = xml->find('"', begin);
  int value = std::atoi(xml->substr(begin, close - begin).c_str());
  xml->replace(begin, close - begin, std::to_string(value + delta));
  return true;
}

std::string XmlTestCase(const SkippedTestReport& t) {
  return absl::StrCat("    <testcase name=\"", XmlEscape(t.name), "\" file=\"",
                      XmlEscape(t.file), "\" line=\"", t.line,
                      "\" status=\"run\" result=\"skipped\" time=\"0.\" "
                      "classname=\"",
                      XmlEscape(t.suite), "\">\n      <skipped message=\"",
                      XmlEscape("itr: " + t.reason), "\"/>\n    </testcase>\n");
}

bool PatchXml(
    const std::string& path,
    const std::map<std::string, std::vector<SkippedTestReport>>& by_suite,
    size_t total) {
  std::string xml;
  if (!ReadFile(path, &xml)) return false;
  size_t root = xml.find("<testsuites ");
  if (root == std::string::npos ||
      xml.find("</testsuites>") == std::string::npos) {
    return false;
  }
  for (const auto& [suite, tests] : by_suite) {
    std::string cases;
    for (const SkippedTestReport& t : tests) cases += XmlTestCase(t);
    int count = static_cast<int>(tests.size());
    size_t tag = xml.find("<testsuite name=\"" + XmlEscape(suite) + "\"");
    if (tag != std::string::npos) {
      size_t close = xml.find("</testsuite>", tag);
      if (close == std::string::npos) return false;
      xml.insert(close, cases);
      AddToAttribute(&xml, tag, "tests", count);
      AddToAttribute(&xml, tag, "skipped", count);
    } else {
      xml.insert(
          xml.rfind("</testsuites>"),
          absl::StrCat("  <testsuite name=\"", XmlEscape(suite), "\" tests=\"",
                       count, "\" failures=\"0\" disabled=\"0\" skipped=\"",
                       count, "\" errors=\"0\" time=\"0.\">\n", cases,
                       "  </testsuite>\n"));
    }
  }
  AddToAttribute(&xml, xml.find("<testsuites "), "tests",
                 static_cast<int>(total));
  return WriteFile(path, xml);
}

bool PatchJson(
    const std::string& path,
    const std::map<std::string, std::vector<SkippedTestReport>>& by_suite,
    size_t total) {
  std::string text;
  if (!ReadFile(path, &text)) return false;
  nlohmann::ordered_json report =
      nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object() ||
      !report["testsuites"].is_array()) {
    return false;
  }
  for (const auto& [suite, tests] : by_suite) {
    nlohmann::ordered_json* entry = nullptr;
    for (auto& s : report["testsuites"]) {
      if (s.value("name", "") == suite) entry = &s;
    }
    if (entry == nullptr) {
      report["testsuites"].push_back(
          {{"name", suite},
           {"tests", 0},
           {"failures", 0},
           {"disabled", 0},
           {"errors", 0},
           {"time", "0s"},
           {"testsuite", nlohmann::ordered_json::array()}});
      entry = &report["testsuites"].back();
    }
    for (const SkippedTestReport& t : tests) {
      (*entry)["testsuite"].push_back(
          {{"name", t.name},
           {"file", t.file},
           {"line", t.line},
           {"status", "RUN"},
           {"result", "SKIPPED"},
           {"time", "0s"},
           {"classname", suite},
           {"skipped", {{"message", "itr: " + t.reason}}}});
    }
    (*entry)["tests"] =
        entry->value("tests", 0) + static_cast<int>(tests.size());
  }
  report["tests"] = report.value("tests", 0) + static_cast<int>(total);
  return WriteFile(path, report.dump(2) + "\n");
}

}  // namespace

ReportFile ReportFileFor(const std::string& flag,
                         const std::string& program_name) {
  if (flag.empty()) return {};
  size_t colon = flag.find(':');
  ReportFile report;
  report.format = flag.substr(0, colon);
  if (report.format != "xml" && report.format != "json") return {};
  std::string path = colon == std::string::npos ? "" : flag.substr(colon + 1);
  if (path.empty()) {
    path = "test_detail." + report.format;
  } else if (path.back() == '/') {
    path += program_name + "." + report.format;
  }
  report.path = path;
  return report;
}

bool AddSkippedTests(const ReportFile& report,
                     const std::vector<SkippedTestReport>& skipped) {
  if (report.path.empty() || skipped.empty()) return true;
  std::map<std::string, std::vector<SkippedTestReport>> by_suite;
  for (const SkippedTestReport& t : skipped) by_suite[t.suite].push_back(t);
  return report.format == "xml"
             ? PatchXml(report.path, by_suite, skipped.size())
             : PatchJson(report.path, by_suite, skipped.size());
}

}  // namespace itr::gtest
