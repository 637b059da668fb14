// libpq, loaded on first use (dlopen "libpq.so.5"), not linked: a test
// process whose store is SQLite never loads it and its dependencies
// (OpenSSL, Kerberos, LDAP: a few milliseconds of start-up in every
// process otherwise). Types and constants come from <libpq-fe.h>.
#ifndef ITR_SKIPPER_STORE_LIBPQ_API_H_
#define ITR_SKIPPER_STORE_LIBPQ_API_H_

#include <libpq-fe.h>

#include "absl/status/status.h"

namespace itr::skipper {

// The libpq functions the PostgreSQL store calls, named as in libpq.
struct LibpqApi {
  decltype(&::PQconnectdbParams) PQconnectdbParams;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQsetnonblocking) PQsetnonblocking;
  decltype(&::PQsendQuery) PQsendQuery;
  decltype(&::PQsendQueryParams) PQsendQueryParams;
  decltype(&::PQsocket) PQsocket;
  decltype(&::PQflush) PQflush;
  decltype(&::PQconsumeInput) PQconsumeInput;
  decltype(&::PQisBusy) PQisBusy;
  decltype(&::PQgetResult) PQgetResult;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQresultErrorField) PQresultErrorField;
  decltype(&::PQclear) PQclear;
  decltype(&::PQntuples) PQntuples;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQcmdTuples) PQcmdTuples;
  decltype(&::PQunescapeBytea) PQunescapeBytea;
  decltype(&::PQfreemem) PQfreemem;
};

// Loads libpq once per process (thread-safe). FailedPrecondition, saying
// what is missing, when it cannot.
absl::Status LoadLibpq();

// After LoadLibpq() succeeded: the functions.
const LibpqApi& Libpq();

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_LIBPQ_API_H_
