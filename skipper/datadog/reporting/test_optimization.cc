// The manual testing API's model (include/itr/test_optimization.h): the
// session tree, status roll-up, event building, the active test registry
// and the exit-time flush.
#include "itr/test_optimization.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "skipper/transport/network_limits.h"

#ifndef ITR_LIBRARY_VERSION
#define ITR_LIBRARY_VERSION "0.0.0"
#endif

namespace itr::datadog {
namespace internal {

enum class Kind { kSession, kModule, kSuite, kTest };

struct SpanState {
  Kind kind;
  std::string name;
  uint64_t span_id = 0;
  uint64_t trace_id = 0;  // tests only
  // Ids and names of the ancestors (and of this span, for containers).
  uint64_t session_id = 0;
  uint64_t module_id = 0;
  uint64_t suite_id = 0;
  std::string module_name;
  std::string suite_name;
  absl::Time start;
  std::map<std::string, std::string> meta;  // the caller's
  std::map<std::string, double> metrics;
  bool error = false;
  bool finished = false;
  TestStatus status = TestStatus::kPass;  // final, once finished
  std::string skip_reason;
  std::optional<std::vector<FileLines>> coverage;
  std::vector<std::unique_ptr<TestSpan>> children;
};

}  // namespace internal

namespace {

using internal::Kind;
using internal::SpanState;

uint64_t RandomId() {
  // Seeded once per thread from the OS: ids only need to be unique, and a
  // thread-local engine needs no lock.
  thread_local std::mt19937_64 engine{std::random_device{}() ^
                                      (uint64_t{std::random_device{}()} << 32)};
  uint64_t id = 0;
  while (id == 0) id = engine();
  return id;
}

std::string RandomUuid() {
  const uint64_t high = (RandomId() & ~uint64_t{0xF000}) | 0x4000;  // v4
  const uint64_t low =
      (RandomId() & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32,
                         (high >> 16) & 0xFFFF, high & 0xFFFF, low >> 48,
                         low & 0xFFFFFFFFFFFFull);
}

// Tests started and not finished, in start order, for ActiveTest().
struct ActiveRegistry {
  std::mutex mutex;
  std::vector<std::pair<std::thread::id, Test*>> tests;
};

ActiveRegistry& Active() {
  static auto* registry = new ActiveRegistry;  // never destroyed: atexit
  return *registry;
}

// Sessions started and not finished, for the exit-time flush, with the
// process that started them: a forked child (a GoogleTest death test) that
// calls exit() must not report its parent's session.
struct SessionRegistry {
  std::mutex mutex;
  std::vector<std::pair<TestSession*, pid_t>> sessions;
};

SessionRegistry& Sessions() {
  static auto* registry = new SessionRegistry;
  return *registry;
}

void FinishSessionsAtExit() {
  // The last sends share the exit's network time with the git upload.
  skipper::transport::CutOffNetworkForExit();
  // A session's Finish unregisters it; take one at a time, unlocked, so
  // that Finish may take the registry's lock.
  while (true) {
    TestSession* session = nullptr;
    {
      std::lock_guard lock(Sessions().mutex);
      for (const auto& [started, pid] : Sessions().sessions) {
        if (pid == getpid()) {
          session = started;
          break;
        }
      }
    }
    if (session == nullptr) return;
    session->Finish();
  }
}

void RegisterSession(TestSession* session) {
  static std::once_flag once;
  std::call_once(once, [] {
    Active();  // constructed before the handler is registered
    std::atexit(FinishSessionsAtExit);
  });
  std::lock_guard lock(Sessions().mutex);
  Sessions().sessions.emplace_back(session, getpid());
}

void UnregisterSession(TestSession* session) {
  std::lock_guard lock(Sessions().mutex);
  auto& sessions = Sessions().sessions;
  sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                [session](const auto& entry) {
                                  return entry.first == session;
                                }),
                 sessions.end());
}

int64_t UnixNanos(absl::Time time) { return absl::ToUnixNanos(time); }

}  // namespace

namespace internal {

struct SessionCore {
  std::mutex mutex;
  SessionOptions options;
  std::string runtime_id = RandomUuid();

  std::string SpanName(Kind kind) const {
    switch (kind) {
      case Kind::kSession:
        return options.framework + ".test_session";
      case Kind::kModule:
        return options.framework + ".test_module";
      case Kind::kSuite:
        return options.framework + ".test_suite";
      case Kind::kTest:
        return options.framework + ".test";
    }
    return "";
  }

  EventMetadata Metadata() const {
    std::map<std::string, std::string> shared = options.environment_tags;
    shared["language"] = "cpp";
    shared["runtime-id"] = runtime_id;
    shared["library_version"] = ITR_LIBRARY_VERSION;
    shared["_dd.origin"] = "ciapp-test";
    shared["component"] = options.framework;
    shared["test.framework"] = options.framework;
    if (!options.framework_version.empty()) {
      shared["test.framework_version"] = options.framework_version;
    }
    shared["test.command"] = options.command;
    shared["test_session.name"] = options.session_name;
    if (!options.env.empty()) shared["env"] = options.env;
    EventMetadata metadata;
    for (const char* type :
         {"test", "test_suite_end", "test_module_end", "test_session_end"}) {
      metadata[type] = {{"test_session.name", options.session_name}};
    }
    // What this library can do, on test events (dd-trace-py's metadata
    // "test"): Test Impact Analysis only. No early flake detection, test
    // retries or test management, so none of their capabilities.
    metadata["test"]["_dd.library_capabilities.test_impact_analysis"] = "1";
    metadata["*"] = std::move(shared);
    return metadata;
  }

  // The event of a finished span; the caller's tags win over ours.
  Event BuildEvent(const SpanState& span, absl::Time end) const {
    Event event;
    event.name = SpanName(span.kind);
    event.service = options.service;
    event.start_ns = UnixNanos(span.start);
    event.duration_ns = std::max<int64_t>(0, UnixNanos(end) - event.start_ns);
    event.error = span.error || span.status == TestStatus::kFail;
    event.test_session_id = span.session_id;
    std::map<std::string, std::string>& meta = event.meta;
    // Also in metadata "*", repeated so that each event stands alone.
    meta["_dd.origin"] = "ciapp-test";
    meta["span.kind"] = "test";
    meta["component"] = options.framework;
    meta["test.framework"] = options.framework;
    if (!options.framework_version.empty()) {
      meta["test.framework_version"] = options.framework_version;
    }
    meta["test.command"] = options.command;
    meta["test.type"] = "test";
    meta["test.status"] = std::string(TestStatusName(span.status));
    if (!span.skip_reason.empty()) meta["test.skip_reason"] = span.skip_reason;
    switch (span.kind) {
      case Kind::kTest:
        FillTest(span, &event);
        break;
      case Kind::kSuite:
        event.type = "test_suite_end";
        event.test_module_id = span.module_id;
        event.test_suite_id = span.suite_id;
        // The bare name, as dd-trace-py's test_suite_end events have it.
        event.resource = span.name;
        if (options.itr_correlation_level == SkippingLevel::kSuite) {
          event.itr_correlation_id = options.itr_correlation_id;
        }
        meta["test.suite"] = span.name;
        meta["test.module"] = span.module_name;
        break;
      case Kind::kModule:
        event.type = "test_module_end";
        event.test_module_id = span.module_id;
        event.resource = span.name;
        meta["test.module"] = span.name;
        break;
      case Kind::kSession:
        event.type = "test_session_end";
        event.resource = options.framework + ".test_session." + options.command;
        break;
    }
    for (const auto& [key, value] : span.meta) meta[key] = value;
    event.metrics = span.metrics;
    return event;
  }

  void FillTest(const SpanState& span, Event* event) const {
    event->type = "test";
    event->version = 2;
    event->trace_id = span.trace_id;
    event->span_id = span.span_id;
    event->test_module_id = span.module_id;
    event->test_suite_id = span.suite_id;
    if (options.itr_correlation_level == SkippingLevel::kTest) {
      event->itr_correlation_id = options.itr_correlation_id;
    }
    event->resource = span.suite_name + "." + span.name;
    event->meta["test.name"] = span.name;
    event->meta["test.suite"] = span.suite_name;
    event->meta["test.module"] = span.module_name;
    // Without retries the final status is the status (all the clients);
    // monitors use it for hard failures.
    event->meta["test.final_status"] = std::string(TestStatusName(span.status));
  }

  // mutex held.
  void FinishTest(Test* test, TestStatus status, absl::Time end) {
    SpanState& span = *test->state_;
    if (span.finished) return;
    span.finished = true;
    span.status = status;
    if (options.sink) {
      options.sink->Write(BuildEvent(span, end));
      if (span.coverage) {
        options.sink->WriteCoverage(
            TestCoverage{.test_session_id = span.session_id,
                         .test_suite_id = span.suite_id,
                         .span_id = span.span_id,
                         .files = std::move(*span.coverage)});
      }
    }
    std::lock_guard lock(Active().mutex);
    auto& tests = Active().tests;
    tests.erase(std::remove_if(
                    tests.begin(), tests.end(),
                    [test](const auto& entry) { return entry.second == test; }),
                tests.end());
  }

  // mutex held. Finishes the unfinished children, rolls their status up,
  // writes the event.
  void FinishContainer(SpanState& span, std::optional<TestStatus> status,
                       absl::Time end) {
    if (span.finished) return;
    bool any_failed = span.error;
    bool all_skipped = !span.children.empty();
    for (const std::unique_ptr<TestSpan>& child : span.children) {
      SpanState& state = *child->state_;
      if (!state.finished) {
        const absl::Time child_end = std::max(end, state.start);
        if (state.kind == Kind::kTest) {
          // Started and never reported as done: it did not pass.
          FinishTest(static_cast<Test*>(child.get()), TestStatus::kFail,
                     child_end);
        } else {
          FinishContainer(state, std::nullopt, child_end);
        }
      }
      any_failed |= state.status == TestStatus::kFail;
      all_skipped &= state.status == TestStatus::kSkip;
    }
    span.finished = true;
    span.status = any_failed    ? TestStatus::kFail
                  : status      ? *status
                  : all_skipped ? TestStatus::kSkip
                                : TestStatus::kPass;
    if (options.sink) options.sink->Write(BuildEvent(span, end));
  }

  // mutex held. A child of `parent` (of the next kind down).
  std::unique_ptr<SpanState> Child(const SpanState& parent, Kind kind,
                                   std::string_view name,
                                   std::optional<absl::Time> start) {
    auto state = std::make_unique<SpanState>();
    state->kind = kind;
    state->name = std::string(name);
    state->span_id = RandomId();
    state->start = start.value_or(absl::Now());
    state->session_id = parent.session_id;
    state->module_id = parent.module_id;
    state->suite_id = parent.suite_id;
    state->module_name = parent.module_name;
    state->suite_name = parent.suite_name;
    switch (kind) {
      case Kind::kModule:
        state->module_id = state->span_id;
        state->module_name = state->name;
        break;
      case Kind::kSuite:
        state->suite_id = state->span_id;
        state->suite_name = state->name;
        break;
      case Kind::kTest:
        state->trace_id = RandomId();
        break;
      case Kind::kSession:
        break;
    }
    return state;
  }
};

}  // namespace internal

std::string_view TestStatusName(TestStatus status) {
  switch (status) {
    case TestStatus::kPass:
      return "pass";
    case TestStatus::kFail:
      return "fail";
    case TestStatus::kSkip:
      return "skip";
  }
  return "pass";
}

// --- TestSpan ---------------------------------------------------------------

TestSpan::TestSpan(internal::SessionCore* core,
                   std::unique_ptr<internal::SpanState> state)
    : core_(core), state_(std::move(state)) {}

TestSpan::~TestSpan() = default;

void TestSpan::SetTag(std::string_view key, std::string_view value) {
  std::lock_guard lock(core_->mutex);
  state_->meta[std::string(key)] = std::string(value);
}

void TestSpan::SetMetric(std::string_view key, double value) {
  std::lock_guard lock(core_->mutex);
  state_->metrics[std::string(key)] = value;
}

void TestSpan::SetError(std::string_view type, std::string_view message,
                        std::string_view stack) {
  std::lock_guard lock(core_->mutex);
  state_->error = true;
  state_->meta["error.type"] = std::string(type);
  state_->meta["error.message"] = std::string(message);
  if (!stack.empty()) state_->meta["error.stack"] = std::string(stack);
}

uint64_t TestSpan::span_id() const { return state_->span_id; }

bool TestSpan::finished() const {
  std::lock_guard lock(core_->mutex);
  return state_->finished;
}

// --- Test -------------------------------------------------------------------

void Test::SetParameters(std::string_view json) {
  SetTag("test.parameters", json);
}

void Test::SetSourceFile(std::string_view path) {
  SetTag("test.source.file", path);
}

void Test::SetSourceLines(int start, int end) {
  if (start > 0) SetMetric("test.source.start", start);
  if (end > 0) SetMetric("test.source.end", end);
}

void Test::SetCoverage(std::vector<FileLines> files) {
  std::lock_guard lock(core_->mutex);
  state_->coverage = std::move(files);
}

void Test::Finish(TestStatus status, std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::lock_guard lock(core_->mutex);
  core_->FinishTest(this, status, end);
}

void Test::Skip(std::string_view reason, std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::lock_guard lock(core_->mutex);
  if (!state_->finished) state_->skip_reason = std::string(reason);
  core_->FinishTest(this, TestStatus::kSkip, end);
}

// --- Containers -------------------------------------------------------------

Test* TestSuite::StartTest(std::string_view name,
                           std::optional<absl::Time> start_time) {
  Test* test = nullptr;
  {
    std::lock_guard lock(core_->mutex);
    auto owned = std::unique_ptr<Test>(new Test(
        core_, core_->Child(*state_, internal::Kind::kTest, name, start_time)));
    test = owned.get();
    state_->children.push_back(std::move(owned));
  }
  std::lock_guard lock(Active().mutex);
  Active().tests.emplace_back(std::this_thread::get_id(), test);
  return test;
}

void TestSuite::Finish(std::optional<TestStatus> status,
                       std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::lock_guard lock(core_->mutex);
  core_->FinishContainer(*state_, status, end);
}

void TestSuite::Skip(std::string_view reason,
                     std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::lock_guard lock(core_->mutex);
  if (!state_->finished) state_->skip_reason = std::string(reason);
  core_->FinishContainer(*state_, TestStatus::kSkip, end);
}

TestSuite* TestModule::StartSuite(std::string_view name,
                                  std::optional<absl::Time> start_time) {
  std::lock_guard lock(core_->mutex);
  auto owned = std::unique_ptr<TestSuite>(new TestSuite(
      core_, core_->Child(*state_, internal::Kind::kSuite, name, start_time)));
  TestSuite* suite = owned.get();
  state_->children.push_back(std::move(owned));
  return suite;
}

void TestModule::Finish(std::optional<TestStatus> status,
                        std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::lock_guard lock(core_->mutex);
  core_->FinishContainer(*state_, status, end);
}

// --- TestSession ------------------------------------------------------------

std::unique_ptr<TestSession> TestSession::Start(SessionOptions options) {
  if (options.session_name.empty()) {
    // dd-trace-go's default: the CI job and the command, so that two jobs
    // running the same command are two sessions.
    auto job = options.environment_tags.find("ci.job.name");
    options.session_name =
        job != options.environment_tags.end() && !job->second.empty()
            ? job->second + "-" + options.command
            : options.command;
  }
  auto core = std::make_unique<internal::SessionCore>();
  core->options = std::move(options);
  auto state = std::make_unique<internal::SpanState>();
  state->kind = internal::Kind::kSession;
  state->name = core->options.session_name;
  state->span_id = RandomId();
  state->session_id = state->span_id;
  state->start = core->options.start_time.value_or(absl::Now());
  if (core->options.sink) core->options.sink->SetMetadata(core->Metadata());
  std::unique_ptr<TestSession> session(
      new TestSession(std::move(core), std::move(state)));
  RegisterSession(session.get());
  return session;
}

TestSession::TestSession(std::unique_ptr<internal::SessionCore> owned,
                         std::unique_ptr<internal::SpanState> state)
    : TestSpan(owned.get(), std::move(state)), owned_core_(std::move(owned)) {}

TestSession::~TestSession() { Finish(); }

TestModule* TestSession::StartModule(std::string_view name,
                                     std::optional<absl::Time> start_time) {
  std::lock_guard lock(core_->mutex);
  auto owned = std::unique_ptr<TestModule>(new TestModule(
      core_, core_->Child(*state_, internal::Kind::kModule, name, start_time)));
  TestModule* module = owned.get();
  state_->children.push_back(std::move(owned));
  return module;
}

void TestSession::Finish(std::optional<TestStatus> status,
                         std::optional<absl::Time> end_time) {
  const absl::Time end = end_time.value_or(absl::Now());
  std::shared_ptr<EventSink> sink;
  {
    std::lock_guard lock(core_->mutex);
    if (!state_->finished) {
      core_->FinishContainer(*state_, status, end);
      sink = core_->options.sink;
    }
  }
  // Outside the model's lock: sending may take a while.
  if (sink) sink->Flush();
  UnregisterSession(this);
}

const SessionOptions& TestSession::options() const { return core_->options; }

Test* ActiveTest() {
  std::lock_guard lock(Active().mutex);
  const auto& tests = Active().tests;
  const std::thread::id self = std::this_thread::get_id();
  for (auto it = tests.rbegin(); it != tests.rend(); ++it) {
    if (it->first == self) return it->second;
  }
  return tests.empty() ? nullptr : tests.back().second;
}

}  // namespace itr::datadog
