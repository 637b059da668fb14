/* itr/internal/session_table.h — how libitr_runtime.so reaches the
 * Intelligent Test Runner it loads (libitr_skipper.so): one table of
 * functions behind the public C API of itr/session.h. Not for users; both
 * sides are built from the same itr-cpp, the version only guards against a
 * mixed installation.
 */
#ifndef ITR_INTERNAL_SESSION_TABLE_H_
#define ITR_INTERNAL_SESSION_TABLE_H_

#include "itr/session.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ITR_SESSION_TABLE_VERSION 3u
/* The skipper library's entry point: const itr_session_table* (void). */
#define ITR_SESSION_TABLE_SYMBOL "itr_skipper_session_table"
/* Its file, beside libitr_runtime.so. */
#define ITR_SKIPPER_LIBRARY "libitr_skipper.so.0"

typedef struct itr_session_table {
  unsigned version; /* ITR_SESSION_TABLE_VERSION */
  itr_session* (*start)(const char* framework, const char* framework_version,
                        const char* build_configuration);
  void (*add_test)(itr_session*, const itr_test*);
  void (*plan)(itr_session*);
  itr_decision (*decision)(const itr_session*, size_t);
  void (*run_anyway)(itr_session*, size_t, const char*);
  size_t (*shard)(itr_session*, const size_t*, size_t, int, int, size_t*);
  size_t (*select)(itr_session*, const size_t*, size_t);
  void (*test_started)(itr_session*, size_t);
  void (*test_finished)(itr_session*, size_t, itr_outcome);
  void (*finish)(itr_session*, int, int);
  void (*add_skipped_to_report)(itr_session*, itr_report_format, const char*);
  const char* (*module)(const itr_session*);
  const char* (*repo_relative)(itr_session*, const char*);
  void (*warn)(itr_session*, const char*);
} itr_session_table;

typedef const itr_session_table* (*itr_session_table_function)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ITR_INTERNAL_SESSION_TABLE_H_ */
