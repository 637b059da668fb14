// STUB (branch issue10-reads): the itr_executed C API and the phase switch,
// reduced to what read tracking needs, until the recorder's probes and
// phases land (they own these functions). At the merge this file goes; the
// recorder's versions call, for the reads:
//   itr_last_test_executed():        ReadTracker::Get().Fill(kLastTest, &r)
//   itr_outside_tests_executed(ph):  ReadTracker::Get().Fill(kStartup or
//                                    kBetweenTests, &r)
//   itr_end_startup() and whatever else ends the start-up phase:
//                                    ReadTracker::Get().EndStartup()
// (the first itr_test_begin() ends it too, through ReadTracker::BeginTest).
#include "coverage_recorder.h"
#include "internal_guard.h"
#include "itr/coverage.h"
#include "read_tracker.h"

namespace itr::runtime {

namespace {

const itr_executed* Executed(ReadWindow window, itr_executed* result) {
  *result = itr_executed{};
  result->status = CoverageRecorder::Get().State() == ITR_COVERAGE_UNAVAILABLE
                       ? ITR_COVERAGE_UNAVAILABLE
                       : ITR_COVERAGE_COMPLETE;
  ReadTracker::Get().Fill(window, result);
  return result;
}

}  // namespace

}  // namespace itr::runtime

extern "C" {

ITR_API const itr_executed* itr_last_test_executed(void) {
  itr::runtime::InternalScope internal;
  static itr_executed result;
  return itr::runtime::Executed(itr::runtime::ReadWindow::kLastTest, &result);
}

ITR_API const itr_executed* itr_outside_tests_executed(itr_phase phase) {
  itr::runtime::InternalScope internal;
  static itr_executed results[2];
  bool startup = phase == ITR_PHASE_STARTUP;
  return itr::runtime::Executed(startup
                                    ? itr::runtime::ReadWindow::kStartup
                                    : itr::runtime::ReadWindow::kBetweenTests,
                                &results[startup ? 0 : 1]);
}

ITR_API void itr_end_startup(void) {
  itr::runtime::InternalScope internal;
  itr::runtime::ReadTracker::Get().EndStartup();
}

}  // extern "C"
