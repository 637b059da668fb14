// Connection strings and libpq's messages as they may be shown: a password
// never reaches a message, log or report, at any verbosity.
#ifndef ITR_SKIPPER_BASE_REDACT_SECRETS_H_
#define ITR_SKIPPER_BASE_REDACT_SECRETS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace itr::skipper {

// `text` with every password it may hold replaced by "***": the userinfo
// password of a URI ("user:secret@" -> "user:***@"), key/value
// "password=…" (quoted or not), and a "password=" URI query parameter.
// Applied to every message that may quote a connection string or a libpq
// error.
std::string RedactSecrets(absl::string_view text);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_REDACT_SECRETS_H_
