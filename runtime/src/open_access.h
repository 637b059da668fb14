// What an open() does to a file, from its flags: the rule of read tracking
// (docs/runtime.md, "Read tracking").
#ifndef ITR_RUNTIME_OPEN_ACCESS_H_
#define ITR_RUNTIME_OPEN_ACCESS_H_

namespace itr::runtime {

enum class FileAccess {
  kNone,   // no content is read or written: O_PATH, O_DIRECTORY, O_TMPFILE
  kRead,   // the content that was there may be read
  kWrite,  // the window produces the content: O_WRONLY, O_TRUNC, created
};

// True when ClassifyOpen needs to know whether the file existed before the
// call: a readable open with O_CREAT but neither O_EXCL nor O_TRUNC reads
// an existing file and creates a new one.
bool OpenNeedsExistence(int flags);

// The access of an open(2) with `flags`; `existed` is consulted only when
// OpenNeedsExistence(flags).
FileAccess ClassifyOpen(int flags, bool existed);

// The open(2) flags of an fopen() mode ("r", "w+", "a+x", "rb,ccs=UTF-8"),
// as glibc reads it; -1 for an invalid mode (fopen fails with EINVAL).
int OpenFlagsOfMode(const char* mode);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_OPEN_ACCESS_H_
