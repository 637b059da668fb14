#include "textcalc/csv_reader.h"

#include "textcalc/string_utils.h"

namespace textcalc {
namespace {

struct ParsedCsv {
  std::vector<CsvRow> rows;
  std::vector<std::size_t> start_lines;  // Physical line where each row began.
};

// Incremental state machine; one instance parses one document.
class CsvParser {
 public:
  CsvParser(std::string_view text, const CsvOptions& options)
      : text_(text), options_(options) {}

  ParsedCsv Parse() {
    for (std::size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (in_quotes_) {
        ConsumeQuoted(c, i);
      } else {
        ConsumeUnquoted(c, i);
      }
    }
    if (in_quotes_) {
      throw CsvError("unterminated quoted field", quote_start_line_);
    }
    // Flush the last row unless the text was empty or ended with a newline.
    if (!field_.empty() || field_was_quoted_ || !row_.empty()) FinishRow();
    return std::move(parsed_);
  }

 private:
  bool NextIs(std::size_t i, char expected) const {
    return i + 1 < text_.size() && text_[i + 1] == expected;
  }

  void ConsumeQuoted(char c, std::size_t& i) {
    if (c == options_.quote) {
      if (NextIs(i, options_.quote)) {
        field_.push_back(c);  // "" inside quotes is a literal quote.
        ++i;
      } else {
        in_quotes_ = false;
        after_closing_quote_ = true;
      }
      return;
    }
    if (c == '\n') ++line_;
    field_.push_back(c);
  }

  void ConsumeUnquoted(char c, std::size_t i) {
    if (c == options_.delimiter) {
      FinishField();
    } else if (c == '\r' && NextIs(i, '\n')) {
      // CRLF: let the '\n' end the row.
    } else if (c == '\n') {
      FinishRow();
      ++line_;
    } else if (after_closing_quote_) {
      if (!(options_.trim_unquoted && IsBlank(c))) {
        throw CsvError("unexpected character after closing quote", line_);
      }
    } else if (c == options_.quote && StartsField()) {
      field_.clear();  // Drops leading blanks when trimming.
      in_quotes_ = true;
      field_was_quoted_ = true;
      quote_start_line_ = line_;
    } else {
      // A quote in the middle of an unquoted field is kept literally, as
      // most spreadsheet exports expect.
      field_.push_back(c);
    }
  }

  bool StartsField() const {
    if (field_was_quoted_) return false;
    if (options_.trim_unquoted) return Trim(field_).empty();
    return field_.empty();
  }

  void FinishField() {
    if (!field_was_quoted_ && options_.trim_unquoted) {
      field_ = std::string(Trim(field_));
    }
    if (row_.empty()) parsed_.start_lines.push_back(row_start_line_);
    row_.push_back(std::move(field_));
    field_.clear();
    field_was_quoted_ = false;
    after_closing_quote_ = false;
  }

  void FinishRow() {
    FinishField();
    parsed_.rows.push_back(std::move(row_));
    row_.clear();
    row_start_line_ = line_ + 1;  // Called before the '\n' is counted.
  }

  std::string_view text_;
  const CsvOptions& options_;
  ParsedCsv parsed_;
  CsvRow row_;
  std::string field_;
  bool in_quotes_ = false;
  bool field_was_quoted_ = false;
  bool after_closing_quote_ = false;
  std::size_t line_ = 1;
  std::size_t quote_start_line_ = 1;
  std::size_t row_start_line_ = 1;
};

}  // namespace

CsvError::CsvError(const std::string& message, std::size_t line)
    : std::runtime_error("line " + std::to_string(line) + ": " + message),
      line_(line) {}

std::vector<CsvRow> ParseCsv(std::string_view text, const CsvOptions& options) {
  return CsvParser(text, options).Parse().rows;
}

CsvTable CsvTable::Parse(std::string_view text, const CsvOptions& options) {
  ParsedCsv parsed = CsvParser(text, options).Parse();
  if (parsed.rows.empty()) throw CsvError("missing header row", 1);
  CsvTable table;
  table.header_ = std::move(parsed.rows.front());
  for (std::size_t i = 1; i < parsed.rows.size(); ++i) {
    CsvRow& row = parsed.rows[i];
    if (row.size() != table.header_.size()) {
      throw CsvError("row has " + std::to_string(row.size()) +
                         " fields, expected " +
                         std::to_string(table.header_.size()),
                     parsed.start_lines[i]);
    }
    table.rows_.push_back(std::move(row));
  }
  return table;
}

std::optional<std::size_t> CsvTable::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> CsvTable::Column(std::string_view name) const {
  const std::optional<std::size_t> index = ColumnIndex(name);
  if (!index)
    throw std::out_of_range("no column named '" + std::string(name) + "'");
  std::vector<std::string> values;
  values.reserve(rows_.size());
  for (const CsvRow& row : rows_) values.push_back(row[*index]);
  return values;
}

}  // namespace textcalc
