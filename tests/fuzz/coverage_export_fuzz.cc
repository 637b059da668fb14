// The coverage export (ITR_COVERAGE_EXPORT), as itr ctest reads it back:
// one JSON line per test, process and session, torn lines included.
#include "fuzz_input.h"
#include "skipper/coverage/exported_coverage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  itr::skipper::ReadExportedCoverage(
      itr::fuzz::ScratchFile(itr::fuzz::Text(data, size), "export.jsonl"));
  return 0;
}
