// extern "C" surface of itr/coverage.h. Every entry point runs as itr-cpp's
// own code (InternalScope): what it opens and reads is no test's dependency.
#include "coverage_recorder.h"
#include "internal_guard.h"
#include "itr/coverage.h"
#include "source_paths.h"

using itr::runtime::CoverageRecorder;
using itr::runtime::InternalScope;

extern "C" {

itr_coverage_status itr_coverage_state(void) {
  InternalScope internal;
  return CoverageRecorder::Get().State();
}

const char* itr_coverage_mode(void) {
  InternalScope internal;
  return CoverageRecorder::Get().Mode();
}

void itr_test_begin(const char* test_id) {
  InternalScope internal;
  CoverageRecorder::Get().BeginTest(test_id);
}

const itr_test_coverage* itr_test_end(void) {
  InternalScope internal;
  return CoverageRecorder::Get().EndTest(/*attribute=*/true);
}

void itr_test_end_collect_only(void) {
  InternalScope internal;
  CoverageRecorder::Get().EndTest(/*attribute=*/false);
}

const itr_test_coverage* itr_last_test_coverage(void) {
  InternalScope internal;
  return CoverageRecorder::Get().LastTest();
}

const itr_test_coverage* itr_session_coverage(void) {
  InternalScope internal;
  return CoverageRecorder::Get().Session();
}

void itr_test_mark_incomplete(const char* reason) {
  InternalScope internal;
  CoverageRecorder::Get().MarkIncomplete(reason ? reason : "marked incomplete");
}

const char* itr_repository_root(void) {
  InternalScope internal;
  return itr::runtime::RepositoryRoot().c_str();
}

const char* itr_repository_root_problem(void) {
  InternalScope internal;
  const std::string& problem = itr::runtime::RepositoryRootProblem();
  return problem.empty() ? nullptr : problem.c_str();
}

const itr_executed* itr_last_test_executed(void) {
  InternalScope internal;
  return CoverageRecorder::Get().LastExecuted();
}

const itr_executed* itr_outside_tests_executed(itr_phase phase) {
  InternalScope internal;
  return CoverageRecorder::Get().OutsideTestsExecuted(phase);
}

void itr_end_startup(void) {
  InternalScope internal;
  CoverageRecorder::Get().EndStartup();
}

size_t itr_object_count(void) {
  InternalScope internal;
  return CoverageRecorder::Get().ObjectCount();
}

itr_object_probes itr_object_at(size_t index) {
  InternalScope internal;
  return CoverageRecorder::Get().ObjectAt(index);
}

size_t itr_coverage_probe_count(void) {
  InternalScope internal;
  return CoverageRecorder::Get().ProbeCount();
}

size_t itr_coverage_resolve_all(void) {
  InternalScope internal;
  return CoverageRecorder::Get().ResolveAll();
}

}  // extern "C"
