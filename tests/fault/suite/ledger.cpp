#include "ledger.h"

#include <algorithm>

namespace fault_suite {

long Balance(const std::vector<Entry>& entries, const std::string& account) {
  long total = 0;
  for (const Entry& e : entries) {
    if (e.account == account) total += e.cents;
  }
  return total;
}

std::vector<std::string> Accounts(const std::vector<Entry>& entries) {
  std::vector<std::string> names;
  for (const Entry& e : entries) {
    if (std::find(names.begin(), names.end(), e.account) == names.end()) {
      names.push_back(e.account);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace fault_suite
