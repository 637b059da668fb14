#include "skipper/git/work_tree_status.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "skipper/git/libgit2_handles.h"

namespace itr::skipper {

using git_internal::EnsureLibgit2;
using git_internal::Owned;
using git_internal::Repository;

namespace {

bool IsSourceLike(std::string_view path) {
  static constexpr std::string_view kExtensions[] = {
      ".c",   ".cc",  ".cpp", ".cxx", ".c++", ".h",   ".hh", ".hpp",
      ".hxx", ".h++", ".inc", ".inl", ".ipp", ".tcc", ".cu", ".cuh"};
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view extension = path.substr(dot);
  for (std::string_view known : kExtensions) {
    if (extension == known) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> UncommittedChanges(
    const std::string& repo_path) {
  EnsureLibgit2();
  Repository repo;
  if (git_repository_open_ext(repo.out(), repo_path.c_str(), 0, nullptr) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no git repository at or above ", repo_path));
  }
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // Submodules count (a moved or edited one changes what is built), and
  // untracked files are listed so that new sources can be seen; ignored
  // files are not.
  options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  Owned<git_status_list, git_status_list_free> list;
  if (git_status_list_new(list.out(), repo.get(), &options) != 0) {
    const git_error* error = git_error_last();
    return absl::UnavailableError(
        absl::StrCat("git status failed: ", error ? error->message : "?"));
  }
  std::vector<std::string> changed;
  size_t count = git_status_list_entrycount(list.get());
  for (size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    if (entry->status == GIT_STATUS_CURRENT) continue;
    const git_diff_delta* delta = entry->index_to_workdir
                                      ? entry->index_to_workdir
                                      : entry->head_to_index;
    const char* path = nullptr;
    if (delta != nullptr) {
      path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
    }
    if (path == nullptr) {
      changed.push_back("(a change git could not name)");
      continue;
    }
    // An untracked file matters when a build could pick it up: a source
    // or header (globbed sources, an include found by search path).
    if (entry->status == GIT_STATUS_WT_NEW && !IsSourceLike(path)) continue;
    changed.push_back(path);
  }
  return changed;
}

}  // namespace itr::skipper
