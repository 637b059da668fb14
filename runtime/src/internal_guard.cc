#include "internal_guard.h"

#include <cerrno>
#include <cfenv>

#include "itr/coverage.h"

namespace itr::runtime {

__thread int t_internal_depth __attribute__((tls_model("initial-exec"))) = 0;

CallerState::CallerState() : errno_(errno) {
  fegetexceptflag(&flags_, FE_ALL_EXCEPT);
  rounding_ = fegetround();
  traps_ = fegetexcept();
  if (traps_ > 0) fedisableexcept(traps_);
  if (rounding_ != FE_TONEAREST) fesetround(FE_TONEAREST);
}

CallerState::~CallerState() {
  fexcept_t now;
  fegetexceptflag(&now, FE_ALL_EXCEPT);
  if (now != flags_) fesetexceptflag(&flags_, FE_ALL_EXCEPT);
  if (fegetround() != rounding_) fesetround(rounding_);
  if (traps_ > 0) feenableexcept(traps_);  // after the flags: no stale trap
  errno = errno_;
}

}  // namespace itr::runtime

extern "C" {

ITR_API void itr_internal_enter(void) { ++itr::runtime::t_internal_depth; }

ITR_API void itr_internal_leave(void) {
  if (itr::runtime::t_internal_depth > 0) --itr::runtime::t_internal_depth;
}

}  // extern "C"
