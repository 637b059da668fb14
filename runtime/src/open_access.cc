#include "open_access.h"

#include <fcntl.h>

namespace itr::runtime {

namespace {

bool Readable(int flags) {
  int mode = flags & O_ACCMODE;
  return mode == O_RDONLY || mode == O_RDWR;
}

}  // namespace

bool OpenNeedsExistence(int flags) {
  return Readable(flags) && (flags & O_CREAT) != 0 &&
         (flags & (O_EXCL | O_TRUNC | O_PATH | O_DIRECTORY)) == 0;
}

FileAccess ClassifyOpen(int flags, bool existed) {
  // No content: a handle (O_PATH), a directory listing (O_DIRECTORY), an
  // anonymous file in a directory (O_TMPFILE, which includes O_DIRECTORY).
  if ((flags & (O_PATH | O_DIRECTORY)) != 0) return FileAccess::kNone;
  if (!Readable(flags)) return FileAccess::kWrite;  // O_WRONLY
  if ((flags & O_TRUNC) != 0) return FileAccess::kWrite;
  if ((flags & O_CREAT) != 0 && ((flags & O_EXCL) != 0 || !existed)) {
    return FileAccess::kWrite;  // created by this call
  }
  return FileAccess::kRead;
}

int OpenFlagsOfMode(const char* mode) {
  int flags;
  switch (mode[0]) {
    case 'r':
      flags = O_RDONLY;
      break;
    case 'w':
      flags = O_WRONLY | O_CREAT | O_TRUNC;
      break;
    case 'a':
      flags = O_WRONLY | O_CREAT | O_APPEND;
      break;
    default:
      return -1;
  }
  // glibc looks at up to 6 more characters, stopping at ','.
  for (int i = 1; i < 7 && mode[i] != '\0' && mode[i] != ','; ++i) {
    if (mode[i] == '+') flags = (flags & ~O_ACCMODE) | O_RDWR;
    if (mode[i] == 'x') flags |= O_EXCL;
  }
  return flags;
}

}  // namespace itr::runtime
