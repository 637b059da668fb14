#include "skipper/base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "skipper/base/status_macros.h"

extern char** environ;

namespace itr::skipper {

namespace {

// Both ends closed on destruction; the read end survives the spawn
// (O_CLOEXEC keeps it out of the child).
class Pipe {
 public:
  Pipe() {
    if (pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
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

// Reads the captured streams until they close or the deadline passes, so a
// chatty stream cannot block the child. Returns false on timeout.
bool Drain(Pipe* out, Pipe* err, absl::Time deadline, SubprocessResult* r) {
  struct pollfd fds[2] = {{out ? out->read_end() : -1, POLLIN, 0},
                          {err ? err->read_end() : -1, POLLIN, 0}};
  int open_streams = (out != nullptr) + (err != nullptr);
  while (open_streams > 0) {
    int wait_ms = -1;
    if (deadline != absl::InfiniteFuture()) {
      int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
      if (left <= 0) return false;
      wait_ms = static_cast<int>(std::min<int64_t>(left, INT32_MAX));
    }
    int ready = poll(fds, 2, wait_ms);
    if (ready <= 0) continue;  // EINTR or the deadline: checked above
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        (i == 0 ? r->out : r->err).append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // closed; the Pipe closes the descriptor
        --open_streams;
      }
    }
  }
  return true;
}

// Waits for `pid`, killing it first past the deadline.
int WaitFor(pid_t pid, absl::Time deadline, bool* timed_out) {
  int status = 0;
  for (;;) {
    pid_t done =
        waitpid(pid, &status, deadline == absl::InfiniteFuture() ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return 127;
    if (done == 0) {
      if (absl::Now() >= deadline) {
        *timed_out = true;
        kill(pid, SIGKILL);
        deadline = absl::InfiniteFuture();
      } else {
        usleep(10000);
      }
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace

absl::StatusOr<SubprocessResult> RunSubprocess(
    const std::vector<std::string>& argv, const SubprocessOptions& options) {
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  if (options.environment != nullptr) {
    for (const std::string& entry : *options.environment) {
      c_env.push_back(const_cast<char*>(entry.c_str()));
    }
    c_env.push_back(nullptr);
  }
  Pipe out, err;
  if ((options.capture_stdout && !out.ok()) ||
      (options.capture_stderr && !err.ok())) {
    return absl::UnavailableError("cannot create a pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_from_null) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
  }
  if (options.capture_stdout) {
    posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  }
  if (options.capture_stderr) {
    posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  }
  pid_t pid = 0;
  int error = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(),
                           options.environment ? c_env.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    std::string message =
        absl::StrCat("cannot start ", argv[0], ": ", strerror(error));
    return error == ENOENT ? absl::NotFoundError(message)
                           : absl::UnavailableError(message);
  }
  out.CloseWrite();
  err.CloseWrite();
  absl::Time deadline = options.timeout == absl::InfiniteDuration()
                            ? absl::InfiniteFuture()
                            : absl::Now() + options.timeout;
  SubprocessResult result;
  if (!Drain(options.capture_stdout ? &out : nullptr,
             options.capture_stderr ? &err : nullptr, deadline, &result)) {
    deadline = absl::Now();  // kill it now
  }
  result.exit_code = WaitFor(pid, deadline, &result.timed_out);
  return result;
}

absl::StatusOr<std::string> CaptureOutput(
    const std::vector<std::string>& argv) {
  SubprocessOptions options;
  options.capture_stdout = true;
  ITR_ASSIGN_OR_RETURN(SubprocessResult result, RunSubprocess(argv, options));
  if (result.exit_code != 0) {
    std::string command = argv.empty() ? "" : argv[0];
    if (argv.size() > 1) command += " " + argv[1];
    return absl::UnavailableError(command + " exited with " +
                                  std::to_string(result.exit_code));
  }
  return std::move(result.out);
}

}  // namespace itr::skipper
