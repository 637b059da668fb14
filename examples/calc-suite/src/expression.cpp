#include "textcalc/expression.h"

#include <cmath>
#include <vector>

#include "textcalc/tokenizer.h"

namespace textcalc {
namespace {

using VariableMap = std::map<std::string, double, std::less<>>;

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::size_t start,
         const VariableMap& variables)
      : tokens_(tokens), pos_(start), variables_(variables) {}

  // Parses a full expression and insists nothing is left over.
  double ParseToEnd() {
    const double value = ParseExpression();
    if (Peek().kind != TokenKind::kEnd) Fail("unexpected");
    return value;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }

  bool Match(TokenKind kind) {
    if (Peek().kind != kind) return false;
    ++pos_;
    return true;
  }

  void Expect(TokenKind kind) {
    if (!Match(kind)) {
      Fail(std::string("expected ") + std::string(TokenKindName(kind)) +
           ", found");
    }
  }

  [[noreturn]] void Fail(const std::string& what) const {
    const Token& token = Peek();
    throw EvalError(what + " " + std::string(TokenKindName(token.kind)) +
                    (token.text.empty() ? "" : " '" + token.text + "'") +
                    " at offset " + std::to_string(token.offset));
  }

  double ParseExpression() {
    double value = ParseTerm();
    while (true) {
      if (Match(TokenKind::kPlus)) {
        value += ParseTerm();
      } else if (Match(TokenKind::kMinus)) {
        value -= ParseTerm();
      } else {
        return value;
      }
    }
  }

  double ParseTerm() {
    double value = ParseUnary();
    while (true) {
      if (Match(TokenKind::kStar)) {
        value *= ParseUnary();
      } else if (Match(TokenKind::kSlash)) {
        const double divisor = ParseUnary();
        if (divisor == 0) throw EvalError("division by zero");
        value /= divisor;
      } else {
        return value;
      }
    }
  }

  double ParseUnary() {
    if (Match(TokenKind::kMinus)) return -ParseUnary();
    return ParsePower();
  }

  double ParsePower() {
    const double base = ParsePrimary();
    // Recursing into ParseUnary (not ParsePower) makes '^' right-associative
    // and allows "2^-1".
    if (Match(TokenKind::kCaret)) return std::pow(base, ParseUnary());
    return base;
  }

  double ParsePrimary() {
    const Token& token = Peek();
    if (Match(TokenKind::kNumber)) return token.number;
    if (Match(TokenKind::kLeftParen)) {
      const double value = ParseExpression();
      Expect(TokenKind::kRightParen);
      return value;
    }
    if (Match(TokenKind::kIdentifier)) {
      if (Match(TokenKind::kLeftParen)) return ParseCall(token.text);
      const auto found = variables_.find(token.text);
      if (found == variables_.end()) {
        throw EvalError("unknown variable '" + token.text + "'");
      }
      return found->second;
    }
    Fail("expected a number, variable or '(', found");
  }

  // Called after "name(" has been consumed.
  double ParseCall(const std::string& name) {
    std::vector<double> args;
    if (!Match(TokenKind::kRightParen)) {
      do {
        args.push_back(ParseExpression());
      } while (Match(TokenKind::kComma));
      Expect(TokenKind::kRightParen);
    }
    return CallBuiltin(name, args);
  }

  static void RequireArity(const std::string& name,
                           const std::vector<double>& args,
                           std::size_t expected) {
    if (args.size() != expected) {
      throw EvalError(name + "() takes " + std::to_string(expected) +
                      " argument(s), got " + std::to_string(args.size()));
    }
  }

  static double CallBuiltin(const std::string& name,
                            const std::vector<double>& args) {
    if (name == "abs") {
      RequireArity(name, args, 1);
      return std::fabs(args[0]);
    }
    if (name == "sqrt") {
      RequireArity(name, args, 1);
      if (args[0] < 0) throw EvalError("sqrt() of a negative number");
      return std::sqrt(args[0]);
    }
    if (name == "min" || name == "max") {
      if (args.empty()) throw EvalError(name + "() needs at least 1 argument");
      double result = args[0];
      for (double arg : args) {
        result =
            name == "min" ? std::fmin(result, arg) : std::fmax(result, arg);
      }
      return result;
    }
    throw EvalError("unknown function '" + name + "'");
  }

  const std::vector<Token>& tokens_;
  std::size_t pos_;
  const VariableMap& variables_;
};

}  // namespace

double Evaluator::Evaluate(std::string_view source) {
  std::vector<Token> tokens;
  try {
    tokens = Tokenize(source);
  } catch (const TokenizeError& error) {
    throw EvalError(error.what());
  }

  // Tokenize() always appends kEnd, so tokens[1] exists whenever size() > 2.
  const bool is_assignment = tokens.size() > 2 &&
                             tokens[0].kind == TokenKind::kIdentifier &&
                             tokens[1].kind == TokenKind::kAssign;
  Parser parser(tokens, is_assignment ? 2 : 0, variables_);
  const double value = parser.ParseToEnd();
  if (!std::isfinite(value)) throw EvalError("result is not finite");
  // Only store once the whole statement succeeded, so errors have no effect.
  if (is_assignment) variables_[tokens[0].text] = value;
  return value;
}

void Evaluator::SetVariable(const std::string& name, double value) {
  variables_[name] = value;
}

std::optional<double> Evaluator::GetVariable(std::string_view name) const {
  const auto found = variables_.find(name);
  if (found == variables_.end()) return std::nullopt;
  return found->second;
}

}  // namespace textcalc
