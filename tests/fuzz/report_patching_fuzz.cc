// Skipped tests added to a framework's report after it is written: a
// GoogleTest XML or JSON report or a JUnit file, whatever it holds (the
// first byte picks the format).
#include "fuzz_input.h"
#include "skipper/reports/skipped_in_reports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  if (size == 0) return 0;
  const ReportFormat format = data[0] % 3 == 0   ? ReportFormat::kGtestXml
                              : data[0] % 3 == 1 ? ReportFormat::kGtestJson
                                                 : ReportFormat::kJunit;
  std::string path =
      itr::fuzz::ScratchFile(itr::fuzz::Text(data + 1, size - 1), "report");
  std::vector<SkippedReportEntry> skipped = {
      {"Suite", "Suite", "Skipped\"<&>", "a.cpp", 3, "itr: unchanged"},
      {"Other/0", "pkg.Other", "Case/1", "", 0, "unchanged"}};
  AddSkippedToReport(format, path, skipped).IgnoreError();
  return 0;
}
