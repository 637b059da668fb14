// What ITR_STORE names, without opening anything: an SQLite file (the
// default) or a PostgreSQL database (postgresql://…, postgres://…, or
// libpq's key/value form "host=… dbname=…"). Shown to a user only through
// RedactSecrets (skipper/base/redact_secrets.h).
#ifndef ITR_SKIPPER_STORE_STORE_LOCATION_H_
#define ITR_SKIPPER_STORE_STORE_LOCATION_H_

#include "absl/strings/string_view.h"

namespace itr::skipper {

// Whether `location` selects the PostgreSQL store: a postgresql:// or
// postgres:// URI, or libpq key/value pairs (the first word is a name
// followed by '='; a file path never starts so in practice: it has a '/'
// or no '=' before it).
bool IsPostgresLocation(absl::string_view location);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_STORE_LOCATION_H_
