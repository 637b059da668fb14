#include "skipper/store/store_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace itr::skipper {

namespace {

constexpr char kSqliteMagic[16] = "SQLite format 3";  // and its '\0'

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

const char* FileType(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool InStoreDirectory(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  size_t name = dir.rfind('/');
  return dir.substr(name == std::string::npos ? 0 : name + 1) == ".itr";
}

// Reads up to `size` bytes at the start of `path`; -1 when it cannot.
ssize_t ReadHead(const std::string& path, unsigned char* head, size_t size) {
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, head + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  return static_cast<ssize_t>(got);
}

// Renames `from` to `to` unless `to` exists (errno EEXIST): the name is
// taken atomically or not at all, so two processes moving stores aside
// never pick the same one.
bool MoveWithoutReplacing(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) return false;
  // A file system without RENAME_NOREPLACE: link() refuses an existing name
  // too.
  if (link(from.c_str(), to.c_str()) != 0) return false;
  unlink(from.c_str());
  return true;
}

}  // namespace

StoreFile InspectStoreFile(const std::string& path) {
  StoreFile file;
  file.in_store_directory = InStoreDirectory(path);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return file;  // kMissing
    file.kind = StoreFileKind::kForeign;
    file.what = absl::StrCat("cannot be examined (", strerror(errno), ")");
    return file;
  }
  if (!S_ISREG(st.st_mode)) {
    file.kind = StoreFileKind::kForeign;
    file.what = absl::StrCat("is ", FileType(st.st_mode));
    return file;
  }
  file.size = st.st_size;
  unsigned char head[100] = {};
  ssize_t got = ReadHead(path, head, sizeof(head));
  if (got < 0) {
    file.kind = StoreFileKind::kForeign;
    file.what = absl::StrCat("cannot be read (", strerror(errno), ")");
  } else if (got == 0) {
    file.kind = StoreFileKind::kEmpty;
  } else if (got < static_cast<ssize_t>(sizeof(head)) ||
             memcmp(head, kSqliteMagic, sizeof(kSqliteMagic)) != 0) {
    file.kind = StoreFileKind::kUnreadable;
    file.what = "is not an SQLite database";
  } else if (const uint32_t id = BigEndian32(head + 68);
             id == static_cast<uint32_t>(kStoreApplicationId)) {
    file.kind = StoreFileKind::kOurs;
  } else if (id == 0) {
    file.kind = StoreFileKind::kUnmarked;
  } else {
    file.kind = StoreFileKind::kForeign;
    file.what = absl::StrFormat(
        "is another program's SQLite database (application_id 0x%08x)", id);
  }
  return file;
}

absl::StatusOr<std::string> MoveStoreAside(const std::string& path,
                                           const std::string& label) {
  char stamp[32] = "";
  time_t now = time(nullptr);
  struct tm utc {};
  if (gmtime_r(&now, &utc) != nullptr) {
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
  }
  const std::string base =
      absl::StrCat(path, ".", label, "-", stamp, "-", getpid());
  for (int n = 0; n < 1000; ++n) {
    std::string aside = n == 0 ? base : absl::StrCat(base, "-", n);
    if (MoveWithoutReplacing(path, aside)) {
      for (const char* suffix : {"-wal", "-shm"}) {
        MoveWithoutReplacing(path + suffix, aside + suffix);
      }
      return aside;
    }
    if (errno == EEXIST) continue;
    if (errno == ENOENT) return aside;  // another process moved it already
    return absl::UnavailableError(
        absl::StrCat("cannot move ", path, " aside (", strerror(errno), ")"));
  }
  return absl::UnavailableError(
      absl::StrCat("cannot find a free name to move ", path, " aside"));
}

}  // namespace itr::skipper
