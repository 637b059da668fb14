// The fault suite's code under test: a small ledger, two source files.
#ifndef ITR_TESTS_FAULT_SUITE_LEDGER_H_
#define ITR_TESTS_FAULT_SUITE_LEDGER_H_

#include <string>
#include <vector>

namespace fault_suite {

struct Entry {
  std::string account;
  long cents;
};

long Balance(const std::vector<Entry>& entries, const std::string& account);
std::vector<std::string> Accounts(const std::vector<Entry>& entries);
long Compound(long cents, int months, int basis_points);
long Fee(long cents);

}  // namespace fault_suite

#endif  // ITR_TESTS_FAULT_SUITE_LEDGER_H_
