#include "read_tracker.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "env_exclusions.h"
#include "source_paths.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace itr::runtime {

namespace {

// Capacities of one window. Each window lives in .bss: pages that are
// never written cost nothing.
constexpr uint32_t kMaxFiles = 8192;
constexpr uint32_t kFileSlots = 2 * kMaxFiles;  // power of two
constexpr uint32_t kMaxEnv = 2048;
constexpr uint32_t kEnvSlots = 2 * kMaxEnv;
constexpr uint32_t kArenaBytes = 512 * 1024;
// Names the process itself set, unset or put.
constexpr uint32_t kMaxChangedNames = 1024;
constexpr uint32_t kChangedSlots = 2 * kMaxChangedNames;
constexpr uint32_t kChangedArenaBytes = 64 * 1024;

constexpr uint8_t kFileRead = 1;     // a dependency
constexpr uint8_t kFileWritten = 2;  // an output: later reads are not
constexpr uint8_t kFileIgnored = 4;  // a directory

struct FileEntry {
  uint64_t hash;
  uint32_t offset;  // of the NUL-terminated path in the arena
  uint32_t slot;
  uint8_t flags;
};

struct EnvEntry {
  uint64_t hash;
  uint64_t value_hash;
  uint32_t offset;  // of the NUL-terminated name in the arena
  uint32_t slot;
  bool is_set;
};

// Open addressing over a slot array of indices + 1 (0: free).
template <uint32_t kSlots, typename Entry, typename Matches>
uint32_t* FindSlot(uint32_t* slots, const Entry* entries, uint64_t hash,
                   Matches matches) {
  static_assert((kSlots & (kSlots - 1)) == 0);
  for (uint32_t i = static_cast<uint32_t>(hash) & (kSlots - 1);;
       i = (i + 1) & (kSlots - 1)) {
    if (slots[i] == 0) return &slots[i];
    const Entry& entry = entries[slots[i] - 1];
    if (entry.hash == hash && matches(entry)) return &slots[i];
  }
}

uint64_t Hash(const char* text, size_t length) {
  return XXH3_64bits(text, length);
}

}  // namespace

struct ReadTracker::Window {
  uint32_t file_count = 0;
  uint32_t env_count = 0;
  uint32_t arena_used = 0;
  bool incomplete = false;
  const char* reason = nullptr;  // a string literal
  uint64_t changes = 0;  // recorded reads so far (outside-tests exports)
  FileEntry files[kMaxFiles] = {};
  uint32_t file_slots[kFileSlots] = {};
  EnvEntry env[kMaxEnv] = {};
  uint32_t env_slots[kEnvSlots] = {};
  char arena[kArenaBytes] = {};

  void MarkIncomplete(const char* why) {
    if (!incomplete) reason = why;
    incomplete = true;
    ++changes;
  }

  // Copies `text` into the arena; false when full.
  bool Store(const char* text, size_t length, uint32_t* offset) {
    if (length >= kArenaBytes - arena_used) return false;
    *offset = arena_used;
    memcpy(arena + arena_used, text, length);
    arena[arena_used + length] = '\0';
    arena_used += static_cast<uint32_t>(length + 1);
    return true;
  }

  FileEntry* FindFile(uint64_t hash, const char* path, size_t length,
                      uint32_t** slot) {
    *slot = FindSlot<kFileSlots>(
        file_slots, files, hash, [&](const FileEntry& entry) {
          return strncmp(arena + entry.offset, path, length) == 0 &&
                 arena[entry.offset + length] == '\0';
        });
    return **slot == 0 ? nullptr : &files[**slot - 1];
  }

  bool AddFile(uint32_t* slot, uint64_t hash, const char* path, size_t length,
               uint8_t flags) {
    uint32_t offset;
    if (file_count == kMaxFiles || !Store(path, length, &offset)) return false;
    files[file_count] = FileEntry{
        hash, offset, static_cast<uint32_t>(slot - file_slots), flags};
    *slot = ++file_count;
    ++changes;
    return true;
  }

  EnvEntry* FindEnv(uint64_t hash, const char* name, size_t length,
                    uint32_t** slot) {
    *slot =
        FindSlot<kEnvSlots>(env_slots, env, hash, [&](const EnvEntry& entry) {
          return strncmp(arena + entry.offset, name, length) == 0 &&
                 arena[entry.offset + length] == '\0';
        });
    return **slot == 0 ? nullptr : &env[**slot - 1];
  }

  bool AddEnv(uint32_t* slot, uint64_t hash, const char* name, size_t length,
              const char* value) {
    uint32_t offset;
    if (env_count == kMaxEnv || !Store(name, length, &offset)) return false;
    env[env_count] = EnvEntry{
        hash, value != nullptr ? Hash(value, strlen(value)) : 0, offset,
        static_cast<uint32_t>(slot - env_slots), value != nullptr};
    *slot = ++env_count;
    ++changes;
    return true;
  }

  // Forgets everything, touching only what was used.
  void Clear() {
    for (uint32_t i = 0; i < file_count; ++i) file_slots[files[i].slot] = 0;
    for (uint32_t i = 0; i < env_count; ++i) env_slots[env[i].slot] = 0;
    file_count = env_count = arena_used = 0;
    incomplete = false;
    reason = nullptr;
  }
};

namespace {

// Names the process changed (setenv, unsetenv, putenv): a process-wide
// set, see RecordEnvChange.
struct ChangedNames {
  uint32_t count = 0;
  uint32_t arena_used = 0;
  bool cleared = false;  // clearenv(): every variable is the process's own
  struct Entry {
    uint64_t hash;
    uint32_t offset;
    uint32_t length;
  } entries[kMaxChangedNames] = {};
  uint32_t slots[kChangedSlots] = {};
  char arena[kChangedArenaBytes] = {};

  uint32_t* Find(uint64_t hash, const char* name, size_t length) {
    return FindSlot<kChangedSlots>(slots, entries, hash, [&](const Entry& e) {
      return e.length == length && memcmp(arena + e.offset, name, length) == 0;
    });
  }
};

// Materialized results for the C API (allocated on request only).
struct Materialized {
  std::vector<const char*> files;
  std::vector<itr_env_read> env;
};

}  // namespace

struct ReadTracker::State {
  // Start-up, between tests, and two that alternate as the open test's
  // and the last test's. Everything is zero at first: the state is in .bss.
  Window windows[4] = {};
  uint32_t swapped = 0;  // 0: windows[2] is the test's, windows[3] the last
  uint32_t test() const { return 2 + swapped; }
  uint32_t last() const { return 3 - swapped; }
  bool test_open = false;
  bool startup_ended = false;
  uint64_t exported_changes = 0;  // outside-tests changes last exported
  ChangedNames changed = {};
};

namespace {

constexpr uint32_t kStartupWindow = 0;
constexpr uint32_t kBetweenWindow = 1;

constinit ReadTracker::State g_state;

ReadTracker::Window& WindowOf(ReadWindow window) {
  switch (window) {
    case ReadWindow::kLastTest:
      return g_state.windows[g_state.last()];
    case ReadWindow::kStartup:
      return g_state.windows[kStartupWindow];
    default:
      return g_state.windows[kBetweenWindow];
  }
}

uint64_t OutsideChanges() {
  return g_state.windows[kStartupWindow].changes +
         g_state.windows[kBetweenWindow].changes;
}

bool ByPath(const char* a, const char* b) { return strcmp(a, b) < 0; }

// Entries of `window` in the C API's form, sorted.
void Collect(ReadTracker::Window& window, Materialized* out) {
  out->files.clear();
  out->env.clear();
  for (uint32_t i = 0; i < window.file_count; ++i) {
    if ((window.files[i].flags & kFileRead) != 0) {
      out->files.push_back(window.arena + window.files[i].offset);
    }
  }
  std::sort(out->files.begin(), out->files.end(), ByPath);
  for (uint32_t i = 0; i < window.env_count; ++i) {
    const EnvEntry& entry = window.env[i];
    out->env.push_back(itr_env_read{window.arena + entry.offset,
                                    entry.is_set ? 1 : 0, entry.value_hash});
  }
  std::sort(out->env.begin(), out->env.end(),
            [](const itr_env_read& a, const itr_env_read& b) {
              return ByPath(a.name, b.name);
            });
}

void AddToReadSet(ReadTracker::Window& window, ReadSet* out) {
  Materialized collected;
  Collect(window, &collected);
  for (const char* file : collected.files) out->files.push_back(file);
  for (const itr_env_read& read : collected.env) {
    out->env.push_back(
        EnvReadValue{read.name, read.is_set != 0, read.value_hash});
  }
  if (window.incomplete && !out->incomplete) {
    out->incomplete = true;
    out->reason = window.reason;
  }
}

// Sorts, and keeps the first read of each file and name.
void Unite(ReadSet* set) {
  std::sort(set->files.begin(), set->files.end());
  set->files.erase(std::unique(set->files.begin(), set->files.end()),
                   set->files.end());
  std::stable_sort(set->env.begin(), set->env.end(),
                   [](const EnvReadValue& a, const EnvReadValue& b) {
                     return a.name < b.name;
                   });
  set->env.erase(std::unique(set->env.begin(), set->env.end(),
                             [](const EnvReadValue& a, const EnvReadValue& b) {
                               return a.name == b.name;
                             }),
                 set->env.end());
}

// The repository root and other spellings of it that paths may use: the
// ITR_REPO_ROOT given, and the logical path of the working directory ($PWD)
// when a symbolic link leads into the repository.
std::vector<std::string> RootSpellings() {
  std::vector<std::string> roots = {RepositoryRoot()};
  auto add = [&](std::string path) {
    if (path.empty() || path[0] != '/') return;
    path.resize(NormalizeAbsoluteInPlace(path.data()));
    if (std::find(roots.begin(), roots.end(), path) == roots.end()) {
      roots.push_back(path);
    }
  };
  if (const char* given = getenv("ITR_REPO_ROOT"); given != nullptr) {
    add(given);
  }
  const char* pwd = getenv("PWD");
  char cwd[PATH_MAX];
  if (pwd == nullptr || pwd[0] != '/' || getcwd(cwd, sizeof(cwd)) == nullptr ||
      strcmp(pwd, cwd) == 0) {
    return roots;
  }
  std::string logical = pwd;
  logical.resize(NormalizeAbsoluteInPlace(logical.data()));
  char resolved[PATH_MAX];
  if (realpath(logical.c_str(), resolved) == nullptr ||
      strcmp(resolved, cwd) != 0) {
    return roots;  // $PWD is stale
  }
  // The ancestor of $PWD that resolves to the root.
  for (std::string dir = logical; dir.size() > 1;
       dir.resize(std::max<size_t>(dir.rfind('/'), 1))) {
    if (realpath(dir.c_str(), resolved) != nullptr && roots[0] == resolved) {
      add(dir);
      break;
    }
  }
  return roots;
}

std::string AbsoluteExportPath() {
  const char* path = getenv("ITR_COVERAGE_EXPORT");
  if (path == nullptr || *path == '\0') return "";
  std::string absolute = path;
  if (absolute[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) return "";
    absolute = std::string(cwd) + "/" + absolute;
  }
  absolute.resize(NormalizeAbsoluteInPlace(absolute.data()));
  return absolute;
}

void BeforeForkHandler() { ReadTracker::Get().BeforeFork(); }
void AfterForkInParentHandler() { ReadTracker::Get().AfterForkInParent(); }
void AfterForkInChildHandler() { ReadTracker::Get().AfterForkInChild(); }

}  // namespace

ReadTracker& ReadTracker::Get() {
  static constinit ReadTracker tracker;
  return tracker;
}

void ReadTracker::Init() {
  if (ready_.load(std::memory_order_relaxed)) return;
  InternalScope internal;
  SpinLock::NoteProcess();
  std::vector<std::string> roots = RootSpellings();
  std::vector<const char*> root_texts;
  for (const std::string& root : roots) root_texts.push_back(root.c_str());
  std::string export_file = AbsoluteExportPath();
  paths_.Init(root_texts.data(), root_texts.size(),
              export_file.empty() ? nullptr : export_file.c_str());
  pthread_atfork(BeforeForkHandler, AfterForkInParentHandler,
                 AfterForkInChildHandler);
  ready_.store(true, std::memory_order_release);
}

ReadTracker::Window* ReadTracker::Current() {
  if (g_state.test_open) return &g_state.windows[g_state.test()];
  return &g_state
              .windows[g_state.startup_ended ? kBetweenWindow : kStartupWindow];
}

void ReadTracker::RecordOpen(int dirfd, const char* path, FileAccess access,
                             bool succeeded, int fd) {
  if (access == FileAccess::kNone) return;
  if (access == FileAccess::kWrite && !succeeded) return;  // wrote nothing
  InternalScope internal;  // a signal handler's open passes through
  SpinLockHolder hold(&lock_);
  const char* relative = nullptr;
  size_t length = 0;
  RepositoryPaths::Kind kind = paths_.Resolve(dirfd, path, &relative, &length);
  Window* window = Current();
  if (kind == RepositoryPaths::Kind::kUnresolved) {
    if (access == FileAccess::kRead) {
      window->MarkIncomplete(
          "a file was opened for reading through a path that could not be "
          "resolved (working directory or directory descriptor)");
    }
    return;
  }
  if (kind != RepositoryPaths::Kind::kInside) return;
  uint64_t hash = Hash(relative, length);
  uint32_t* slot;
  FileEntry* entry = window->FindFile(hash, relative, length, &slot);
  if (access == FileAccess::kWrite) {
    // Losing an output mark only over-approximates (a later read counts).
    if (entry != nullptr) {
      entry->flags |= kFileWritten;
    } else {
      window->AddFile(slot, hash, relative, length, kFileWritten);
    }
    return;
  }
  if (entry != nullptr) return;  // read before, or this window's output
  uint8_t flags = kFileRead;
  struct stat st {};
  if (succeeded && fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    flags = kFileIgnored;
  }
  if (!window->AddFile(slot, hash, relative, length, flags) &&
      flags == kFileRead) {
    window->MarkIncomplete(
        "more files were read than read tracking can hold (8192 per test "
        "or phase, 512 KiB of paths)");
  }
}

void ReadTracker::RecordEnvRead(const char* name, const char* value) {
  size_t length = strlen(name);
  if (length == 0 || IsExcludedVariable(name, length) ||
      memchr(name, '=', length) != nullptr) {
    return;
  }
  uint64_t hash = Hash(name, length);
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  ChangedNames& changed = g_state.changed;
  if (changed.cleared || *changed.Find(hash, name, length) != 0) return;
  Window* window = Current();
  uint32_t* slot;
  if (window->FindEnv(hash, name, length, &slot) != nullptr) return;
  if (!window->AddEnv(slot, hash, name, length, value)) {
    window->MarkIncomplete(
        "more environment variables were read than read tracking can hold "
        "(2048 per test or phase)");
  }
}

void ReadTracker::RecordEnvChange(const char* name, size_t length) {
  if (length == 0 || IsExcludedVariable(name, length)) return;
  uint64_t hash = Hash(name, length);
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  ChangedNames& changed = g_state.changed;
  uint32_t* slot = changed.Find(hash, name, length);
  if (*slot != 0) return;
  // Full: the name stays a dependency when read, which only
  // over-approximates.
  if (changed.count == kMaxChangedNames ||
      length >= kChangedArenaBytes - changed.arena_used) {
    return;
  }
  memcpy(changed.arena + changed.arena_used, name, length);
  changed.entries[changed.count] = ChangedNames::Entry{
      hash, changed.arena_used, static_cast<uint32_t>(length)};
  changed.arena_used += static_cast<uint32_t>(length);
  *slot = ++changed.count;
}

void ReadTracker::RecordEnvCleared() {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  g_state.changed.cleared = true;
}

void ReadTracker::BeginTest() {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  g_state.startup_ended = true;
  g_state.windows[g_state.test()].Clear();
  g_state.test_open = true;
}

void ReadTracker::EndTest() {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  if (!g_state.test_open) return;
  g_state.swapped ^= 1u;
  g_state.test_open = false;
}

void ReadTracker::EndStartup() {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  g_state.startup_ended = true;
}

bool ReadTracker::Incomplete(ReadWindow window, std::string* reason) {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  for (ReadWindow part : {ReadWindow::kStartup, ReadWindow::kBetweenTests}) {
    Window& w = WindowOf(window == ReadWindow::kOutsideTests ? part : window);
    if (w.incomplete) {
      *reason = w.reason;
      return true;
    }
  }
  return false;
}

ReadSet ReadTracker::Reads(ReadWindow window) {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  ReadSet set;
  if (window != ReadWindow::kOutsideTests) {
    AddToReadSet(WindowOf(window), &set);
    return set;
  }
  AddToReadSet(g_state.windows[kStartupWindow], &set);
  AddToReadSet(g_state.windows[kBetweenWindow], &set);
  Unite(&set);
  g_state.exported_changes = OutsideChanges();
  return set;
}

bool ReadTracker::OutsideTestsChangedSinceExport() {
  InternalScope internal;
  SpinLockHolder hold(&lock_);
  return OutsideChanges() != g_state.exported_changes;
}

void ReadTracker::Fill(ReadWindow window, itr_executed* executed) {
  InternalScope internal;
  // Never destroyed: results stay readable from atexit handlers.
  static Materialized* const results = new Materialized[3];
  Materialized& out = results[window == ReadWindow::kLastTest  ? 0
                              : window == ReadWindow::kStartup ? 1
                                                               : 2];
  SpinLockHolder hold(&lock_);
  Window& w = WindowOf(window);
  Collect(w, &out);
  executed->files_read = out.files.data();
  executed->file_read_count = out.files.size();
  executed->env_read = out.env.data();
  executed->env_read_count = out.env.size();
  if (w.incomplete) {
    executed->status = ITR_COVERAGE_INCOMPLETE;
    if (executed->error == nullptr) executed->error = w.reason;
  }
}

void ReadTracker::BeforeFork() { lock_.Lock(); }

void ReadTracker::AfterForkInParent() { lock_.Unlock(); }

void ReadTracker::AfterForkInChild() {
  SpinLock::NoteProcess();
  lock_.Unlock();
}

}  // namespace itr::runtime
