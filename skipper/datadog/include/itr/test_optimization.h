// Datadog Test Optimization reporting for C/C++ test runners: the manual
// testing API (docs/datadog.md, "Manual testing API") and the sinks its
// events go to.
//
// The domain model is the tracers' (datadog-ci-rb's manual API): a
// TestSession (one test command) holds TestModules (a library, a test
// binary), which hold TestSuites (a file, a fixture), which hold Tests.
// Each is started, tagged, and finished; finishing one writes its event
// (citestcycle, protocol §5) to the session's EventSink, and a finished
// session flushes the sink.
//
// Contract:
//  - Objects are owned by their parent and live until the TestSession is
//    destroyed; the pointers returned by Start* stay valid until then.
//  - Finish is idempotent: the first call wins, later ones are ignored.
//    Finishing a parent finishes its unfinished children first: modules and
//    suites with the status their children give, tests with `fail` (a test
//    that never reported its end did not pass: it crashed, hung, or called
//    exit()).
//  - Containers roll up like the tracers: a suite / module / session fails
//    when any child failed or SetError was called on it; otherwise it takes
//    the status passed to Finish, else `skip` when every child was skipped,
//    else `pass`.
//  - Every method may be called from any thread; one mutex per session
//    guards the model (nothing here is on a hot path).
//  - Errors while sending never reach the caller: the sink prints one line
//    `itr: warning: ...` to stderr and drops the events. The exit code of
//    the process is never changed, and the API key is never printed.
//  - A session started and not finished when the process exits normally
//    (return from main, exit()) is finished and flushed by an atexit
//    handler, in the process that started it only: a forked child (a death
//    test) that calls exit() leaves its parent's session alone.
//  - On a hard crash (a signal) the events not sent yet are lost: sending
//    needs malloc and sockets, which a signal handler cannot use safely, so
//    none is installed. Events are sent whenever a batch fills up (4.5 MiB)
//    and at the session's end.
//  - Starting a child of a finished parent works; its event simply comes
//    after the parent's.
//
// Tags the caller owns (test.itr.*, test.skipped_by_itr, test.code_coverage.*,
// _dd.ci.itr.tests_skipped, ...) are plain SetTag / SetMetric calls. The
// library sets test.final_status (= test.status: there are no retries) on
// test events and _dd.library_capabilities.test_impact_analysis in their
// metadata.
#ifndef ITR_TEST_OPTIMIZATION_H_
#define ITR_TEST_OPTIMIZATION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace itr::datadog {

// ---------------------------------------------------------------------------
// Events and sinks
// ---------------------------------------------------------------------------

// One citestcycle event (protocol §5.3). Zero ids and an empty
// itr_correlation_id are left out of the encoded event.
struct Event {
  std::string type;  // test, test_suite_end, test_module_end, test_session_end
  int version = 1;   // 2 for test
  std::string name;  // <framework>.test, .test_suite, .test_module, ...
  std::string service;
  std::string resource;
  uint64_t trace_id = 0;
  uint64_t span_id = 0;
  uint64_t parent_id = 0;
  uint64_t test_session_id = 0;
  uint64_t test_module_id = 0;
  uint64_t test_suite_id = 0;
  std::string itr_correlation_id;
  int64_t start_ns = 0;     // since the Unix epoch
  int64_t duration_ns = 0;  // >= 0
  bool error = false;
  std::map<std::string, std::string> meta;
  std::map<std::string, double> metrics;
};

// The lines of one file a test executed (1-based; order and duplicates do
// not matter). `filename` is repository-relative, without a leading '/'.
struct FileLines {
  std::string filename;
  std::vector<int> lines;
};

// One citestcov entry (protocol §6.2): a test's coverage.
struct TestCoverage {
  uint64_t test_session_id = 0;
  uint64_t test_suite_id = 0;
  uint64_t span_id = 0;  // the test's; 0 for suite-level coverage
  std::vector<FileLines> files;
};

// Envelope metadata: "*" for every event, or an event type, to tags.
using EventMetadata = std::map<std::string, std::map<std::string, std::string>>;

// Where finished objects go. Calls come from any thread (implementations
// synchronise) and never fail: a sink that cannot deliver reports it itself.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Called by TestSession::Start before any Write.
  virtual void SetMetadata(EventMetadata metadata) = 0;
  virtual void Write(Event event) = 0;
  virtual void WriteCoverage(TestCoverage coverage) = 0;
  // Sends whatever is buffered; returns when done or given up.
  virtual void Flush() = 0;
};

// The Datadog intakes named by the environment (docs/datadog.md,
// "Transport"): agentless with DD_API_KEY, else the Datadog Agent's EVP
// proxy. Resolving the agent may take up to 15 s (two attempts; less with
// ITR_NETWORK_BUDGET_MS). An error
// (no API key, no agent) is for the caller to print as one warning; the
// session then runs without reporting (a null sink).
absl::StatusOr<std::shared_ptr<EventSink>> IntakeSinkFromEnvironment();

// ---------------------------------------------------------------------------
// The manual testing API
// ---------------------------------------------------------------------------

enum class TestStatus { kPass, kFail, kSkip };

// "pass", "fail", "skip".
std::string_view TestStatusName(TestStatus status);

// Where the skippable response's correlation id goes: test events
// (test-level skipping) or suite events (suite level, as dd-trace-py).
enum class SkippingLevel { kTest, kSuite };

struct SessionOptions {
  std::string service;               // DD_SERVICE
  std::string env;                   // DD_ENV; empty: not sent
  std::string command;               // test.command, e.g. "ctest -R unit"
  std::string framework = "custom";  // test.framework, component, names
  std::string framework_version;     // test.framework_version
  // DD_TEST_SESSION_NAME; empty: "<ci.job.name>-<command>" when the
  // environment tags name a CI job, else the command.
  std::string session_name;
  // git.*, ci.*, os.*, runtime.* tags (metadata "*", shared by every event).
  std::map<std::string, std::string> environment_tags;
  // The correlation id of the skippable response, put on every test event
  // or, at suite level, on every suite event; empty: none.
  std::string itr_correlation_id;
  SkippingLevel itr_correlation_level = SkippingLevel::kTest;
  // Where events go; null: nowhere (the model still works).
  std::shared_ptr<EventSink> sink;
  std::optional<absl::Time> start_time;  // default: now
};

// service (DD_SERVICE, else the repository's name, else "test"), env
// (DD_ENV), session_name (DD_TEST_SESSION_NAME), environment_tags (git and
// CI tags of skipper/git CollectEnvironmentTags for the working directory,
// plus os.platform, os.version, os.architecture, runtime.name,
// runtime.version, every DD_TAGS entry and test.configuration.* as the
// Datadog backend sends them, _dd.test.is_user_provided_service,
// test.working_directory). No sink.
SessionOptions SessionOptionsFromEnvironment(std::string framework,
                                             std::string framework_version,
                                             std::string command);

namespace internal {
struct SessionCore;
struct SpanState;
}  // namespace internal

// What sessions, modules, suites and tests share.
class TestSpan {
 public:
  TestSpan(const TestSpan&) = delete;
  TestSpan& operator=(const TestSpan&) = delete;
  virtual ~TestSpan();

  // A meta tag; values longer than 5000 characters are truncated when
  // encoded. Overrides the library's own tags of the same key.
  void SetTag(std::string_view key, std::string_view value);
  void SetMetric(std::string_view key, double value);
  // error.type, error.message, error.stack; marks the event as an error
  // (and a container as failed).
  void SetError(std::string_view type, std::string_view message,
                std::string_view stack = {});

  // The span id (for session, module and suite also their test_*_id).
  uint64_t span_id() const;
  bool finished() const;

 protected:
  TestSpan(internal::SessionCore* core,
           std::unique_ptr<internal::SpanState> state);

  friend struct internal::SessionCore;
  internal::SessionCore* core_;
  std::unique_ptr<internal::SpanState> state_;
};

class Test : public TestSpan {
 public:
  // test.parameters: a JSON object as a string, e.g.
  // {"arguments":{"x":"1"},"metadata":{}}.
  void SetParameters(std::string_view json);
  // test.source.file (repository-relative); metrics test.source.start and
  // test.source.end, each only when > 0 (a framework may know only where
  // a test starts).
  void SetSourceFile(std::string_view path);
  void SetSourceLines(int start, int end = 0);
  // Replaces the coverage sent (citestcov) when the test finishes.
  void SetCoverage(std::vector<FileLines> files);

  void Finish(TestStatus status,
              std::optional<absl::Time> end_time = std::nullopt);
  // Finish(kSkip) with test.skip_reason.
  void Skip(std::string_view reason,
            std::optional<absl::Time> end_time = std::nullopt);

 private:
  friend class TestSuite;
  friend struct internal::SessionCore;
  using TestSpan::TestSpan;
};

class TestSuite : public TestSpan {
 public:
  // A new test named `name` in this suite; it becomes the active test of
  // the calling thread (ActiveTest()).
  Test* StartTest(std::string_view name,
                  std::optional<absl::Time> start_time = std::nullopt);
  // No status: derived from the tests (see the roll-up rule above).
  void Finish(std::optional<TestStatus> status = std::nullopt,
              std::optional<absl::Time> end_time = std::nullopt);
  // Finish(kSkip) with test.skip_reason: a suite skipped whole (suite-level
  // skipping reports the suite, not its tests).
  void Skip(std::string_view reason,
            std::optional<absl::Time> end_time = std::nullopt);

 private:
  friend class TestModule;
  friend struct internal::SessionCore;
  using TestSpan::TestSpan;
};

class TestModule : public TestSpan {
 public:
  TestSuite* StartSuite(std::string_view name,
                        std::optional<absl::Time> start_time = std::nullopt);
  void Finish(std::optional<TestStatus> status = std::nullopt,
              std::optional<absl::Time> end_time = std::nullopt);

 private:
  friend class TestSession;
  friend struct internal::SessionCore;
  using TestSpan::TestSpan;
};

class TestSession : public TestSpan {
 public:
  static std::unique_ptr<TestSession> Start(SessionOptions options);
  // Finishes the session if it is not finished yet.
  ~TestSession() override;

  TestModule* StartModule(std::string_view name,
                          std::optional<absl::Time> start_time = std::nullopt);
  // Finishes what is unfinished, writes the session event, flushes the sink.
  void Finish(std::optional<TestStatus> status = std::nullopt,
              std::optional<absl::Time> end_time = std::nullopt);

  const SessionOptions& options() const;

 private:
  friend struct internal::SessionCore;
  TestSession(std::unique_ptr<internal::SessionCore> owned,
              std::unique_ptr<internal::SpanState> state);

  std::unique_ptr<internal::SessionCore> owned_core_;
};

// The test started last on the calling thread and not finished yet; else
// the test started last on any thread and not finished yet (a test body
// running on a worker thread); else null.
Test* ActiveTest();

}  // namespace itr::datadog

#endif  // ITR_TEST_OPTIMIZATION_H_
