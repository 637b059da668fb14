// Process lines of the coverage export, for process-level test units
// (`itr ctest`): a CTest test is one or more processes, and the driver must
// know that each instrumented process ended normally, i.e. that its session
// coverage line is really there.
//
// Active only when both ITR_TEST_ID and ITR_COVERAGE_EXPORT are set. Then
// every process loading the runtime appends to the export file
//   {"process":"start","pid":<pid>}
// when the runtime loads (and in the child after fork()), and
//   {"process":"end","pid":<pid>,"built_at_ns":<ns>}
// at exit, after its coverage was exported. `built_at_ns` is the oldest
// modification time of the process's instrumented objects (executable and
// shared libraries): a source newer than that may not be what ran. A start
// without an end (crash, _exit, exec into another program, an export line
// that could not be written) tells the driver that coverage is missing: the
// test must run next time.
//
// Nothing here is on a probe's path; the fork-child hook only formats into
// a stack buffer and calls open/write/close.
#ifndef ITR_RUNTIME_PROCESS_LOG_H_
#define ITR_RUNTIME_PROCESS_LOG_H_

namespace itr::runtime {

// From the runtime's constructor: reads the environment, writes "start".
void LogProcessStart();
// pthread_atfork child handler: the child is a process of its own.
void LogProcessStartInForkChild();
// At exit, after CoverageRecorder::Finish(): writes "end".
void LogProcessEnd();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_PROCESS_LOG_H_
