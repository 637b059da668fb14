#include "diagnostics.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace itr::runtime {

namespace {

// Formats into a stack buffer and writes with one write(2) so that lines from
// concurrent test processes do not interleave.
void Emit(const char* format, va_list args) {
  char line[1024] = "itr: ";
  size_t prefix = strlen(line);
  int n = vsnprintf(line + prefix, sizeof(line) - prefix - 1, format, args);
  if (n < 0) return;
  size_t len = prefix + static_cast<size_t>(n);
  if (len > sizeof(line) - 2) len = sizeof(line) - 2;
  // One line, whatever a value it quotes holds.
  for (size_t i = prefix; i < len; ++i) {
    if (static_cast<unsigned char>(line[i]) < 0x20 || line[i] == 0x7f) {
      line[i] = ' ';
    }
  }
  line[len++] = '\n';
  ssize_t ignored = write(STDERR_FILENO, line, len);
  (void)ignored;
}

}  // namespace

bool VerboseEnabled() {
  const char* value = getenv("ITR_VERBOSE");
  return value != nullptr && *value != '\0' && strcmp(value, "0") != 0 &&
         strcmp(value, "false") != 0;
}

void Warn(const char* format, ...) {
  va_list args;
  va_start(args, format);
  Emit(format, args);
  va_end(args);
}

void Verbose(const char* format, ...) {
  if (!VerboseEnabled()) return;
  va_list args;
  va_start(args, format);
  Emit(format, args);
  va_end(args);
}

}  // namespace itr::runtime
