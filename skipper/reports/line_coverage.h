// Whole-run line coverage for coverage tools: per repository file, the
// lines that have code and those some test (or the code outside tests)
// executed, written as an lcov tracefile or Cobertura XML (`itr coverage`).
// And the per-test lines the store keeps so that a skipped test's lines
// can be added from its record (FileLines, with each file's covered text
// hashed: lines are reused only while that text is still at those lines).
#ifndef ITR_SKIPPER_REPORTS_LINE_COVERAGE_H_
#define ITR_SKIPPER_REPORTS_LINE_COVERAGE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itr::skipper {

// Repository-relative path -> executed lines.
using FileLines = std::map<std::string, std::set<uint32_t>>;

struct LineCoverage {
  // path -> line -> executed
  std::map<std::string, std::map<uint32_t, bool>> files;

  void AddExecuted(const FileLines& lines);
  // Lines that have code (executed or not).
  void AddCode(const std::string& path, const std::set<uint32_t>& lines);
  size_t LinesWithCode() const;
  size_t LinesExecuted() const;
};

// The lcov tracefile (TN, SF, DA, LF, LH, end_of_record per file).
std::string LcovTracefile(const LineCoverage& coverage,
                          const std::string& test_name);

// Cobertura XML (one package, one class per file), `timestamp` in seconds.
std::string CoberturaXml(const LineCoverage& coverage,
                         const std::string& source_root, int64_t timestamp);

// One test's lines as the store keeps them, with a hash of the text of each
// file's executed lines as the files under `root` read now.
std::string EncodeTestLines(const FileLines& lines, const std::string& root);

// The lines of `blob` whose file still has the same text at those lines
// (under `root`), and in `*moved` the files whose text changed there.
absl::StatusOr<FileLines> DecodeValidTestLines(absl::string_view blob,
                                               const std::string& root,
                                               std::vector<std::string>* moved);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_REPORTS_LINE_COVERAGE_H_
