#pragma once

// A tiny double-entry-ish ledger: named accounts that can never go negative,
// with an append-only history of signed entries.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "textcalc/money.h"

namespace textcalc {

class LedgerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Ledger {
 public:
  struct Entry {
    std::string account;
    Money amount;  // Positive for credits, negative for debits.
    std::string memo;
  };

  void OpenAccount(const std::string& name);
  bool HasAccount(std::string_view name) const;

  // All mutations require a strictly positive amount and an open account,
  // and leave the ledger untouched when they throw.
  void Deposit(std::string_view account, Money amount,
               const std::string& memo = "");
  void Withdraw(std::string_view account, Money amount,
                const std::string& memo = "");
  void Transfer(std::string_view from, std::string_view to, Money amount,
                const std::string& memo = "");

  Money Balance(std::string_view account) const;
  Money TotalBalance() const;
  std::size_t AccountCount() const { return balances_.size(); }

  const std::vector<Entry>& History() const { return history_; }
  std::vector<Entry> HistoryFor(std::string_view account) const;

  // Human-readable statement: one line per entry, then the balance.
  std::string Statement(std::string_view account) const;

 private:
  Money& MutableBalance(std::string_view account);
  static void RequirePositive(Money amount);

  std::map<std::string, Money, std::less<>> balances_;
  std::vector<Entry> history_;
};

}  // namespace textcalc
