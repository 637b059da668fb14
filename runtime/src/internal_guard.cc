#include "internal_guard.h"

#include "itr/coverage.h"

namespace itr::runtime {

__thread int t_internal_depth __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace itr::runtime

extern "C" {

ITR_API void itr_internal_enter(void) { ++itr::runtime::t_internal_depth; }

ITR_API void itr_internal_leave(void) {
  if (itr::runtime::t_internal_depth > 0) --itr::runtime::t_internal_depth;
}

}  // extern "C"
