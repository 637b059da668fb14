#include "ledger.h"

namespace fault_suite {

long Compound(long cents, int months, int basis_points) {
  for (int i = 0; i < months; ++i) cents += cents * basis_points / 120000;
  return cents;
}

long Fee(long cents) { return cents < 10000 ? 100 : cents / 100; }

}  // namespace fault_suite
