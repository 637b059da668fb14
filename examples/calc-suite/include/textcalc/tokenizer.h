#pragma once

// Lexer for arithmetic expressions such as "rate = (base + 2.5e1) * x ^ 2".

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace textcalc {

enum class TokenKind {
  kNumber,
  kIdentifier,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kCaret,
  kLeftParen,
  kRightParen,
  kComma,
  kAssign,
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;        // The exact source spelling (empty for kEnd).
  double number = 0;       // Only meaningful for kNumber.
  std::size_t offset = 0;  // Byte offset into the source, for error messages.
};

class TokenizeError : public std::runtime_error {
 public:
  TokenizeError(const std::string& message, std::size_t offset);
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// Returns the tokens of `source`, always terminated by a single kEnd token so
// the parser never has to bounds-check.
std::vector<Token> Tokenize(std::string_view source);

std::string_view TokenKindName(TokenKind kind);

}  // namespace textcalc
