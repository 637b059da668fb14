#include "skipper/base/bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper {

namespace {

std::string SizeText(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes >= 1024 && bytes % 1024 == 0)
    return absl::StrCat(bytes >> 10, " KiB");
  return absl::StrCat(bytes, " bytes");
}

absl::Status CannotRead(int error) {
  if (error == ENOENT) return absl::NotFoundError("does not exist");
  return absl::UnavailableError(
      absl::StrCat("cannot be read (", strerror(error), ")"));
}

}  // namespace

absl::StatusOr<std::string> ReadSmallRegularFile(const std::string& path,
                                                 size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == EISDIR) return absl::FailedPreconditionError("is a directory");
    return CannotRead(errno);
  }
  struct stat st {};
  absl::Status problem;
  if (fstat(fd, &st) != 0) {
    problem = CannotRead(errno);
  } else if (S_ISDIR(st.st_mode)) {
    problem = absl::FailedPreconditionError("is a directory");
  } else if (!S_ISREG(st.st_mode)) {
    problem = absl::FailedPreconditionError("is not a regular file");
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    problem = absl::ResourceExhaustedError(
        absl::StrCat("is larger than ", SizeText(max_bytes)));
  }
  std::string text;
  while (problem.ok()) {
    char buffer[16384];
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = CannotRead(errno);
    } else if (n == 0) {
      break;
    } else if (text.size() + static_cast<size_t>(n) > max_bytes) {
      // It grew since fstat.
      problem = absl::ResourceExhaustedError(
          absl::StrCat("is larger than ", SizeText(max_bytes)));
    } else {
      text.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!problem.ok()) return problem;
  return text;
}

}  // namespace itr::skipper
