// The public session API (itr/session.h): decides before loading anything
// whether ITR has work in this process, then loads the Intelligent Test
// Runner (libitr_skipper.so, beside this library) and forwards each call to
// it. A binary with ITR off, or run as one process of an `itr ctest` test,
// never loads SQLite, libcurl or the rest. Everything the session does runs
// as itr-cpp's own code (InternalScope): its file and environment reads are
// no test's dependency.
#include <dlfcn.h>
#include <strings.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "diagnostics.h"
#include "internal_guard.h"
#include "itr/environment_switch.h"
#include "itr/internal/session_table.h"
#include "itr/session.h"

namespace itr::runtime {

namespace {

const itr_session_table* g_table = nullptr;

// The skipper library's path: beside the file holding this code.
std::string SkipperLibraryPath() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&SkipperLibraryPath), &info) == 0 ||
      info.dli_fname == nullptr) {
    return ITR_SKIPPER_LIBRARY;
  }
  std::string self = info.dli_fname;
  size_t slash = self.rfind('/');
  return slash == std::string::npos
             ? ITR_SKIPPER_LIBRARY
             : self.substr(0, slash + 1) + ITR_SKIPPER_LIBRARY;
}

const itr_session_table* LoadTable() {
  if (g_table != nullptr) return g_table;
  std::string path = SkipperLibraryPath();
  // Lazy: a run binds only the functions it calls (binding all of them up
  // front was a third of the start-up cost). The library and its
  // dependencies come from the same itr-cpp build and system.
  void* library = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    Warn(
        "warning: cannot load the Intelligent Test Runner (%s); all tests "
        "run",
        dlerror());
    return nullptr;
  }
  auto entry = reinterpret_cast<itr_session_table_function>(
      dlsym(library, ITR_SESSION_TABLE_SYMBOL));
  const itr_session_table* table = entry != nullptr ? entry() : nullptr;
  if (table == nullptr || table->version != ITR_SESSION_TABLE_VERSION) {
    Warn(
        "warning: %s is not the Intelligent Test Runner of this itr-cpp "
        "runtime; all tests run",
        path.c_str());
    return nullptr;
  }
  g_table = table;
  return g_table;
}

// ITR_SHARDING=balanced: the GoogleTest shards follow one plan that only
// the skipper can read. A shard that cannot load it would fall back to
// GoogleTest's round-robin, which does not cover what the plan left to it:
// it runs every test instead (GoogleTest's sharding off, its status file
// touched, as the adapter does when it shards), as the warning that the
// skipper could not be loaded says.
void RunEveryTestOfABalancedShard(const char* framework) {
  const char* sharding = getenv("ITR_SHARDING");
  if (framework == nullptr || strcmp(framework, "gtest") != 0 ||
      sharding == nullptr || strcasecmp(sharding, "balanced") != 0 ||
      getenv("GTEST_TOTAL_SHARDS") == nullptr) {
    return;
  }
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  if (const char* status = getenv("GTEST_SHARD_STATUS_FILE");
      status != nullptr && *status != '\0') {
    if (FILE* f = fopen(status, "a")) fclose(f);
  }
}

}  // namespace

}  // namespace itr::runtime

using itr::runtime::g_table;

extern "C" {

ITR_API itr_session* itr_session_start(const char* framework,
                                       const char* framework_version,
                                       const char* build_configuration) {
  itr::runtime::EntryScope entry;
  // What ran until now (static initializers, main so far, test
  // registration) is start-up code.
  itr_end_startup();
  const char* enabled = getenv(ITR_ENABLED_VARIABLE);
  const itr_switch_value value = itr_parse_switch(enabled);
  if (value == ITR_SWITCH_INVALID) {
    itr::runtime::Warn(
        "warning: %s='%s'" ITR_NOT_A_SWITCH_TEXT ITR_INVALID_ENABLED_TEXT,
        ITR_ENABLED_VARIABLE, enabled);
    return nullptr;
  }
  if (!itr_enabled_by_switch(value)) {
    itr::runtime::Warn("%s", ITR_DISABLED_LINE);
    return nullptr;
  }
  // A process of a CTest test run by `itr ctest`: the whole process is the
  // unit that is skipped or recorded, so nothing inside it is skipped.
  if (const char* unit = getenv("ITR_TEST_ID"); unit != nullptr && *unit) {
    itr::runtime::Verbose("part of %s (itr ctest); all tests run", unit);
    return nullptr;
  }
  const itr_session_table* table = itr::runtime::LoadTable();
  if (table == nullptr) {
    itr::runtime::RunEveryTestOfABalancedShard(framework);
    return nullptr;
  }
  return table->start(framework ? framework : "",
                      framework_version ? framework_version : "",
                      build_configuration ? build_configuration : "");
}

ITR_API void itr_session_add_test(itr_session* s, const itr_test* test) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->add_test(s, test);
}

ITR_API void itr_session_plan(itr_session* s) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->plan(s);
}

ITR_API itr_decision itr_session_decision(const itr_session* s, size_t i) {
  itr::runtime::EntryScope entry;
  if (s == nullptr) return itr_decision{0, 0, "no session"};
  return g_table->decision(s, i);
}

ITR_API void itr_session_run_anyway(itr_session* s, size_t i,
                                    const char* reason) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->run_anyway(s, i, reason ? reason : "");
}

ITR_API size_t itr_session_shard(itr_session* s, const size_t* considered,
                                 size_t count, int total_shards,
                                 int shard_index, size_t* in_shard) {
  itr::runtime::EntryScope entry;
  if (s == nullptr || in_shard == nullptr) return ITR_SHARD_BY_FRAMEWORK;
  return g_table->shard(s, considered, count, total_shards, shard_index,
                        in_shard);
}

ITR_API size_t itr_session_select(itr_session* s, const size_t* considered,
                                  size_t count) {
  itr::runtime::EntryScope entry;
  return s != nullptr ? g_table->select(s, considered, count) : 0;
}

ITR_API void itr_session_test_started(itr_session* s, size_t i) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->test_started(s, i);
}

ITR_API void itr_session_test_finished(itr_session* s, size_t i,
                                       itr_outcome outcome) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->test_finished(s, i, outcome);
}

ITR_API void itr_session_finish(itr_session* s, int clean, int exit_code) {
  itr::runtime::EntryScope entry;
  if (s != nullptr) g_table->finish(s, clean, exit_code);
}

ITR_API void itr_session_add_skipped_to_report(itr_session* s,
                                               itr_report_format format,
                                               const char* path) {
  itr::runtime::EntryScope entry;
  if (s != nullptr && path != nullptr) {
    g_table->add_skipped_to_report(s, format, path);
  }
}

ITR_API const char* itr_session_module(const itr_session* s) {
  itr::runtime::EntryScope entry;
  return s != nullptr ? g_table->module(s) : "";
}

ITR_API const char* itr_session_repo_relative(itr_session* s,
                                              const char* path) {
  itr::runtime::EntryScope entry;
  if (s == nullptr || path == nullptr) return path ? path : "";
  return g_table->repo_relative(s, path);
}

ITR_API void itr_session_warn(itr_session* s, const char* text) {
  itr::runtime::EntryScope entry;
  if (s != nullptr && text != nullptr) g_table->warn(s, text);
}

}  // extern "C"
