#include "process_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "coverage_recorder.h"
#include "itr/coverage_export.h"
#include "json_export.h"
#include "module_identity.h"
#include "module_registry.h"

namespace itr::runtime {

namespace {

// Fixed buffers filled once at load: the fork-child hook must not allocate.
char g_export_path[4096];
bool g_active = false;

size_t AppendText(char* out, size_t at, size_t size, const char* text) {
  while (*text && at + 1 < size) out[at++] = *text++;
  out[at] = '\0';
  return at;
}

size_t AppendNumber(char* out, size_t at, size_t size, int64_t value) {
  char digits[24];
  size_t n = 0;
  bool negative = value < 0;
  uint64_t v = negative ? 0 - static_cast<uint64_t>(value)
                        : static_cast<uint64_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) at = AppendText(out, at, size, "-");
  while (n > 0 && at + 1 < size) out[at++] = digits[--n];
  out[at] = '\0';
  return at;
}

// One write(2) on an O_APPEND descriptor; async-signal-safe.
void WriteRaw(const char* line, size_t length) {
  int fd = open(g_export_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t ignored = write(fd, line, length);
  (void)ignored;
  close(fd);
}

void WriteStart() {
  char line[128];
  size_t at =
      AppendText(line, 0, sizeof(line),
                 "{\"" ITR_EXPORT_PROCESS "\":\"" ITR_EXPORT_PROCESS_START
                 "\",\"" ITR_EXPORT_PID "\":");
  at = AppendNumber(line, at, sizeof(line), getpid());
  at = AppendText(line, at, sizeof(line), "}\n");
  WriteRaw(line, at);
}

int64_t ModifiedAtNs(const std::string& path) {
  struct stat st {};
  if (path.empty() || stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
         st.st_mtim.tv_nsec;
}

}  // namespace

void LogProcessStart() {
  const char* test_id = getenv("ITR_TEST_ID");
  const char* path = getenv("ITR_COVERAGE_EXPORT");
  if (test_id == nullptr || *test_id == '\0' || path == nullptr ||
      *path == '\0' || strlen(path) >= sizeof(g_export_path)) {
    return;
  }
  memcpy(g_export_path, path, strlen(path) + 1);
  g_active = true;
  WriteStart();
}

void LogProcessStartInForkChild() {
  if (g_active) WriteStart();
}

void LogProcessEnd() {
  // A lost coverage line must not look like a complete process.
  if (!g_active || CoverageRecorder::Get().ExportFailed()) return;
  // The oldest instrumented object; unknown (0) makes every file "newer".
  // Only instrumented ones: an interpreter loading an instrumented plugin
  // says nothing about when the plugin was built.
  int64_t built_at = INT64_MAX;
  ModuleRegistry& registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    ModuleIdentity identity;
    if (!IdentifyModule(reinterpret_cast<uintptr_t>(registry.at(i).flags),
                        &identity)) {
      continue;  // unloaded: its coverage was drained before dlclose
    }
    int64_t at = ModifiedAtNs(identity.path);
    if (at < built_at) built_at = at;
  }
  // gcc trace-pc objects do not register: the executable stands for them.
  if (built_at == INT64_MAX) built_at = ModifiedAtNs(ExecutablePath());
  std::string line =
      "{\"" ITR_EXPORT_PROCESS "\":\"" ITR_EXPORT_PROCESS_END
      "\",\"" ITR_EXPORT_PID "\":" +
      std::to_string(getpid()) +
      ",\"" ITR_EXPORT_BUILT_AT_NS "\":" + std::to_string(built_at) + "}\n";
  AppendLine(g_export_path, line);
}

}  // namespace itr::runtime
