#include "skipper/git/git_cli.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace itr::skipper {

namespace {

class Pipe {
 public:
  Pipe() {
    if (pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void CloseRead() { Close(&fds_[0]); }
  void CloseWrite() { Close(&fds_[1]); }

 private:
  static void Close(int* fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  int fds_[2];
};

}  // namespace

namespace {

std::mutex g_environment_mutex;
std::vector<std::string>* g_environment = nullptr;  // never freed

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
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);

  // Never wait for credentials on a terminal.
  std::vector<std::string> env_storage = {"GIT_TERMINAL_PROMPT=0"};
  std::vector<char*> c_env = {env_storage[0].data()};
  std::vector<std::string>* snapshot;
  {
    std::lock_guard<std::mutex> lock(g_environment_mutex);
    snapshot = g_environment;
  }
  if (snapshot != nullptr) {
    for (std::string& entry : *snapshot) {
      if (entry.compare(0, 20, "GIT_TERMINAL_PROMPT=") != 0) {
        c_env.push_back(entry.data());
      }
    }
  } else {
    for (char** entry = environ; entry != nullptr && *entry != nullptr;
         ++entry) {
      if (strncmp(*entry, "GIT_TERMINAL_PROMPT=", 20) != 0) {
        c_env.push_back(*entry);
      }
    }
  }
  c_env.push_back(nullptr);

  Pipe out, err;
  if (!out.ok() || !err.ok()) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out.read_end());
  posix_spawn_file_actions_addclose(&actions, err.read_end());
  pid_t pid = 0;
  int spawn_error =
      posix_spawnp(&pid, "git", &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot run git: ", strerror(spawn_error)));
  }
  out.CloseWrite();
  err.CloseWrite();

  // Read both streams until they close, so a chatty stderr cannot block
  // the child.
  std::string stdout_text, stderr_text;
  absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  struct pollfd fds[2] = {{out.read_end(), POLLIN, 0},
                          {err.read_end(), POLLIN, 0}};
  int open_streams = 2;
  while (open_streams > 0) {
    int wait_ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (wait_ms <= 0) {
      timed_out = true;
      break;
    }
    int ready = poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        (i == 0 ? stdout_text : stderr_text).append(buffer, n);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // closed (the Pipe closes the descriptor)
        --open_streams;
      }
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string command = absl::StrJoin(args, " ");
  if (timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat("git ", command, ": timed out"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // 127: the shell convention for "command not found" from posix_spawnp
    // implementations that report it through the exit status.
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      return absl::NotFoundError("cannot run git");
    }
    return absl::UnknownError(absl::StrCat("git ", command, ": ", stderr_text));
  }
  return stdout_text;
}

}  // namespace itr::skipper
