/* itr/coverage.h — per-test coverage runtime of itr-cpp (C API).
 *
 * Contract
 * --------
 * A test binary built with itr-cpp's compiler flags (compiler-flags/) records,
 * through SanitizerCoverage inline bool flags, which code every test executed.
 * A framework adapter brackets each test case:
 *
 *     itr_test_begin("Suite.Name");
 *     ... run the test ...
 *     const itr_test_coverage* cov = itr_test_end();
 *
 * - Code executed before the first itr_test_begin() (static initializers,
 *   global fixtures) and between tests is *session coverage*: every test
 *   depends on it. It is available from itr_session_coverage().
 * - Edges executed by any thread while a test is open belong to that test.
 * - Every instrumented module counts: the executable, linked shared libraries
 *   and libraries loaded later with dlopen().
 * - Files are repository-relative (see ITR_REPO_ROOT below); files outside the
 *   repository (toolchain and system headers) are flagged `external`.
 * - Line bitmaps use Datadog's layout: line 1 is the most significant bit of
 *   byte 0 (byte[(line-1)>>3] & (0x80 >> ((line-1)&7))).
 *
 * Safety: when the runtime cannot tell everything a test executed (no
 * instrumentation, missing debug info, a full PC table in the gcc fallback),
 * the status is not ITR_COVERAGE_COMPLETE and a test selector must run the
 * test. The runtime never aborts the host program.
 *
 * Threading: begin/end/session calls come from one thread at a time (test
 * frameworks run cases serially in a process). Instrumented code may run on
 * any thread at any time.
 *
 * Environment
 *   ITR_COVERAGE_EXPORT=<file>  append one JSON line per ended test and for the
 *                               session: {"test": <id|null>, "files": {...}}
 *   ITR_TEST_ID=<id>            with ITR_COVERAGE_EXPORT: the process is (part
 *                               of) one process-level test (`itr ctest`);
 *                               the export also gets {"process": "start"}
 *                               and {"process": "end"} lines
 *   ITR_REPO_ROOT=<dir>         repository root (default: the git repository
 *                               of the sources the code was compiled from,
 *                               else the one above the working directory;
 *                               see itr_repository_root())
 *   ITR_CACHE_DIR=<dir>         edge-to-line resolution cache (default:
 *                               $XDG_CACHE_HOME/itr-cpp or ~/.cache/itr-cpp)
 *   ITR_VERBOSE=1               diagnostics on stderr
 */
#ifndef ITR_COVERAGE_H_
#define ITR_COVERAGE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ITR_API __attribute__((visibility("default")))
#else
#define ITR_API
#endif

/* Keeps a function out of coverage even in an instrumented TU: adapter code
 * that runs inside every test window would otherwise be a dependency of
 * every test. */
#if defined(__clang__)
#define ITR_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#elif defined(__GNUC__) && __GNUC__ >= 12
#define ITR_NO_COVERAGE __attribute__((no_sanitize_coverage))
#else
#define ITR_NO_COVERAGE
#endif

typedef enum itr_coverage_status {
  /* No instrumented module registered: nothing can be said about any test. */
  ITR_COVERAGE_UNAVAILABLE = 0,
  /* Every executed probe was attributed to at least one source file. */
  ITR_COVERAGE_COMPLETE = 1,
  /* Some executed code could not be attributed (see `error`): treat the test
   * as depending on everything. */
  ITR_COVERAGE_INCOMPLETE = 2,
} itr_coverage_status;

typedef struct itr_covered_file {
  /* Repository-relative path ("src/a.cpp"), or absolute when external. */
  const char* path;
  /* Non-zero when the file lies outside the repository root. */
  int external;
  /* Executed lines in Datadog's layout; may be empty (size 0) when only the
   * file, not its lines, is known to be involved (e.g. inlined code in a
   * function whose entry executed, in edge mode). */
  const uint8_t* line_bitmap;
  size_t line_bitmap_size;
} itr_covered_file;

typedef struct itr_test_coverage {
  itr_coverage_status status;
  /* Test id given to itr_test_begin(), NULL for session coverage. */
  const char* test_id;
  /* Sorted by path; internal files first, then external ones. */
  const itr_covered_file* files;
  size_t file_count;
  /* Why the status is not COMPLETE, or NULL. */
  const char* error;
} itr_test_coverage;

/* Overall state: UNAVAILABLE when the binary has no instrumented module. */
ITR_API itr_coverage_status itr_coverage_state(void);

/* Granularity of the instrumented modules: "function", "edge", "pc" (gcc
 * trace-pc fallback), "mixed", or "none". */
ITR_API const char* itr_coverage_mode(void);

/* Opens a test. Whatever executed since the previous test ended becomes
 * session coverage. `test_id` is copied. Calling begin while a test is open
 * ends that test first (its coverage is discarded). */
ITR_API void itr_test_begin(const char* test_id);

/* Closes the open test and returns what it executed. The cost of closing is
 * one scan of the flag arrays plus work proportional to what the test touched.
 * The returned object stays valid until the next begin/end/session call.
 * Returns a result with status UNAVAILABLE when no test is open. */
ITR_API const itr_test_coverage* itr_test_end(void);

/* Closes the open test like itr_test_end() but only collects (scans, clears)
 * its probes; the files are computed by the next itr_last_test_coverage().
 * Used by benchmarks and by adapters that defer attribution. */
ITR_API void itr_test_end_collect_only(void);

/* Files of the test last closed by itr_test_end_collect_only(). Ask before
 * the next itr_test_begin(): after it, the result is INCOMPLETE (the
 * collected probes are gone). */
ITR_API const itr_test_coverage* itr_last_test_coverage(void);

/* Session coverage accumulated so far (before the first test, between tests,
 * and after the last one). Valid until the next runtime call. */
ITR_API const itr_test_coverage* itr_session_coverage(void);

/* Marks the open test's coverage incomplete, with a reason (an adapter that
 * knows its test ran code out of sight, e.g. in a child process). A fork()
 * during a test does this automatically: the child's code is not recorded. */
ITR_API void itr_test_mark_incomplete(const char* reason);

/* The repository root that covered paths are relative to: ITR_REPO_ROOT, or
 * the repository (nearest ancestor holding .git) of the sources the code
 * was compiled from (debug information: the build directory may be
 * anywhere), or of the working directory, else the working directory. */
ITR_API const char* itr_repository_root(void);

/* ---------------------------------------------------------------------
 * What a test executed, without line attribution (cheap): the executed
 * probes of each instrumented object, and what the code read at run time.
 * Function-level selection maps the probes to functions through each
 * object's function index (skipper/index); files and lines are only
 * attributed when asked for (itr_last_test_coverage).
 * ------------------------------------------------------------------- */

typedef struct itr_object_probes {
  const char* path; /* the object file (executable, shared library) */
  /* Its GNU build-id, hex, or "" when it has none. */
  const char* build_id;
  /* Executed probes as addresses of the object file (pc minus the load
   * bias), ascending and distinct: function entries (function level),
   * blocks (edge level) or call sites (gcc trace-pc). */
  const uint64_t* addresses;
  size_t address_count;
} itr_object_probes;

typedef struct itr_env_read {
  const char* name;
  int is_set;          /* 0: the variable was unset when read */
  uint64_t value_hash; /* XXH3-64 of the value, 0 when unset */
} itr_env_read;

typedef struct itr_executed {
  /* INCOMPLETE: something ran out of sight (see error); the test must run. */
  itr_coverage_status status;
  const char* error;
  const itr_object_probes* objects; /* only objects with executed probes */
  size_t object_count;
  /* Repository files opened for reading (repository-relative, sorted),
   * except those the same code had opened for writing before. A failed
   * open counts: the file's absence was observed. */
  const char* const* files_read;
  size_t file_read_count;
  /* Environment variables read with getenv/secure_getenv (sorted by name,
   * the first read of each), except those the process itself had set,
   * unset or put before (their values are its own) and those itr-cpp and
   * the test frameworks read for themselves. docs/runtime.md, "Read
   * tracking", has the exact rules. */
  const itr_env_read* env_read;
  size_t env_read_count;
} itr_executed;

typedef enum itr_phase {
  /* Before the session started (itr_session_start, or the first test):
   * static initializers, main up to there, test registration. */
  ITR_PHASE_STARTUP = 0,
  /* After it, outside every test: global fixtures, suite set-up and
   * teardown, code between tests and after the last one. */
  ITR_PHASE_BETWEEN_TESTS = 1
} itr_phase;

/* What the test last closed (itr_test_end or itr_test_end_collect_only)
 * executed. Valid until the next runtime call. */
ITR_API const itr_executed* itr_last_test_executed(void);

/* What ran outside every test in `phase`, so far. Valid until the next
 * runtime call. */
ITR_API const itr_executed* itr_outside_tests_executed(itr_phase phase);

/* Ends the start-up phase (idempotent): called by itr_session_start() and
 * implied by the first itr_test_begin(). */
ITR_API void itr_end_startup(void);

/* The instrumented objects of this process, e.g. to find their function
 * indexes: path and build-id (hex, "" when none). */
ITR_API size_t itr_object_count(void);
ITR_API itr_object_probes itr_object_at(size_t index); /* no addresses */

/* Number of probes (flags or distinct PCs) registered across modules. */
ITR_API size_t itr_coverage_probe_count(void);

/* Resolves every registered module's probes to source lines now (normally
 * done lazily at the first itr_test_end()). Returns the number of modules
 * whose resolution failed. */
ITR_API size_t itr_coverage_resolve_all(void);

/* ---------------------------------------------------------------------
 * Internal: for itr-cpp's own libraries running inside the test process
 * (libitr_skipper.so, its threads). Not for tests or adapters.
 * ------------------------------------------------------------------- */

/* Marks the calling thread as running itr-cpp's own code until the
 * matching itr_internal_leave() (calls nest): the files it opens and the
 * environment variables it reads are not dependencies of the code under
 * test (files_read / env_read above). The runtime's own entry points do
 * this themselves; a thread that only ever runs itr-cpp code calls
 * itr_internal_enter() once at its start. */
ITR_API void itr_internal_enter(void);
ITR_API void itr_internal_leave(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // ITR_COVERAGE_H_
