// itr/coverage.hpp — thin C++ view over itr/coverage.h.
//
// Every function here is ITR_NO_COVERAGE: it runs inside test windows and
// must not become a dependency of every test.
// Owns nothing the runtime owns: TestCoverage copies what a C result points
// to, so it outlives the next runtime call.
#ifndef ITR_COVERAGE_HPP_
#define ITR_COVERAGE_HPP_

#include <cstdint>
#include <string>
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
      out.files.push_back(
          CoveredFile{f.path, f.external != 0,
                      LinesFromBitmap(f.line_bitmap, f.line_bitmap_size)});
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

}  // namespace itr

#endif  // ITR_COVERAGE_HPP_
