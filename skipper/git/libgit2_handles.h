// Small RAII owners for libgit2 objects, and one-time library setup.
// Internal to skipper/git.
#ifndef ITR_SKIPPER_GIT_LIBGIT2_HANDLES_H_
#define ITR_SKIPPER_GIT_LIBGIT2_HANDLES_H_

#include <git2.h>

#include <string>

namespace itr::skipper::git_internal {

// libgit2 is initialised once per process and never shut down (other
// parts of the process, and static destructors, may still use it).
inline void EnsureLibgit2() {
  static const int initialized = git_libgit2_init();
  (void)initialized;
}

template <typename T, void (*Free)(T*)>
class Owned {
 public:
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (ptr_ != nullptr) Free(ptr_);
  }
  T** out() { return &ptr_; }
  T* get() const { return ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  T* ptr_ = nullptr;
};

using Repository = Owned<git_repository, git_repository_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Object = Owned<git_object, git_object_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Packbuilder = Owned<git_packbuilder, git_packbuilder_free>;

// The message of libgit2's last error, for a Status.
inline std::string LastGitError() {
  const git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message
                                                       : "unknown error";
}

inline std::string OidHex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof(hex), oid);
  return hex;
}

}  // namespace itr::skipper::git_internal

#endif  // ITR_SKIPPER_GIT_LIBGIT2_HANDLES_H_
