// itr/coverage.hpp — thin C++ view over itr/coverage.h.
//
// Every function here is ITR_NO_COVERAGE: it runs inside test windows and
// must not become a dependency of every test.
// Owns nothing the runtime owns: TestCoverage copies what a C result points
// to, so it outlives the next runtime call.
#ifndef ITR_COVERAGE_HPP_
#define ITR_COVERAGE_HPP_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "itr/coverage.h"

namespace itr {

// Decodes a Datadog line bitmap (line 1 = MSB of byte 0) into line numbers.
ITR_NO_COVERAGE inline std::vector<uint32_t> LinesFromBitmap(
    const uint8_t* bitmap, size_t size) {
  std::vector<uint32_t> lines;
  for (size_t byte = 0; byte < size; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      if (bitmap[byte] & (0x80u >> bit)) {
        lines.push_back(static_cast<uint32_t>(byte * 8 + bit + 1));
      }
    }
  }
  return lines;
}

struct CoveredFile {
  std::string path;
  bool external = false;
  std::vector<uint32_t> lines;  // ascending
};

struct TestCoverage {
  itr_coverage_status status = ITR_COVERAGE_UNAVAILABLE;
  std::string test_id;  // empty for session coverage
  std::vector<CoveredFile> files;
  std::string error;

  ITR_NO_COVERAGE bool complete() const {
    return status == ITR_COVERAGE_COMPLETE;
  }

  ITR_NO_COVERAGE const CoveredFile* Find(const std::string& path) const {
    for (const CoveredFile& file : files) {
      if (file.path == path) return &file;
    }
    return nullptr;
  }

  ITR_NO_COVERAGE static TestCoverage From(const itr_test_coverage* c) {
    TestCoverage out;
    if (c == nullptr) return out;
    out.status = c->status;
    if (c->test_id) out.test_id = c->test_id;
    if (c->error) out.error = c->error;
    out.files.reserve(c->file_count);
    for (size_t i = 0; i < c->file_count; ++i) {
      const itr_covered_file& f = c->files[i];
      CoveredFile file;  // not an aggregate in C++11 (member initializer)
      file.path = f.path;
      file.external = f.external != 0;
      file.lines = LinesFromBitmap(f.line_bitmap, f.line_bitmap_size);
      out.files.push_back(std::move(file));
    }
    return out;
  }
};

ITR_NO_COVERAGE inline TestCoverage EndTest() {
  return TestCoverage::From(itr_test_end());
}
ITR_NO_COVERAGE inline TestCoverage SessionCoverage() {
  return TestCoverage::From(itr_session_coverage());
}

// Brackets one test case: begins on construction; End() (or the destructor)
// closes it.
class ScopedTest {
 public:
  ITR_NO_COVERAGE explicit ScopedTest(const std::string& id) {
    itr_test_begin(id.c_str());
  }
  ScopedTest(const ScopedTest&) = delete;
  ScopedTest& operator=(const ScopedTest&) = delete;
  ITR_NO_COVERAGE ~ScopedTest() {
    if (open_) itr_test_end();
  }
  ITR_NO_COVERAGE TestCoverage End() {
    open_ = false;
    return EndTest();
  }

 private:
  bool open_ = true;
};

// "3-7,9": ascending line numbers folded into ranges.
ITR_NO_COVERAGE inline std::string FormatLines(
    const std::vector<uint32_t>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(lines[i]);
    if (j > i) out += "-" + std::to_string(lines[j]);
    i = j + 1;
  }
  return out;
}

// ITR_COVERAGE_PRINT set (and not "0"/"false"): adapters print each test's
// coverage with PrintTestCoverage.
ITR_NO_COVERAGE inline bool CoveragePrintRequested() {
  const char* value = getenv("ITR_COVERAGE_PRINT");
  return value != nullptr && *value != '\0' && strcmp(value, "0") != 0 &&
         strcmp(value, "false") != 0;
}

// One test's files and lines on stdout, as ITR_COVERAGE_PRINT shows them.
ITR_NO_COVERAGE inline void PrintTestCoverage(const std::string& test_id,
                                              const TestCoverage& coverage) {
  std::string text = "[ itr cov  ] " + test_id;
  if (!coverage.complete()) {
    text += coverage.status == ITR_COVERAGE_UNAVAILABLE
                ? " (unavailable)"
                : " (incomplete: " + coverage.error + ")";
  }
  size_t external = 0;
  for (const CoveredFile& file : coverage.files) {
    if (file.external) {
      ++external;
      continue;
    }
    text += "\n               " + file.path;
    if (!file.lines.empty()) text += ":" + FormatLines(file.lines);
  }
  if (external > 0) {
    text += "\n               + " + std::to_string(external) +
            " external file(s) (toolchain/system headers)";
  }
  printf("%s\n", text.c_str());
  fflush(stdout);
}

}  // namespace itr

#endif  // ITR_COVERAGE_HPP_
