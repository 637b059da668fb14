// skipper/git on real repositories made with the git CLI in temporary
// directories: local metadata, DD_GIT_* precedence, failing open without a
// repository, the upload's commit and object selection (checked against
// `git rev-list`), packfiles indexed into a fresh repository with libgit2,
// and a shallow clone deepened.
#include <git2.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/git/git_cli.h"
#include "skipper/git/git_metadata.h"
#include "skipper/git/git_upload.h"
#include "skipper/git/work_tree_status.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (fs::temp_directory_path() / "itr-ci-git-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a shell command in `dir` with a git identity and configuration that
// do not depend on the machine; returns its standard output.
std::string Sh(const std::string& dir, const std::string& command) {
  std::string full = "cd '" + dir + "' && export HOME='" + dir +
                     "' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester "
                     "GIT_AUTHOR_EMAIL=tester@example.com "
                     "GIT_COMMITTER_NAME=Tester "
                     "GIT_COMMITTER_EMAIL=tester@example.com && (" +
                     command + ") 2>/dev/null";
  std::string out;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    out.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return out;
}

std::string Trim(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

// A commit touching `file` (in a subdirectory, so there are subtrees),
// dated `date` if given.
std::string CommitFile(const std::string& repo, const std::string& file,
                       const std::string& content,
                       const std::string& date = "") {
  std::string dates = date.empty() ? ""
                                   : "GIT_AUTHOR_DATE='" + date +
                                         "' GIT_COMMITTER_DATE='" + date + "' ";
  Sh(repo, "mkdir -p src && printf '%s' '" + content + "' > src/" + file +
               " && git add -A && " + dates + "git commit -q -m 'edit " + file +
               "'");
  return Trim(Sh(repo, "git rev-parse HEAD"));
}

std::string InitRepo(const TempDir& dir) {
  std::string repo = dir.path() + "/repo";
  fs::create_directories(repo);
  Sh(repo, "git init -q -b main .");
  return repo;
}

GetEnv EnvOf(const std::map<std::string, std::string>& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

ListEnv NamesOf(const std::map<std::string, std::string>& env) {
  return [&env] {
    std::vector<std::string> names;
    for (const auto& [name, value] : env) names.push_back(name);
    return names;
  };
}

TEST(GitMetadata, ReadsTheLocalRepository) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  Sh(repo,
     "echo x > f && git add f && "
     "GIT_AUTHOR_NAME='Ada Author' GIT_AUTHOR_EMAIL=ada@example.com "
     "GIT_AUTHOR_DATE='2024-01-31T12:00:00+01:00' "
     "GIT_COMMITTER_NAME='Cy Committer' GIT_COMMITTER_EMAIL=cy@example.com "
     "GIT_COMMITTER_DATE='2024-02-01T08:30:00-05:00' "
     "git commit -q -m 'Subject line' -m 'Body text.' && "
     "git tag -a v1.2 -m release && "
     "git remote add origin https://user:secret@example.com/org/repo.git");
  std::string sha = Trim(Sh(repo, "git rev-parse HEAD"));

  Tags tags = ReadLocalGitTags(repo + "/");
  EXPECT_EQ(tags[kTagRepositoryUrl], "https://example.com/org/repo.git");
  EXPECT_EQ(tags[kTagBranch], "main");
  EXPECT_EQ(tags[kTagTag], "v1.2");
  EXPECT_EQ(tags[kTagCommitSha], sha);
  EXPECT_EQ(tags[kTagCommitMessage], "Subject line\n\nBody text.");
  EXPECT_EQ(tags[kTagAuthorName], "Ada Author");
  EXPECT_EQ(tags[kTagAuthorEmail], "ada@example.com");
  EXPECT_EQ(tags[kTagAuthorDate], "2024-01-31T12:00:00+01:00");
  EXPECT_EQ(tags[kTagCommitterName], "Cy Committer");
  EXPECT_EQ(tags[kTagCommitterEmail], "cy@example.com");
  EXPECT_EQ(tags[kTagCommitterDate], "2024-02-01T08:30:00-05:00");
  EXPECT_EQ(tags[kTagWorkspacePath], fs::canonical(repo).string());
  // The same values git itself reports.
  EXPECT_EQ(tags[kTagAuthorDate], Trim(Sh(repo, "git log -1 --format=%aI")));
  EXPECT_EQ(tags[kTagCommitterDate], Trim(Sh(repo, "git log -1 --format=%cI")));

  // From a subdirectory too.
  fs::create_directories(repo + "/sub/dir");
  EXPECT_EQ(ReadLocalGitTags(repo + "/sub/dir")[kTagCommitSha], sha);
}

TEST(GitMetadata, PrefersTheUpstreamRemoteAndOmitsADetachedBranch) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  CommitFile(repo, "a.txt", "a");
  Sh(repo,
     "git remote add origin https://example.com/origin.git && "
     "git remote add upstream ssh://git:pw@example.com/upstream.git && "
     "git config branch.main.remote upstream && "
     "git config branch.main.merge refs/heads/main");
  EXPECT_EQ(ReadLocalGitTags(repo)[kTagRepositoryUrl],
            "ssh://example.com/upstream.git");

  CommitFile(repo, "b.txt", "b");
  Sh(repo, "git checkout -q --detach HEAD~1");
  Tags detached = ReadLocalGitTags(repo);
  EXPECT_EQ(detached.count(kTagBranch), 0u);
  EXPECT_EQ(detached.count(kTagTag), 0u);
  EXPECT_EQ(detached[kTagRepositoryUrl], "https://example.com/origin.git");
}

TEST(GitMetadata, FailsOpenWithoutARepository) {
  TempDir dir;
  EXPECT_TRUE(ReadLocalGitTags(dir.path()).empty());
  EXPECT_TRUE(ReadLocalGitTags(dir.path() + "/does/not/exist").empty());
  EXPECT_FALSE(LatestCommits(dir.path()).ok());
  EXPECT_FALSE(IsShallow(dir.path()).ok());
  EXPECT_FALSE(ObjectsToUpload(dir.path(), {}, {}).ok());

  std::map<std::string, std::string> env = {{"DD_GIT_BRANCH", "feature"}};
  Tags tags = CollectEnvironmentTags(EnvOf(env), NamesOf(env), dir.path());
  EXPECT_EQ(tags, (Tags{{kTagBranch, "feature"}}));

  // A repository without commits: its remote, nothing else.
  std::string repo = InitRepo(dir);
  Sh(repo, "git remote add origin https://example.com/r.git");
  Tags unborn = ReadLocalGitTags(repo);
  EXPECT_EQ(unborn[kTagRepositoryUrl], "https://example.com/r.git");
  EXPECT_EQ(unborn.count(kTagCommitSha), 0u);
  EXPECT_FALSE(LatestCommits(repo).ok());
}

TEST(GitMetadata, UserValuesBeatCiValuesWhichBeatLocalGit) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  std::string sha = CommitFile(repo, "a.txt", "a");
  Sh(repo, "git remote add origin https://example.com/local.git");

  std::map<std::string, std::string> env = {
      {"GITHUB_SHA", sha},
      {"GITHUB_REPOSITORY", "org/ci"},
      {"GITHUB_SERVER_URL", "https://github.com"},
      {"GITHUB_REF", "refs/heads/ci-branch"},
      {"DD_GIT_BRANCH", "refs/heads/user-branch"},
      {"DD_GIT_COMMIT_MESSAGE", "user message"}};
  Tags tags = CollectEnvironmentTags(EnvOf(env), NamesOf(env), repo);
  EXPECT_EQ(tags[kTagBranch], "user-branch");                           // user
  EXPECT_EQ(tags[kTagCommitMessage], "user message");                   // user
  EXPECT_EQ(tags[kTagRepositoryUrl], "https://github.com/org/ci.git");  // CI
  EXPECT_EQ(tags[kTagCommitSha], sha);                                  // CI
  EXPECT_EQ(tags[kTagAuthorName], "Tester");  // local: same commit
  EXPECT_EQ(tags[kTagProviderName], "github");

  // A user tag given as a branch becomes the tag.
  env["DD_GIT_BRANCH"] = "origin/tags/v2";
  tags = CollectEnvironmentTags(EnvOf(env), NamesOf(env), repo);
  EXPECT_EQ(tags[kTagTag], "v2");
  EXPECT_EQ(tags[kTagBranch], "ci-branch");
}

TEST(GitMetadata, LocalCommitDetailsOnlyForTheResolvedCommit) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  CommitFile(repo, "a.txt", "a");
  Sh(repo, "git remote add origin https://example.com/local.git");
  std::string other = std::string(40, 'b');

  std::map<std::string, std::string> env = {{"DD_GIT_COMMIT_SHA", other}};
  Tags tags = CollectEnvironmentTags(EnvOf(env), NamesOf(env), repo);
  EXPECT_EQ(tags[kTagCommitSha], other);
  EXPECT_EQ(tags[kTagRepositoryUrl], "https://example.com/local.git");
  for (const char* key : {kTagBranch, kTagCommitMessage, kTagAuthorName,
                          kTagAuthorDate, kTagCommitterEmail}) {
    EXPECT_EQ(tags.count(key), 0u) << key;
  }

  // Without any environment, everything comes from the repository.
  std::map<std::string, std::string> none;
  Tags local = CollectEnvironmentTags(EnvOf(none), NamesOf(none), repo);
  EXPECT_EQ(local, ReadLocalGitTags(repo));
}

TEST(GitMetadata, UserSuppliedTagsAreNormalised) {
  std::map<std::string, std::string> env = {
      {"DD_GIT_REPOSITORY_URL", "https://u:p@example.com/r.git"},
      {"DD_GIT_TAG", "refs/tags/v1"},
      {"DD_GIT_COMMIT_AUTHOR_NAME", ""},
      {"DD_GIT_PULL_REQUEST_BASE_BRANCH", "origin/main"}};
  EXPECT_EQ(UserSuppliedGitTags(EnvOf(env)),
            (Tags{{kTagRepositoryUrl, "https://example.com/r.git"},
                  {kTagTag, "v1"},
                  {kTagPrBaseBranch, "main"}}));
}

TEST(GitUpload, LatestCommitsAreTheLastMonthNewestFirst) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  CommitFile(repo, "old.txt", "old", "2001-01-01T00:00:00Z");
  std::string a = CommitFile(repo, "a.txt", "a");
  std::string b = CommitFile(repo, "b.txt", "b");
  std::string c = CommitFile(repo, "c.txt", "c");

  absl::StatusOr<std::vector<std::string>> latest = LatestCommits(repo);
  ASSERT_TRUE(latest.ok()) << latest.status();
  // What the tracers' git command lists.
  std::vector<std::string> expected = absl::StrSplit(
      Trim(Sh(repo, "git log --format=%H --since='1 month ago' -n 1000")),
      '\n');
  EXPECT_EQ(*latest, expected);
  EXPECT_EQ(*latest, (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(*LatestCommits(repo, 2), (std::vector<std::string>{c, b}));
}

std::set<std::string> RevListObjects(const std::string& repo,
                                     const std::string& args) {
  std::set<std::string> out;
  for (absl::string_view line :
       absl::StrSplit(Sh(repo,
                         "git rev-list --objects --no-object-names "
                         "--filter=blob:none " +
                             args),
                      '\n', absl::SkipEmpty())) {
    out.emplace(line);
  }
  return out;
}

// Indexes `pack` into the bare repository at `target` with git_indexer.
void IndexPack(const std::string& pack, const std::string& target) {
  git_indexer* indexer = nullptr;
  ASSERT_EQ(git_indexer_new(&indexer, (target + "/objects/pack").c_str(), 0,
                            nullptr, nullptr),
            0);
  std::ifstream in(pack, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  ASSERT_FALSE(data.empty());
  git_indexer_progress progress{};
  EXPECT_EQ(git_indexer_append(indexer, data.data(), data.size(), &progress),
            0);
  EXPECT_EQ(git_indexer_commit(indexer, &progress), 0)
      << git_error_last()->message;
  git_indexer_free(indexer);
}

std::set<std::string> ObjectsIn(const std::string& repo_path,
                                const std::vector<std::string>& ids) {
  std::set<std::string> present;
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, repo_path.c_str()) != 0) return present;
  git_odb* odb = nullptr;
  git_repository_odb(&odb, repo);
  for (const std::string& id : ids) {
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) == 0 && git_odb_exists(odb, &oid)) {
      present.insert(id);
    }
  }
  git_odb_free(odb);
  git_repository_free(repo);
  return present;
}

TEST(GitUpload, ObjectsToUploadMatchGitRevList) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  std::string a = CommitFile(repo, "a.txt", "a");
  std::string b = CommitFile(repo, "b.txt", "b");
  Sh(repo,
     "mkdir -p docs && echo d > docs/readme && git add -A && "
     "git commit -q -m docs");
  std::string c = Trim(Sh(repo, "git rev-parse HEAD"));

  absl::StatusOr<std::vector<std::string>> objects =
      ObjectsToUpload(repo, /*known=*/{a}, /*missing=*/{b, c});
  ASSERT_TRUE(objects.ok()) << objects.status();
  std::set<std::string> ours(objects->begin(), objects->end());
  EXPECT_EQ(ours.size(), objects->size()) << "duplicates";
  EXPECT_EQ(ours, RevListObjects(repo, "--since='1 month ago' HEAD ^" + a +
                                           " " + b + " " + c));
  EXPECT_TRUE(ours.count(b) && ours.count(c));
  EXPECT_FALSE(ours.count(a));

  // Nothing known: the whole (recent) history; unknown ids are ignored.
  absl::StatusOr<std::vector<std::string>> all =
      ObjectsToUpload(repo, {std::string(40, 'e')}, {c});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(std::set<std::string>(all->begin(), all->end()),
            RevListObjects(repo, "HEAD"));
}

TEST(GitUpload, PackfilesCarryTheObjectsIntoAFreshRepository) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  std::string a = CommitFile(repo, "a.txt", "a");
  for (int i = 0; i < 5; ++i) {
    CommitFile(repo, "f" + std::to_string(i) + ".txt", std::to_string(i));
  }
  std::string head = Trim(Sh(repo, "git rev-parse HEAD"));
  absl::StatusOr<std::vector<std::string>> objects =
      ObjectsToUpload(repo, {a}, {head});
  ASSERT_TRUE(objects.ok());
  ASSERT_GT(objects->size(), 6u);
  std::string blob = Trim(Sh(repo, "git rev-parse HEAD:src/f4.txt"));

  for (int64_t cap : {kMaxPackfileBytes, int64_t{200}}) {
    absl::StatusOr<std::string> pack_dir = MakePackDirectory(repo);
    ASSERT_TRUE(pack_dir.ok()) << pack_dir.status();
    absl::StatusOr<std::vector<std::string>> packs =
        BuildPackfiles(repo, *objects, *pack_dir, cap);
    ASSERT_TRUE(packs.ok()) << packs.status();
    if (cap == kMaxPackfileBytes) {
      EXPECT_EQ(packs->size(), 1u);
    } else {
      EXPECT_GT(packs->size(), 1u) << "a small cap splits the objects";
    }

    std::string fresh = dir.path() + "/fresh-" + std::to_string(cap);
    Sh(dir.path(), "git init -q --bare '" + fresh + "'");
    for (const std::string& pack : *packs) {
      EXPECT_TRUE(fs::exists(pack)) << pack;
      EXPECT_LE(static_cast<int64_t>(fs::file_size(pack)),
                std::max<int64_t>(cap, 4096));
      IndexPack(pack, fresh);
    }
    EXPECT_EQ(ObjectsIn(fresh, *objects),
              std::set<std::string>(objects->begin(), objects->end()));
    EXPECT_TRUE(ObjectsIn(fresh, {blob, a}).empty()) << "no blobs, no known";
    fs::remove_all(*pack_dir);
  }

  absl::StatusOr<std::string> empty_dir = MakePackDirectory(repo);
  ASSERT_TRUE(empty_dir.ok());
  EXPECT_TRUE(BuildPackfiles(repo, {}, *empty_dir)->empty());
  EXPECT_FALSE(BuildPackfiles(repo, {std::string(40, 'f')}, *empty_dir).ok());
  fs::remove_all(*empty_dir);
}

TEST(GitUpload, ShallowCloneIsDetectedAndUnshallowed) {
  TempDir dir;
  std::string source = InitRepo(dir);
  CommitFile(source, "a.txt", "a");
  CommitFile(source, "b.txt", "b");
  CommitFile(source, "c.txt", "c");
  std::string clone = dir.path() + "/clone";
  Sh(dir.path(),
     "git clone -q --depth 1 'file://" + source + "' '" + clone + "'");

  ASSERT_TRUE(IsShallow(clone).ok());
  EXPECT_TRUE(*IsShallow(clone));
  EXPECT_EQ(LatestCommits(clone)->size(), 1u);
  EXPECT_FALSE(*IsShallow(source));
  // The shallow boundary ends the walk instead of failing it.
  absl::StatusOr<std::vector<std::string>> shallow_objects =
      ObjectsToUpload(clone, {}, *LatestCommits(clone));
  ASSERT_TRUE(shallow_objects.ok()) << shallow_objects.status();
  EXPECT_EQ(
      std::set<std::string>(shallow_objects->begin(), shallow_objects->end()),
      RevListObjects(clone, "HEAD"));

  absl::Status unshallowed = Unshallow(clone);
  ASSERT_TRUE(unshallowed.ok()) << unshallowed;
  EXPECT_FALSE(*IsShallow(clone));
  EXPECT_EQ(*LatestCommits(clone), *LatestCommits(source));
}

TEST(GitUpload, UnshallowWithoutGitIsAnError) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  CommitFile(repo, "a.txt", "a");
  std::string path = getenv("PATH") != nullptr ? getenv("PATH") : "";
  setenv("PATH", (dir.path() + "/no-bin").c_str(), 1);
  absl::Status status = Unshallow(repo);
  setenv("PATH", path.c_str(), 1);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::IsNotFound(status)) << status;

  // With git but no remote: every fetch fails, one error.
  status = Unshallow(repo);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
}

TEST(GitCli, ReportsFailuresWithStandardError) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  absl::StatusOr<std::string> ok = RunGit(repo, {"rev-parse", "--git-dir"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(Trim(*ok), ".git");
  absl::StatusOr<std::string> bad = RunGit(repo, {"rev-parse", "HEAD~5"});
  EXPECT_FALSE(bad.ok());
}

TEST(WorkTreeStatus, ListsWhatABuildCouldSee) {
  TempDir dir;
  std::string repo = InitRepo(dir);
  CommitFile(repo, "a.cpp", "int a;");
  auto clean = UncommittedChanges(repo);
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_TRUE(clean->empty());

  // Logs and outputs nobody builds from do not count; ignored files never.
  Sh(repo,
     "echo log > run.log && echo '*.o' > .git/info/exclude && "
     "echo obj > src/x.o");
  EXPECT_TRUE(UncommittedChanges(repo)->empty());

  Sh(repo, "echo 'int b;' > src/new_source.cc");
  EXPECT_EQ(*UncommittedChanges(repo),
            std::vector<std::string>{"src/new_source.cc"});
  Sh(repo, "rm src/new_source.cc && echo 'int a2;' >> src/a.cpp");
  EXPECT_EQ(*UncommittedChanges(repo), std::vector<std::string>{"src/a.cpp"});
  Sh(repo, "git add src/a.cpp");
  EXPECT_EQ(*UncommittedChanges(repo), std::vector<std::string>{"src/a.cpp"})
      << "staged";
}

TEST(WorkTreeStatus, NoRepositoryIsAnError) {
  TempDir dir;
  EXPECT_FALSE(UncommittedChanges(dir.path()).ok());
}

}  // namespace
}  // namespace itr::skipper
