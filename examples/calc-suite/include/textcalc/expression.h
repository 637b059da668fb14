#pragma once

// Recursive-descent evaluator for arithmetic with variables and a few
// built-in functions. Grammar (lowest to highest precedence):
//
//   statement := IDENT '=' expr | expr
//   expr      := term (('+' | '-') term)*
//   term      := unary (('*' | '/') unary)*
//   unary     := '-' unary | power
//   power     := primary ('^' unary)?        // right-associative
//   primary   := NUMBER | IDENT | IDENT '(' args ')' | '(' expr ')'
//
// Because unary minus binds looser than '^', "-2^2" is -4 as in mathematics.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace textcalc {

// Every failure (lexing, syntax, unknown names, domain errors) surfaces as
// EvalError so callers need a single catch.
class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Evaluator {
 public:
  // Evaluates one statement. An assignment stores the variable and returns
  // the assigned value.
  double Evaluate(std::string_view source);

  void SetVariable(const std::string& name, double value);
  std::optional<double> GetVariable(std::string_view name) const;
  std::size_t VariableCount() const { return variables_.size(); }

 private:
  // std::less<> enables lookup by string_view without allocating.
  std::map<std::string, double, std::less<>> variables_;
};

}  // namespace textcalc
