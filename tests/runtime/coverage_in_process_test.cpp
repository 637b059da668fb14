// Per-test coverage of real instrumented code, in this process: the fixture
// libraries are instrumented (function or edge mode, one binary each), this
// TU is not, so every covered file below comes from the code a test called.
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "covered_math.h"
#include "gtest/gtest.h"
#include "itr/coverage.hpp"
#include "source_markers.h"

extern "C" int SharedLibFunction(int x);

namespace {

const std::string kFixtures = "tests/runtime/fixtures/";
const bool kFunctionMode = std::string(ITR_EXPECTED_MODE) == "function";

bool HasLine(const itr::CoveredFile* file, uint32_t line) {
  return file != nullptr && std::find(file->lines.begin(), file->lines.end(),
                                      line) != file->lines.end();
}

// Paths of the files inside the repository.
std::vector<std::string> InternalPaths(const itr::TestCoverage& coverage) {
  std::vector<std::string> paths;
  for (const auto& file : coverage.files) {
    if (!file.external) paths.push_back(file.path);
  }
  return paths;
}

int Opaque(int x) {
  volatile int v = x;
  return v;
}

TEST(CoverageInProcess, RuntimeSeesInstrumentedModules) {
  EXPECT_EQ(itr_coverage_state(), ITR_COVERAGE_COMPLETE);
  EXPECT_STREQ(itr_coverage_mode(), ITR_EXPECTED_MODE);
  EXPECT_GT(itr_coverage_probe_count(), 0u);
}

TEST(CoverageInProcess, FunctionAndInlinedHeaderCode) {
  itr::ScopedTest test("calls_f");
  EXPECT_GT(CoveredF(Opaque(3)), 0);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_EQ(coverage.test_id, "calls_f");
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "covered_inline.h",
                                      kFixtures + "covered_math.cpp"}));
  const auto* math = coverage.Find(kFixtures + "covered_math.cpp");
  const auto* header = coverage.Find(kFixtures + "covered_inline.h");
  EXPECT_TRUE(HasLine(math, MarkerLine(kFixtures + "covered_math.cpp", "f")));
  ASSERT_NE(header, nullptr);
  if (kFunctionMode) {
    // The whole function, inlined header code included.
    EXPECT_TRUE(
        HasLine(header, MarkerLine(kFixtures + "covered_inline.h", "twice")));
    EXPECT_TRUE(
        HasLine(header, MarkerLine(kFixtures + "covered_inline.h", "square")));
  } else {
    // Blocks: optimized code does not keep every block behind its own probe,
    // so edge mode guarantees the file, and reports the lines it can place.
    EXPECT_FALSE(header->lines.empty());
  }
}

TEST(CoverageInProcess, LinesFollowTheMode) {
  itr::ScopedTest test("small_branch_only");
  EXPECT_EQ(OtherH(Opaque(1)), 8);
  itr::TestCoverage coverage = test.End();
  const auto* other = coverage.Find(kFixtures + "other.cpp");
  ASSERT_NE(other, nullptr);
  uint32_t small = MarkerLine(kFixtures + "other.cpp", "other_small");
  uint32_t big = MarkerLine(kFixtures + "other.cpp", "other_big_return");
  EXPECT_TRUE(HasLine(other, small));
  // Function mode reports every line of an entered function; edge mode the
  // blocks that ran (and code laid out behind their probes).
  EXPECT_EQ(HasLine(other, big), kFunctionMode);
}

TEST(CoverageInProcess, OtherTestDoesNotSeeThoseFiles) {
  itr::ScopedTest test("calls_other");
  EXPECT_EQ(OtherH(Opaque(1)), 8);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "other.cpp"}));
  EXPECT_TRUE(HasLine(coverage.Find(kFixtures + "other.cpp"),
                      MarkerLine(kFixtures + "other.cpp", "other")));
}

TEST(CoverageInProcess, TestCallingNothingCoversNothing) {
  itr::ScopedTest test("calls_nothing");
  itr::TestCoverage coverage = test.End();
  EXPECT_TRUE(coverage.complete());
  EXPECT_TRUE(InternalPaths(coverage).empty());
}

TEST(CoverageInProcess, SharedLibraryCode) {
  itr::ScopedTest test("calls_shared");
  EXPECT_EQ(SharedLibFunction(Opaque(2)), 7);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "shared_code.cpp"}));
  EXPECT_TRUE(HasLine(coverage.Find(kFixtures + "shared_code.cpp"),
                      MarkerLine(kFixtures + "shared_code.cpp", "shared")));
}

TEST(CoverageInProcess, DlopenedLibraryCode) {
  void* plugin = dlopen(ITR_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(plugin, nullptr) << dlerror();
  auto entry = reinterpret_cast<int (*)(int)>(dlsym(plugin, "PluginEntry"));
  ASSERT_NE(entry, nullptr);
  // Whatever the library's constructors ran is session coverage.
  itr::ScopedTest test("calls_plugin");
  EXPECT_EQ(entry(Opaque(10)), 5);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "plugin_code.cpp"}));
  EXPECT_TRUE(HasLine(coverage.Find(kFixtures + "plugin_code.cpp"),
                      MarkerLine(kFixtures + "plugin_code.cpp", "plugin")));
}

TEST(CoverageInProcess, DlclosedDuringTestKeepsItsCoverage) {
  itr::ScopedTest test("plugin_closed_mid_test");
  void* plugin = dlopen(ITR_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(plugin, nullptr) << dlerror();
  auto entry = reinterpret_cast<int (*)(int)>(dlsym(plugin, "PluginEntry"));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry(Opaque(6)), 1);
  EXPECT_EQ(dlclose(plugin), 0);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_TRUE(HasLine(coverage.Find(kFixtures + "plugin_code.cpp"),
                      MarkerLine(kFixtures + "plugin_code.cpp", "plugin")));
  // Its probes are still named by object and address after the unload.
  const itr_executed* executed = itr_last_test_executed();
  ASSERT_EQ(executed->status, ITR_COVERAGE_COMPLETE) << executed->error;
  std::string plugin_name = ITR_PLUGIN_PATH;
  plugin_name = plugin_name.substr(plugin_name.rfind('/') + 1);
  bool plugin_probes = false;
  for (size_t i = 0; i < executed->object_count; ++i) {
    std::string path = executed->objects[i].path;
    plugin_probes |= path.size() >= plugin_name.size() &&
                     path.compare(path.size() - plugin_name.size(),
                                  plugin_name.size(), plugin_name) == 0 &&
                     executed->objects[i].address_count > 0;
  }
  EXPECT_TRUE(plugin_probes);
}

TEST(CoverageInProcess, WorkerThreadCodeBelongsToTheTest) {
  itr::ScopedTest test("spawns_worker");
  int result = 0;
  std::thread worker([&] { result = WorkerJob(Opaque(5)); });
  worker.join();
  EXPECT_EQ(result, 10);
  itr::TestCoverage coverage = test.End();
  ASSERT_TRUE(coverage.complete()) << coverage.error;
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "worker.cpp"}));
  EXPECT_TRUE(HasLine(coverage.Find(kFixtures + "worker.cpp"),
                      MarkerLine(kFixtures + "worker.cpp", "worker")));
}

TEST(CoverageInProcess, CoverageDoesNotLeakIntoTheNextTest) {
  {
    itr::ScopedTest first("first");
    CoveredF(Opaque(1));
    ASSERT_FALSE(first.End().files.empty());
  }
  itr::ScopedTest second("second");
  itr::TestCoverage coverage = second.End();
  EXPECT_TRUE(InternalPaths(coverage).empty());
}

TEST(CoverageInProcess, CodeBetweenTestsIsSessionCoverage) {
  CoveredF(Opaque(4));  // no test open
  itr::ScopedTest test("after");
  itr::TestCoverage coverage = test.End();
  EXPECT_TRUE(InternalPaths(coverage).empty());
  itr::TestCoverage session = itr::SessionCoverage();
  EXPECT_TRUE(session.test_id.empty());
  EXPECT_TRUE(HasLine(session.Find(kFixtures + "covered_math.cpp"),
                      MarkerLine(kFixtures + "covered_math.cpp", "f")));
}

TEST(CoverageInProcess, ForkDuringATestMakesItIncomplete) {
  itr::ScopedTest test("forks");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(CoveredF(Opaque(2)) > 0 ? 0 : 1);  // runs unseen
  int status = 0;
  waitpid(child, &status, 0);
  itr::TestCoverage coverage = test.End();
  EXPECT_EQ(coverage.status, ITR_COVERAGE_INCOMPLETE);
  EXPECT_NE(coverage.error.find("forked"), std::string::npos) << coverage.error;

  itr::ScopedTest next("after_fork");
  EXPECT_TRUE(next.End().complete()) << "only the forking test is affected";
}

TEST(CoverageInProcess, AdapterCanMarkATestIncomplete) {
  itr::ScopedTest test("marked");
  itr_test_mark_incomplete("death test child");
  itr::TestCoverage coverage = test.End();
  EXPECT_EQ(coverage.status, ITR_COVERAGE_INCOMPLETE);
  EXPECT_EQ(coverage.error, "death test child");
}

TEST(CoverageInProcess, EndWithoutBeginIsHarmless) {
  const itr_test_coverage* none = itr_test_end();
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->status, ITR_COVERAGE_UNAVAILABLE);
  EXPECT_EQ(none->file_count, 0u);
}

TEST(CoverageInProcess, CollectOnlyThenAttribute) {
  itr_test_begin("deferred");
  CoveredF(Opaque(2));
  itr_test_end_collect_only();
  itr::TestCoverage coverage =
      itr::TestCoverage::From(itr_last_test_coverage());
  EXPECT_EQ(coverage.test_id, "deferred");
  EXPECT_EQ(InternalPaths(coverage),
            (std::vector<std::string>{kFixtures + "covered_inline.h",
                                      kFixtures + "covered_math.cpp"}));
}

TEST(CoverageInProcess, CollectOnlyResultExpiresAtTheNextBegin) {
  itr_test_begin("deferred_forever");
  CoveredF(Opaque(2));
  itr_test_end_collect_only();
  itr::ScopedTest next("next");
  itr::TestCoverage expired = itr::TestCoverage::From(itr_last_test_coverage());
  EXPECT_EQ(expired.test_id, "deferred_forever");
  EXPECT_EQ(expired.status, ITR_COVERAGE_INCOMPLETE);
}

}  // namespace

namespace {

// Start-up code: runs in a static initializer, before main.
const int g_started_up = StaticInitWork();

// The file address of `function` in its object, and that object's path.
std::pair<uint64_t, std::string> FileAddress(const void* function) {
  Dl_info info{};
  EXPECT_NE(dladdr(function, &info), 0);
  std::string path = info.dli_fname;
  if (path.find('/') == std::string::npos) path.clear();
  return {reinterpret_cast<uintptr_t>(function) -
              reinterpret_cast<uintptr_t>(info.dli_fbase),
          path};
}

bool Executed(const itr_executed* executed, uint64_t address) {
  for (size_t i = 0; i < executed->object_count; ++i) {
    const itr_object_probes& object = executed->objects[i];
    if (std::binary_search(object.addresses,
                           object.addresses + object.address_count, address)) {
      return true;
    }
  }
  return false;
}

TEST(ExecutedProbes, NameEachObjectAndTheEntriesOfExecutedFunctions) {
  itr_test_begin("executed_probes");
  EXPECT_GT(CoveredF(Opaque(2)), 0);
  itr_test_end_collect_only();
  const itr_executed* executed = itr_last_test_executed();
  ASSERT_EQ(executed->status, ITR_COVERAGE_COMPLETE) << executed->error;
  ASSERT_GE(executed->object_count, 1u);
  // The test binary is a PIE: its file addresses are offsets from its base.
  auto [covered_f, path] = FileAddress(reinterpret_cast<void*>(&CoveredF));
  EXPECT_TRUE(Executed(executed, covered_f))
      << "the entry of CoveredF, a function the test executed";
  auto [other, unused] = FileAddress(reinterpret_cast<void*>(&OtherH));
  EXPECT_FALSE(Executed(executed, other)) << "OtherH did not run";
  bool named = false;
  for (size_t i = 0; i < executed->object_count; ++i) {
    named |= std::string(executed->objects[i].path)
                 .find("coverage_in_process_test") != std::string::npos;
    EXPECT_EQ(std::string(executed->objects[i].build_id).size(), 40u)
        << "clang links with a build-id";
  }
  EXPECT_TRUE(named);
  EXPECT_GE(itr_object_count(), 1u);
}

TEST(ExecutedProbes, StartupCodeAndCodeBetweenTestsArePhases) {
  // The fixture's static initializer ran before main: start-up code.
  auto [static_init, path] =
      FileAddress(reinterpret_cast<void*>(&StaticInitWork));
  EXPECT_TRUE(
      Executed(itr_outside_tests_executed(ITR_PHASE_STARTUP), static_init));
  itr_end_startup();
  EXPECT_GT(WorkerJob(Opaque(4)), 0);  // outside any test, after start-up
  auto [worker, unused] = FileAddress(reinterpret_cast<void*>(&WorkerJob));
  EXPECT_TRUE(
      Executed(itr_outside_tests_executed(ITR_PHASE_BETWEEN_TESTS), worker));
  EXPECT_FALSE(Executed(itr_outside_tests_executed(ITR_PHASE_STARTUP), worker))
      << "start-up ended before it ran";
}

}  // namespace
