#include "skipper/model/test_identity.h"

#include "absl/strings/str_cat.h"

namespace itr::skipper {

std::string TestKey(absl::string_view suite, absl::string_view name) {
  return absl::StrCat(suite, ".", name);
}

void AssignTestKey(absl::string_view suite, absl::string_view name,
                   std::string* key) {
  key->assign(suite.data(), suite.size())
      .append(".")
      .append(name.data(), name.size());
}

}  // namespace itr::skipper
