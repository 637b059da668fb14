#include "skipper/datadog/git_upload_flow.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "skipper/base/status_macros.h"
#include "skipper/git/git_upload.h"

namespace itr::skipper::datadog {

namespace {

struct CommitState {
  std::vector<std::string> latest;
  std::vector<std::string> known;
};

absl::StatusOr<CommitState> AskBackend(ApiClient& api,
                                       const std::string& repo_root,
                                       const std::string& repository_url,
                                       absl::Time deadline) {
  CommitState state;
  absl::StatusOr<std::vector<std::string>> latest = LatestCommits(repo_root);
  ITR_RETURN_IF_ERROR(latest.status());
  state.latest = std::move(*latest);
  absl::StatusOr<std::vector<std::string>> known =
      api.SearchCommits(repository_url, state.latest, deadline);
  ITR_RETURN_IF_ERROR(known.status());
  state.known = std::move(*known);
  return state;
}

bool AllKnown(const CommitState& state) {
  std::set<std::string> known(state.known.begin(), state.known.end());
  return std::all_of(state.latest.begin(), state.latest.end(),
                     [&](const std::string& sha) { return known.count(sha); });
}

}  // namespace

absl::StatusOr<GitUploadResult> UploadGitMetadata(
    ApiClient& api, const std::string& repo_root,
    const std::string& repository_url, bool unshallow, absl::Time deadline) {
  GitUploadResult result;
  absl::StatusOr<CommitState> state =
      AskBackend(api, repo_root, repository_url, deadline);
  ITR_RETURN_IF_ERROR(state.status());
  if (AllKnown(*state)) {
    result.unnecessary = true;
    return result;
  }
  absl::StatusOr<bool> shallow = IsShallow(repo_root);
  if (unshallow && shallow.ok() && *shallow) {
    absl::Status deepened = Unshallow(repo_root, deadline);
    if (deepened.ok()) {
      result.unshallowed = true;
      state = AskBackend(api, repo_root, repository_url, deadline);
      ITR_RETURN_IF_ERROR(state.status());
    } else {
      result.warning =
          absl::StrCat("cannot unshallow the clone (", deepened.message(),
                       "); uploading what it has");
    }
  }
  std::set<std::string> known(state->known.begin(), state->known.end());
  std::vector<std::string> missing;
  for (const std::string& sha : state->latest) {
    if (!known.count(sha)) missing.push_back(sha);
  }
  absl::StatusOr<std::vector<std::string>> objects =
      ObjectsToUpload(repo_root, state->known, missing);
  ITR_RETURN_IF_ERROR(objects.status());
  if (objects->empty()) return result;
  absl::StatusOr<std::string> dir = MakePackDirectory(repo_root);
  ITR_RETURN_IF_ERROR(dir.status());
  absl::Status status = absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> packs =
      BuildPackfiles(repo_root, *objects, *dir);
  if (!packs.ok()) status = packs.status();
  // pushedSha is HEAD: the newest of the latest commits.
  for (size_t i = 0; status.ok() && i < packs->size(); ++i) {
    status = api.UploadPackfile(repository_url, state->latest.front(),
                                (*packs)[i], deadline);
    if (status.ok()) ++result.packfiles;
  }
  std::error_code ignored;
  std::filesystem::remove_all(*dir, ignored);
  ITR_RETURN_IF_ERROR(status);
  return result;
}

}  // namespace itr::skipper::datadog
