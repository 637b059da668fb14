/* itr/coverage_export.h — the ITR_COVERAGE_EXPORT file format, shared by its
 * writer (the runtime) and its readers (`itr ctest`, tools).
 *
 * One JSON object per line, appended with one write(2) each:
 *   coverage of a test, or of the code outside every test ("test": null):
 *     {"test": "<id>"|null, "status": "complete"|"incomplete"|"unavailable",
 *      "files": {"<repo-relative path>": [<lines>]},
 *      "external": {"<absolute path>": [<lines>]},
 *      "files_read": ["<repo-relative path>"],
 *      "env_read": {"<name>": "<hash>"|null},
 *      "error": "<why incomplete>",
 *      "objects": [{"path": "<object file>", "build_id": "<hex>",
 *                   "addresses": [<executed probes' file addresses>]}]}
 *     files_read: repository files the window opened for reading at run
 *     time (a missing file included: its absence was observed), sorted;
 *     env_read: environment variables it read, each with the XXH3-64 of
 *     its value as 16 lowercase hex digits, or null when it was unset;
 *     objects: the executed probes of each instrumented object; on the
 *     line of code outside tests, once start-up ended (the first test, or
 *     an adapter's itr_end_startup()), those of the start-up phase are
 *     apart in "startup_objects" (same shape).
 *     All three may be absent in lines written by an older runtime.
 *   with ITR_TEST_ID set (one process of an `itr ctest` test):
 *     {"process": "start", "pid": <pid>}                 at start and in forks
 *     {"process": "end", "pid": <pid>, "built_at_ns": <ns>}  after the last
 *                                                         coverage line
 * A process whose "end" line is missing did not finish normally, and a
 * coverage line that could not be written suppresses it.
 */
#ifndef ITR_COVERAGE_EXPORT_H_
#define ITR_COVERAGE_EXPORT_H_

#define ITR_EXPORT_TEST "test"
#define ITR_EXPORT_STATUS "status"
#define ITR_EXPORT_STATUS_COMPLETE "complete"
#define ITR_EXPORT_STATUS_INCOMPLETE "incomplete"
#define ITR_EXPORT_STATUS_UNAVAILABLE "unavailable"
#define ITR_EXPORT_FILES "files"
#define ITR_EXPORT_EXTERNAL "external"
#define ITR_EXPORT_FILES_READ "files_read"
#define ITR_EXPORT_ENV_READ "env_read"
#define ITR_EXPORT_ERROR "error"
#define ITR_EXPORT_OBJECTS "objects"
#define ITR_EXPORT_STARTUP_OBJECTS "startup_objects"
#define ITR_EXPORT_OBJECT_PATH "path"
#define ITR_EXPORT_OBJECT_BUILD_ID "build_id"
#define ITR_EXPORT_OBJECT_ADDRESSES "addresses"
#define ITR_EXPORT_PROCESS "process"
#define ITR_EXPORT_PROCESS_START "start"
#define ITR_EXPORT_PROCESS_END "end"
#define ITR_EXPORT_PID "pid"
#define ITR_EXPORT_BUILT_AT_NS "built_at_ns"

#endif /* ITR_COVERAGE_EXPORT_H_ */
