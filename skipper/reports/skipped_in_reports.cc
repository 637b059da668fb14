#include "skipper/reports/skipped_in_reports.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "skipper/base/json_limits.h"
#include "skipper/base/json_numbers.h"

namespace itr::skipper {

namespace {

using SkippedBySuite = std::map<std::string, std::vector<SkippedReportEntry>>;

absl::Status Unusable(const std::string& path) {
  return absl::FailedPreconditionError(
      absl::StrCat("could not add the skipped tests to ", path));
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

absl::Status ReplaceFile(const std::string& path, const std::string& text) {
  std::string temporary = path + ".itr-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!(out << text)) return Unusable(path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) return Unusable(path);
  return absl::OkStatus();
}

// Adds `delta` to the integer attribute `name` of the tag starting at
// `tag_begin`, or adds the attribute when the tag lacks it. False when that
// is no tag, or the count would overflow: not a report the framework wrote.
bool AddToAttribute(std::string& xml, size_t tag_begin, const std::string& name,
                    long delta) {
  size_t tag_end = xml.find('>', tag_begin);
  if (tag_begin == std::string::npos || tag_end == std::string::npos) {
    return false;
  }
  std::string key = " " + name + "=\"";
  size_t at = xml.find(key, tag_begin);
  if (at == std::string::npos || at > tag_end) {
    size_t insert = xml[tag_end - 1] == '/' ? tag_end - 1 : tag_end;
    xml.insert(insert, key + std::to_string(delta) + "\"");
    return true;
  }
  size_t value_begin = at + key.size();
  size_t value_end = xml.find('"', value_begin);
  if (value_end == std::string::npos) return false;
  long value = std::strtol(
      xml.substr(value_begin, value_end - value_begin).c_str(), nullptr, 10);
  long sum = 0;
  if (__builtin_add_overflow(value, delta, &sum)) return false;
  xml.replace(value_begin, value_end - value_begin, std::to_string(sum));
  return true;
}

// `entry`'s count "tests" plus `delta`; false when it is no integer count
// or the sum would overflow.
bool AddToJsonCount(nlohmann::ordered_json& entry, size_t delta) {
  std::optional<int64_t> tests = JsonIntegerField(entry, "tests", int64_t{0});
  int64_t sum = 0;
  if (!tests ||
      __builtin_add_overflow(*tests, static_cast<int64_t>(delta), &sum)) {
    return false;
  }
  entry["tests"] = sum;
  return true;
}

std::string Message(const SkippedReportEntry& entry) {
  return "itr: " + entry.reason;
}

std::string GtestXmlCase(const SkippedReportEntry& t) {
  return absl::StrCat(
      "    <testcase name=\"", XmlAttributeEscape(t.name), "\" file=\"",
      XmlAttributeEscape(t.file), "\" line=\"", t.line,
      "\" status=\"run\" result=\"skipped\" time=\"0.\" classname=\"",
      XmlAttributeEscape(t.suite), "\">\n      <skipped message=\"",
      XmlAttributeEscape(Message(t)), "\"/>\n    </testcase>\n");
}

absl::Status PatchGtestXml(const std::string& path,
                           const SkippedBySuite& by_suite, size_t total) {
  std::string xml;
  if (!ReadFile(path, &xml) || xml.find("<testsuites ") == std::string::npos ||
      xml.find("</testsuites>") == std::string::npos) {
    return Unusable(path);
  }
  for (const auto& [suite, tests] : by_suite) {
    std::string cases;
    for (const SkippedReportEntry& t : tests) cases += GtestXmlCase(t);
    long count = static_cast<long>(tests.size());
    size_t tag =
        xml.find("<testsuite name=\"" + XmlAttributeEscape(suite) + "\"");
    if (tag != std::string::npos) {
      size_t close = xml.find("</testsuite>", tag);
      if (close == std::string::npos) return Unusable(path);
      xml.insert(close, cases);
      if (!AddToAttribute(xml, tag, "tests", count) ||
          !AddToAttribute(xml, tag, "skipped", count)) {
        return Unusable(path);
      }
    } else {
      xml.insert(xml.rfind("</testsuites>"),
                 absl::StrCat("  <testsuite name=\"", XmlAttributeEscape(suite),
                              "\" tests=\"", count,
                              "\" failures=\"0\" disabled=\"0\" skipped=\"",
                              count, "\" errors=\"0\" time=\"0.\">\n", cases,
                              "  </testsuite>\n"));
    }
  }
  if (!AddToAttribute(xml, xml.find("<testsuites "), "tests",
                      static_cast<long>(total))) {
    return Unusable(path);
  }
  return ReplaceFile(path, xml);
}

nlohmann::ordered_json& GtestJsonSuite(nlohmann::ordered_json& report,
                                       const std::string& suite) {
  for (auto& s : report["testsuites"]) {
    if (s.value("name", "") == suite) return s;
  }
  report["testsuites"].push_back(
      {{"name", suite},
       {"tests", 0},
       {"failures", 0},
       {"disabled", 0},
       {"errors", 0},
       {"time", "0s"},
       {"testsuite", nlohmann::ordered_json::array()}});
  return report["testsuites"].back();
}

absl::Status PatchGtestJson(const std::string& path,
                            const SkippedBySuite& by_suite, size_t total) {
  std::string text;
  if (!ReadFile(path, &text)) return Unusable(path);
  if (!JsonNestingWithin(text)) return Unusable(path);
  nlohmann::ordered_json report =
      nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object() ||
      !report["testsuites"].is_array()) {
    return Unusable(path);
  }
  try {
    for (const auto& [suite, tests] : by_suite) {
      nlohmann::ordered_json& entry = GtestJsonSuite(report, suite);
      for (const SkippedReportEntry& t : tests) {
        entry["testsuite"].push_back({{"name", t.name},
                                      {"file", t.file},
                                      {"line", t.line},
                                      {"status", "RUN"},
                                      {"result", "SKIPPED"},
                                      {"time", "0s"},
                                      {"classname", suite},
                                      {"skipped", {{"message", Message(t)}}}});
      }
      if (!AddToJsonCount(entry, tests.size())) return Unusable(path);
    }
    if (!AddToJsonCount(report, total)) return Unusable(path);
  } catch (const nlohmann::json::exception&) {
    // A field of another type (found by fuzz.report_patching): not a report
    // GoogleTest wrote; left as it is rather than ending the process.
    return Unusable(path);
  }
  return ReplaceFile(path, report.dump(2) + "\n");
}

absl::Status PatchJunit(const std::string& path,
                        const std::vector<SkippedReportEntry>& skipped) {
  std::string xml;
  if (!ReadFile(path, &xml)) return Unusable(path);
  size_t suite = xml.rfind("<testsuite ");
  size_t suite_end = xml.rfind("</testsuite>");
  if (suite == std::string::npos || suite_end == std::string::npos ||
      suite_end < suite) {
    return Unusable(path);
  }
  std::string entries;
  for (const SkippedReportEntry& c : skipped) {
    entries += "    <testcase classname=\"" + XmlAttributeEscape(c.classname) +
               "\" name=\"" + XmlAttributeEscape(c.name) +
               "\" time=\"0\" status=\"notrun\">\n      <skipped message=\"" +
               XmlAttributeEscape(Message(c)) + "\"/>\n    </testcase>\n";
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
  long added = static_cast<long>(skipped.size());
  if (!AddToAttribute(xml, suite, "skipped", added) ||
      !AddToAttribute(xml, suite, "tests", added)) {
    return Unusable(path);
  }
  size_t suites = xml.find("<testsuites");
  if (suites != std::string::npos && suites < suite) {
    size_t name_end = suites + std::string("<testsuites").size();
    if (xml[name_end] == ' ' && !AddToAttribute(xml, suites, "tests", added)) {
      return Unusable(path);
    }
  }
  return ReplaceFile(path, xml);
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

absl::Status AddSkippedToReport(
    ReportFormat format, const std::string& path,
    const std::vector<SkippedReportEntry>& skipped) {
  if (path.empty() || skipped.empty()) return absl::OkStatus();
  if (format == ReportFormat::kJunit) return PatchJunit(path, skipped);
  SkippedBySuite by_suite;
  for (const SkippedReportEntry& t : skipped) by_suite[t.suite].push_back(t);
  return format == ReportFormat::kGtestXml
             ? PatchGtestXml(path, by_suite, skipped.size())
             : PatchGtestJson(path, by_suite, skipped.size());
}

}  // namespace itr::skipper
