#include "textcalc/ledger.h"

namespace textcalc {

void Ledger::OpenAccount(const std::string& name) {
  if (name.empty()) throw LedgerError("account name must not be empty");
  if (!balances_.emplace(name, Money()).second) {
    throw LedgerError("account '" + name + "' already exists");
  }
}

bool Ledger::HasAccount(std::string_view name) const {
  return balances_.find(name) != balances_.end();
}

void Ledger::RequirePositive(Money amount) {
  if (amount <= Money()) throw LedgerError("amount must be positive");
}

Money& Ledger::MutableBalance(std::string_view account) {
  const auto found = balances_.find(account);
  if (found == balances_.end()) {
    throw LedgerError("unknown account '" + std::string(account) + "'");
  }
  return found->second;
}

void Ledger::Deposit(std::string_view account, Money amount,
                     const std::string& memo) {
  RequirePositive(amount);
  MutableBalance(account) += amount;
  history_.push_back(Entry{std::string(account), amount, memo});
}

void Ledger::Withdraw(std::string_view account, Money amount,
                      const std::string& memo) {
  RequirePositive(amount);
  Money& balance = MutableBalance(account);
  if (balance < amount) {
    throw LedgerError("insufficient funds in '" + std::string(account) + "'");
  }
  balance -= amount;
  history_.push_back(Entry{std::string(account), -amount, memo});
}

void Ledger::Transfer(std::string_view from, std::string_view to, Money amount,
                      const std::string& memo) {
  RequirePositive(amount);
  if (from == to) throw LedgerError("cannot transfer to the same account");
  // Validate both sides before mutating so a failed transfer changes nothing.
  Money& source = MutableBalance(from);
  Money& destination = MutableBalance(to);
  if (source < amount) {
    throw LedgerError("insufficient funds in '" + std::string(from) + "'");
  }
  source -= amount;
  destination += amount;
  history_.push_back(Entry{std::string(from), -amount, memo});
  history_.push_back(Entry{std::string(to), amount, memo});
}

Money Ledger::Balance(std::string_view account) const {
  const auto found = balances_.find(account);
  if (found == balances_.end()) {
    throw LedgerError("unknown account '" + std::string(account) + "'");
  }
  return found->second;
}

Money Ledger::TotalBalance() const {
  Money total;
  for (const auto& [name, balance] : balances_) total += balance;
  return total;
}

std::vector<Ledger::Entry> Ledger::HistoryFor(std::string_view account) const {
  std::vector<Entry> entries;
  for (const Entry& entry : history_) {
    if (entry.account == account) entries.push_back(entry);
  }
  return entries;
}

std::string Ledger::Statement(std::string_view account) const {
  const Money balance = Balance(account);  // Throws for unknown accounts.
  std::string out = "Statement for " + std::string(account) + "\n";
  for (const Entry& entry : HistoryFor(account)) {
    out += "  " + std::string(entry.amount.IsNegative() ? "" : "+") +
           entry.amount.Format() + "  " + entry.memo + "\n";
  }
  out += "Balance: " + balance.Format() + "\n";
  return out;
}

}  // namespace textcalc
