#include "skipper/store/libpq_api.h"

#include <dlfcn.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace itr::skipper {
namespace {

struct Loaded {
  LibpqApi api{};
  std::string error;  // "" when every function was found
};

template <typename Function>
bool Bind(void* library, const char* name, Function* out, std::string* error) {
  *out = reinterpret_cast<Function>(dlsym(library, name));
  if (*out == nullptr && error->empty()) {
    *error = absl::StrCat("libpq.so.5 has no ", name);
  }
  return *out != nullptr;
}

Loaded Load() {
  Loaded loaded;
  // Never unloaded: connections may outlive any scope.
  void* library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    loaded.error =
        absl::StrCat("cannot load libpq (", why != nullptr ? why : "libpq.so.5",
                     "): install libpq5 to use a PostgreSQL store");
    return loaded;
  }
  LibpqApi& a = loaded.api;
  std::string& e = loaded.error;
#define ITR_BIND_LIBPQ(name) Bind(library, #name, &a.name, &e)
  ITR_BIND_LIBPQ(PQconnectdbParams);
  ITR_BIND_LIBPQ(PQstatus);
  ITR_BIND_LIBPQ(PQerrorMessage);
  ITR_BIND_LIBPQ(PQfinish);
  ITR_BIND_LIBPQ(PQsetnonblocking);
  ITR_BIND_LIBPQ(PQsendQuery);
  ITR_BIND_LIBPQ(PQsendQueryParams);
  ITR_BIND_LIBPQ(PQsocket);
  ITR_BIND_LIBPQ(PQflush);
  ITR_BIND_LIBPQ(PQconsumeInput);
  ITR_BIND_LIBPQ(PQisBusy);
  ITR_BIND_LIBPQ(PQgetResult);
  ITR_BIND_LIBPQ(PQresultStatus);
  ITR_BIND_LIBPQ(PQresultErrorField);
  ITR_BIND_LIBPQ(PQclear);
  ITR_BIND_LIBPQ(PQntuples);
  ITR_BIND_LIBPQ(PQgetisnull);
  ITR_BIND_LIBPQ(PQgetvalue);
  ITR_BIND_LIBPQ(PQgetlength);
  ITR_BIND_LIBPQ(PQcmdTuples);
  ITR_BIND_LIBPQ(PQunescapeBytea);
  ITR_BIND_LIBPQ(PQfreemem);
#undef ITR_BIND_LIBPQ
  return loaded;
}

const Loaded& Once() {
  static const Loaded* loaded = new Loaded(Load());
  return *loaded;
}

}  // namespace

absl::Status LoadLibpq() {
  const Loaded& loaded = Once();
  if (loaded.error.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(loaded.error);
}

const LibpqApi& Libpq() { return Once().api; }

}  // namespace itr::skipper
