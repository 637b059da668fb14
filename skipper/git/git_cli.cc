#include "skipper/git/git_cli.h"

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "skipper/base/subprocess.h"

extern char** environ;

namespace itr::skipper {

namespace {

std::mutex g_environment_mutex;
std::vector<std::string>* g_environment = nullptr;  // never freed

// The environment git runs in: the snapshot (or this process's), without a
// terminal prompt for credentials.
std::vector<std::string> GitEnvironment() {
  std::vector<std::string> env = {"GIT_TERMINAL_PROMPT=0"};
  std::vector<std::string>* snapshot;
  {
    std::lock_guard<std::mutex> lock(g_environment_mutex);
    snapshot = g_environment;
  }
  auto add = [&env](const char* entry) {
    if (strncmp(entry, "GIT_TERMINAL_PROMPT=", 20) != 0) env.push_back(entry);
  };
  if (snapshot != nullptr) {
    for (const std::string& entry : *snapshot) add(entry.c_str());
  } else {
    for (char** entry = environ; entry != nullptr && *entry != nullptr;
         ++entry) {
      add(*entry);
    }
  }
  return env;
}

}  // namespace

void SnapshotEnvironmentForGit() {
  auto* copy = new std::vector<std::string>();
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    copy->push_back(*entry);
  }
  std::lock_guard<std::mutex> lock(g_environment_mutex);
  // A previous snapshot stays alive: a running RunGit may still use it.
  g_environment = copy;
}

absl::StatusOr<std::string> RunGit(const std::string& repo_root,
                                   const std::vector<std::string>& args,
                                   absl::Duration timeout) {
  std::vector<std::string> argv = {"git", "-c", "safe.directory=" + repo_root,
                                   "-C", repo_root};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = GitEnvironment();
  SubprocessOptions options;
  options.capture_stdout = options.capture_stderr = true;
  options.stdin_from_null = true;
  options.timeout = timeout;
  options.environment = &env;
  absl::StatusOr<SubprocessResult> result = RunSubprocess(argv, options);
  if (!result.ok()) {
    return absl::NotFoundError(
        absl::StrCat("cannot run git: ", result.status().message()));
  }
  std::string command = absl::StrJoin(args, " ");
  if (result->timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat("git ", command, ": timed out"));
  }
  // 127: the shell convention for "command not found" from posix_spawnp
  // implementations that report it through the exit status.
  if (result->exit_code == 127) return absl::NotFoundError("cannot run git");
  if (result->exit_code != 0) {
    return absl::UnknownError(absl::StrCat("git ", command, ": ", result->err));
  }
  return std::move(result->out);
}

}  // namespace itr::skipper
