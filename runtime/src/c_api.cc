// extern "C" surface of itr/coverage.h.
#include "coverage_recorder.h"
#include "itr/coverage.h"
#include "source_paths.h"

using itr::runtime::CoverageRecorder;

extern "C" {

itr_coverage_status itr_coverage_state(void) {
  return CoverageRecorder::Get().State();
}

const char* itr_coverage_mode(void) { return CoverageRecorder::Get().Mode(); }

void itr_test_begin(const char* test_id) {
  CoverageRecorder::Get().BeginTest(test_id);
}

const itr_test_coverage* itr_test_end(void) {
  return CoverageRecorder::Get().EndTest(/*attribute=*/true);
}

void itr_test_end_collect_only(void) {
  CoverageRecorder::Get().EndTest(/*attribute=*/false);
}

const itr_test_coverage* itr_last_test_coverage(void) {
  return CoverageRecorder::Get().LastTest();
}

const itr_test_coverage* itr_session_coverage(void) {
  return CoverageRecorder::Get().Session();
}

void itr_test_mark_incomplete(const char* reason) {
  CoverageRecorder::Get().MarkIncomplete(reason ? reason : "marked incomplete");
}

const char* itr_repository_root(void) {
  return itr::runtime::RepositoryRoot().c_str();
}

const itr_executed* itr_last_test_executed(void) {
  return CoverageRecorder::Get().LastExecuted();
}

const itr_executed* itr_outside_tests_executed(itr_phase phase) {
  return CoverageRecorder::Get().OutsideTestsExecuted(phase);
}

void itr_end_startup(void) { CoverageRecorder::Get().EndStartup(); }

size_t itr_object_count(void) { return CoverageRecorder::Get().ObjectCount(); }

itr_object_probes itr_object_at(size_t index) {
  return CoverageRecorder::Get().ObjectAt(index);
}

size_t itr_coverage_probe_count(void) {
  return CoverageRecorder::Get().ProbeCount();
}

size_t itr_coverage_resolve_all(void) {
  return CoverageRecorder::Get().ResolveAll();
}

}  // extern "C"
