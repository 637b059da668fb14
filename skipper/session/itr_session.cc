#include "skipper/session/itr_session.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "itr/environment_switch.h"
#include "skipper/base/process_info.h"
#include "skipper/base/redact_secrets.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/decision/shard_partition.h"
#include "skipper/markers/unskippable.h"
#include "skipper/session/backend_choice.h"

namespace itr::skipper {

namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

std::string Summary(size_t skipped, size_t considered, double saved_ms,
                    size_t forced, bool collect_only) {
  return absl::StrFormat(
      "skipped %zu of %zu tests, est. %.1f s saved%s%s", skipped, considered,
      saved_ms / 1000.0,
      forced == 0 ? std::string()
                  : absl::StrFormat(" (%zu unskippable forced to run)", forced),
      collect_only ? " [collect-only]" : "");
}

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// Whether `dir`, or a directory above it, has a .git (a directory, or the
// file of a worktree or submodule).
bool InGitWorkTree(std::string dir) {
  while (true) {
    if (Exists(dir + "/.git")) return true;
    const size_t slash = dir.rfind('/');
    if (dir == "/" || slash == std::string::npos) return false;
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

// Says why tests may run that the user did not expect to: the repository
// root is where code counts as the project's (files outside it are no
// dependency, so a test that only runs such code always runs), and it is
// not what the user named, or not a git repository.
void WarnAboutRepositoryRoot(const std::string& root, const GetEnv& getenv,
                             Diagnostics& diagnostics) {
  const char* named = getenv("ITR_REPO_ROOT");
  const std::string given = named != nullptr ? named : "";
  if (!given.empty() && !Exists(given)) {
    diagnostics.Warning(absl::StrCat("ITR_REPO_ROOT '", given,
                                     "' does not exist; the repository root "
                                     "is ",
                                     root, " instead"));
  }
  if (InGitWorkTree(root)) return;
  const std::string what =
      !given.empty() && Exists(given)
          ? absl::StrCat("ITR_REPO_ROOT '", given,
                         "' is not in a git repository (no .git in it or "
                         "above)")
          : absl::StrCat(
                "no git repository (.git) above the sources this binary was "
                "compiled from or the working directory; the repository root "
                "is ",
                root);
  diagnostics.Warning(absl::StrCat(
      what,
      ": only files under it are tracked, so tests whose code lies elsewhere "
      "always run"));
}

}  // namespace

ItrSession::ItrSession(SessionOptions options) : options_(std::move(options)) {
  if (options_.diagnostics == nullptr) {
    options_.diagnostics = &ProcessDiagnostics();
  }
  if (!options_.getenv) options_.getenv = ::getenv;
  if (options_.module.empty()) options_.module = CurrentModuleName();
  if (options_.command.empty()) options_.command = CurrentCommandLine();
}

ItrSession::~ItrSession() = default;

std::unique_ptr<ItrSession> ItrSession::Start(SessionOptions options) {
  std::unique_ptr<ItrSession> session(new ItrSession(std::move(options)));
  Diagnostics& diagnostics = session->diagnostics();
  session->settings_ = LoadSettings(session->options_.getenv,
                                    session->options_.repo_root, diagnostics);
  diagnostics.set_verbosity(session->settings_.verbosity);
  if (!session->settings_.itr_enabled) {
    // An unreadable switch already said why.
    if (!session->settings_.itr_enabled_invalid) {
      diagnostics.Info(ITR_DISABLED_LINE);
    }
    return session;
  }
  session->enabled_ = true;
  WarnAboutRepositoryRoot(session->options_.repo_root, session->options_.getenv,
                          diagnostics);
  return session;
}

void ItrSession::OpenBackend() {
  if (std::string why = options_.coverage->Unavailable(); !why.empty()) {
    diagnostics().Warning(why + "; all tests run");
    backend_ = std::make_unique<NullBackend>(why);
    return;
  }
  BackendContext context;
  context.repo_root = options_.repo_root;
  context.module = options_.module;
  context.build_configuration = options_.build_configuration;
  context.framework = options_.framework;
  context.framework_version = options_.framework_version;
  context.command = options_.command;
  context.planning_built_at_ns = options_.planning_built_at_ns;
  context.objects = options_.coverage->Objects();
  context.getenv = options_.getenv;
  backend_ = ChooseBackend(settings_, context, diagnostics());
  diagnostics().Detail(
      1, absl::StrCat("framework ", options_.framework, " ",
                      options_.framework_version, ", module ", options_.module,
                      ", store ", RedactSecrets(settings_.store_path)));
}

std::string ItrSession::RepoRelative(const std::string& file) const {
  const std::string& root = options_.repo_root;
  if (!root.empty() && file.compare(0, root.size() + 1, root + "/") == 0) {
    return file.substr(root.size() + 1);
  }
  return file;
}

std::string ItrSession::SharedUnskippableReason(const std::string& suite,
                                                const std::string& name) const {
  return UnskippableBy({suite, name, ""}, settings_.unskippable_patterns);
}

const std::vector<TestDecision>& ItrSession::Plan(
    std::vector<PlannedTest> tests) {
  planned_ = std::move(tests);
  auto started = std::chrono::steady_clock::now();
  if (backend_ == nullptr) OpenBackend();
  absl::StatusOr<std::vector<TestDecision>> decisions =
      backend_->Plan(planned_);
  if (!decisions.ok()) {
    diagnostics().Warning(absl::StrCat(
        "cannot plan (", decisions.status().message(), "); all tests run"));
    backend_ = std::make_unique<NullBackend>("planning failed");
    decisions = backend_->Plan(planned_);
  }
  decisions_ = std::move(*decisions);
  options_.coverage->WantFiles(backend_->WantsFiles());
  diagnostics().Detail(1, absl::StrFormat("planned in %.1f ms from %s",
                                          MillisecondsSince(started),
                                          RedactSecrets(settings_.store_path)));
  return decisions_;
}

void ItrSession::RunAnyway(size_t index, const std::string& reason) {
  TestDecision& decision = decisions_[index];
  decision.skip = false;
  decision.forced = false;
  decision.reason = reason;
}

std::optional<std::vector<size_t>> ItrSession::ShardTests(
    const std::vector<size_t>& considered, int total_shards, int shard_index) {
  if (settings_.sharding != Sharding::kBalanced || total_shards < 1 ||
      shard_index < 0 || shard_index >= total_shards) {
    return std::nullopt;
  }
  // Whatever goes wrong below, the other shards may have planned: neither
  // their partition nor the framework's is known to cover what they left to
  // this one, so it runs every test.
  auto run_every_test = [&](const std::string& why) {
    diagnostics().Warning(absl::StrCat(
        "ITR_SHARDING=balanced: ", why,
        "; this shard runs every test so that none is left to no shard"));
    return considered;
  };
  if (!records()) return run_every_test("no plan from recorded results");
  // This shard's proposal: the tests it would run, by duration.
  std::vector<size_t> to_run;
  std::vector<std::optional<double>> durations;
  for (size_t i : considered) {
    if (decisions_[i].skip) continue;
    to_run.push_back(i);
    durations.push_back(decisions_[i].recorded_duration_ms);
  }
  const std::vector<int> shard_of = BalancedShards(durations, total_shards);
  std::vector<int> proposed(considered.size(), -1);
  for (size_t k = 0, next = 0; k < considered.size(); ++k) {
    if (next < to_run.size() && to_run[next] == considered[k]) {
      proposed[k] = shard_of[next++];
    }
  }
  // The run's plan: the first shard's proposal, shared through the store.
  std::vector<std::string> keys;
  keys.reserve(considered.size());
  for (size_t i : considered) keys.push_back(planned_[i].identity.Key());
  const std::string key = ShardPlanKey(
      ShardedRunIdentity(), options_.build_configuration, total_shards, keys);
  absl::StatusOr<std::string> shared = backend_->SharedShardPlan(
      key, ShardPlan(std::move(proposed), total_shards).Encode());
  // No store (Datadog's backend): every shard of the run is in this case,
  // and deals by position alone (a plan that splits nothing), which needs
  // no shared view.
  absl::StatusOr<ShardPlan> plan =
      ShardPlan(std::vector<int>(considered.size(), -1), total_shards);
  if (shared.ok()) {
    plan = ShardPlan::Decode(*shared, considered.size(), total_shards);
    if (!plan.ok()) {
      return run_every_test(std::string(plan.status().message()));
    }
  } else if (absl::IsUnimplemented(shared.status())) {
    diagnostics().Warning(
        "ITR_SHARDING=balanced needs the local store to share a plan; the "
        "tests are dealt round-robin");
  } else {
    return run_every_test(absl::StrCat("cannot share the shard plan (",
                                       shared.status().message(), ")"));
  }
  std::vector<size_t> in_shard;
  size_t runs = 0;
  for (size_t k = 0; k < considered.size(); ++k) {
    if (plan->OwnerOf(k) != shard_index) continue;
    in_shard.push_back(considered[k]);
    runs += !decisions_[considered[k]].skip;
  }
  diagnostics().Detail(
      1, absl::StrFormat("balanced shard %d of %d (plan %s): runs %zu of the "
                         "%zu tests the plan splits, %zu here",
                         shard_index, total_shards, key.substr(0, 12),
                         plan->planned(), to_run.size(), runs));
  return in_shard;
}

std::string ItrSession::ShardedRunIdentity() const {
  if (!settings_.run_id.empty()) return "run " + settings_.run_id;
  // The commit: every shard of a pipeline has it, a retried or rerun job
  // too (a pipeline id is not kept by every CI's reruns, nor shared by a
  // Jenkins matrix' configurations), and the next commit gets a new plan.
  const GetEnv getenv = options_.getenv ? options_.getenv : GetEnv(::getenv);
  if (const char* sha = getenv("DD_GIT_COMMIT_SHA"); sha != nullptr && *sha) {
    return absl::StrCat("commit ", sha);
  }
  const Tags ci = DetectCiTags(getenv);
  auto sha = ci.find(kTagCommitSha);
  if (sha == ci.end() || sha->second.empty()) return "";
  return absl::StrCat("commit ", sha->second);
}

std::vector<size_t> ItrSession::SelectTests(
    const std::vector<size_t>& considered) {
  std::vector<size_t> skipped;
  std::vector<TestIdentity> to_run;
  size_t forced = 0;
  double saved_ms = 0;
  for (size_t i : considered) {
    const TestDecision& d = decisions_[i];
    forced += d.forced;
    diagnostics().Detail(
        d.skip ? 1 : 2,
        absl::StrCat(d.skip ? "skip " : "run  ",
                     NameInLine(planned_[i].identity.Key()), ": ", d.reason));
    if (!d.skip) {
      to_run.push_back(planned_[i].identity);
      continue;
    }
    saved_ms += d.estimated_saving_ms;
    skipped.push_back(i);
    skipped_.push_back({planned_[i].identity, d});
  }
  diagnostics().Info(Summary(skipped.size(), considered.size(), saved_ms,
                             forced, settings_.collect_only));
  if (backend_ != nullptr) backend_->TestsWillRun(to_run);
  return skipped;
}

void ItrSession::RecordCodeBeforeTests() {
  if (code_before_tests_recorded_) return;
  code_before_tests_recorded_ = true;
  backend_->OutsideTestsExecuted(options_.coverage->OutsideTests(),
                                 /*final=*/false);
}

void ItrSession::TestStarted(size_t index) {
  RecordCodeBeforeTests();
  backend_->TestStarted(planned_[index].identity);
  options_.coverage->TestStarted(planned_[index].identity);
  started_unix_ns_ = absl::ToUnixNanos(absl::Now());
  started_ = std::chrono::steady_clock::now();
}

void ItrSession::TestsLaunched(const std::vector<size_t>& indices) {
  RecordCodeBeforeTests();
  std::vector<TestIdentity> tests;
  for (size_t i : indices) tests.push_back(planned_[i].identity);
  backend_->TestsLaunched(tests);
}

void ItrSession::TestFinished(size_t index, TestOutcome outcome,
                              const std::optional<TestTiming>& timing) {
  const PlannedTest& test = planned_[index];
  TestRun run;
  run.executed = options_.coverage->TestEnded(test.identity);
  run.duration_ms = timing ? timing->duration_ms : MillisecondsSince(started_);
  run.start_unix_ns = timing ? timing->start_unix_ns : started_unix_ns_;
  run.identity = test.identity;
  run.outcome = outcome;
  run.unskippable = test.unskippable;
  run.forced = decisions_[index].forced;
  run.uncompiled_files = test.uncompiled_files;
  backend_->TestFinished(run);
  WarnAboutRecording();
}

void ItrSession::Finish(const SessionEnd& end) {
  if (finished_ || backend_ == nullptr) return;
  finished_ = true;
  backend_->OutsideTestsExecuted(options_.coverage->OutsideTests(),
                                 /*final=*/end.clean);
  backend_->TestsSkipped(skipped_);
  backend_->SessionEnded(end);
  WarnAboutRecording();
}

void ItrSession::WarnAboutRecording() {
  if (warned_about_recording_ || backend_->FirstError().empty()) return;
  warned_about_recording_ = true;
  diagnostics().Warning("cannot record results (" + backend_->FirstError() +
                        "); this run will not be used for skipping");
}

}  // namespace itr::skipper
