// extern "C" surface of itr/coverage.h. Every entry point runs as itr-cpp's
// own code (EntryScope): what it opens and reads is no test's dependency,
// and errno and the floating-point environment are left as the caller had
// them.
#include "coverage_recorder.h"
#include "internal_guard.h"
#include "itr/coverage.h"
#include "source_paths.h"

using itr::runtime::CoverageRecorder;
using itr::runtime::EntryScope;

extern "C" {

itr_coverage_status itr_coverage_state(void) {
  EntryScope entry;
  return CoverageRecorder::Get().State();
}

const char* itr_coverage_mode(void) {
  EntryScope entry;
  return CoverageRecorder::Get().Mode();
}

void itr_test_begin(const char* test_id) {
  EntryScope entry;
  CoverageRecorder::Get().BeginTest(test_id);
}

const itr_test_coverage* itr_test_end(void) {
  EntryScope entry;
  return CoverageRecorder::Get().EndTest(/*attribute=*/true);
}

void itr_test_end_collect_only(void) {
  EntryScope entry;
  CoverageRecorder::Get().EndTest(/*attribute=*/false);
}

const itr_test_coverage* itr_last_test_coverage(void) {
  EntryScope entry;
  return CoverageRecorder::Get().LastTest();
}

const itr_test_coverage* itr_session_coverage(void) {
  EntryScope entry;
  return CoverageRecorder::Get().Session();
}

void itr_test_mark_incomplete(const char* reason) {
  EntryScope entry;
  CoverageRecorder::Get().MarkIncomplete(reason ? reason : "marked incomplete");
}

const char* itr_repository_root(void) {
  EntryScope entry;
  return itr::runtime::RepositoryRoot().c_str();
}

const itr_executed* itr_last_test_executed(void) {
  EntryScope entry;
  return CoverageRecorder::Get().LastExecuted();
}

const itr_executed* itr_outside_tests_executed(itr_phase phase) {
  EntryScope entry;
  return CoverageRecorder::Get().OutsideTestsExecuted(phase);
}

void itr_end_startup(void) {
  EntryScope entry;
  CoverageRecorder::Get().EndStartup();
}

size_t itr_object_count(void) {
  EntryScope entry;
  return CoverageRecorder::Get().ObjectCount();
}

itr_object_probes itr_object_at(size_t index) {
  EntryScope entry;
  return CoverageRecorder::Get().ObjectAt(index);
}

size_t itr_coverage_probe_count(void) {
  EntryScope entry;
  return CoverageRecorder::Get().ProbeCount();
}

size_t itr_coverage_resolve_all(void) {
  EntryScope entry;
  return CoverageRecorder::Get().ResolveAll();
}

}  // extern "C"
