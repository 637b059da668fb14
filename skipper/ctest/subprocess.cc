#include "skipper/ctest/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace itr::skipper::ctest {

namespace {

absl::StatusOr<int> Spawn(const std::vector<std::string>& argv, int stdout_fd) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  }
  pid_t pid = 0;
  int error =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot start ", argv[0], ": ", strerror(error)));
  }
  if (stdout_fd >= 0) close(stdout_fd);
  return pid;
}

absl::StatusOr<int> Wait(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(strerror(errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace

absl::StatusOr<int> RunProcess(const std::vector<std::string>& argv) {
  absl::StatusOr<int> pid = Spawn(argv, -1);
  if (!pid.ok()) return pid.status();
  return Wait(*pid);
}

absl::StatusOr<int> RunCapturing(const std::vector<std::string>& argv,
                                 std::string* out) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError(strerror(errno));
  absl::StatusOr<int> pid = Spawn(argv, fds[1]);  // closes fds[1]
  if (!pid.ok()) {
    close(fds[0]);
    close(fds[1]);
    return pid.status();
  }
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  return Wait(*pid);
}

}  // namespace itr::skipper::ctest
