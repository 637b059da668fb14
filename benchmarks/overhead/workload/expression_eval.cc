// Recursive-descent evaluation of generated arithmetic expressions:
//   expression := term (('+' | '-') term)*
//   term       := factor (('*' | '/' | '%') factor)*
//   factor     := number | '-' factor | '(' expression ')'
// Arithmetic wraps (unsigned) so that every expression has a value.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

void AppendExpression(Random& random, int depth, std::string* out) {
  if (depth == 0 || random.Below(4) == 0) {
    *out += std::to_string(random.Below(1000));
    return;
  }
  switch (random.Below(6)) {
    case 0:
      *out += '(';
      AppendExpression(random, depth - 1, out);
      *out += ')';
      break;
    case 1:
      *out += '-';
      AppendExpression(random, depth - 1, out);
      break;
    default: {
      static constexpr char kOperators[] = "+-*/%";
      AppendExpression(random, depth - 1, out);
      *out += ' ';
      *out += kOperators[random.Below(5)];
      *out += ' ';
      AppendExpression(random, depth - 1, out);
    }
  }
}

class Evaluator {
 public:
  explicit Evaluator(const std::string& text) : text_(text) {}

  uint64_t Expression() {
    uint64_t value = Term();
    for (;;) {
      char op = Peek();
      if (op != '+' && op != '-') return value;
      ++position_;
      uint64_t right = Term();
      value = op == '+' ? value + right : value - right;
    }
  }

 private:
  uint64_t Term() {
    uint64_t value = Factor();
    for (;;) {
      char op = Peek();
      if (op != '*' && op != '/' && op != '%') return value;
      ++position_;
      uint64_t right = Factor();
      if (op == '*') {
        value *= right;
      } else if (right == 0) {
        value = 0;  // division by zero yields 0 in this toy language
      } else if (op == '/') {
        value /= right;
      } else {
        value %= right;
      }
    }
  }

  uint64_t Factor() {
    char c = Peek();
    if (c == '(') {
      ++position_;
      uint64_t value = Expression();
      if (Peek() == ')') ++position_;
      return value;
    }
    if (c == '-') {
      ++position_;
      return 0 - Factor();
    }
    uint64_t value = 0;
    while (position_ < text_.size() && text_[position_] >= '0' &&
           text_[position_] <= '9') {
      value = value * 10 + static_cast<uint64_t>(text_[position_++] - '0');
    }
    return value;
  }

  char Peek() {
    while (position_ < text_.size() && text_[position_] == ' ') ++position_;
    return position_ < text_.size() ? text_[position_] : '\0';
  }

  const std::string& text_;
  size_t position_ = 0;
};

}  // namespace

uint64_t ExpressionCase(uint32_t seed) {
  Random random(seed);
  uint64_t result = 0;
  for (int i = 0; i < 240; ++i) {
    std::string text;
    AppendExpression(random, 9, &text);
    result = Mix(result, Evaluator(text).Expression());
  }
  return result;
}

}  // namespace workload
