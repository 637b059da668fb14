// An instrumented program that reads files and environment variables in
// every phase, driven by reads_process_test. READS_DIR names the repository
// (possibly through a symbolic link); it reports through
// ITR_COVERAGE_EXPORT, as any instrumented binary does:
//   start-up:       getenv READS_DIR, reads startup.txt
//   Reads.First:    reads data/input.txt and the export file itself,
//                   getenv READS_VALUE (set) and READS_UNSET (unset)
//   between tests:  reads between.txt
//   Reads.Second:   reads missing.txt (absent), writes then reads out.txt
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "itr/coverage.h"

namespace {

const char* const kDirectory = getenv("READS_DIR");
const bool kStartupRead =
    kDirectory != nullptr &&
    std::ifstream(std::string(kDirectory) + "/startup.txt").good();

bool Exists(const std::string& path) {
  FILE* file = fopen(path.c_str(), "r");
  if (file == nullptr) return false;
  fclose(file);
  return true;
}

}  // namespace

int main() {
  if (kDirectory == nullptr) return 2;
  const std::string dir = kDirectory;

  itr_test_begin("Reads.First");
  std::string input;
  std::getline(std::ifstream(dir + "/data/input.txt"), input);
  const char* value = getenv("READS_VALUE");
  const char* unset = getenv("READS_UNSET");
  bool export_seen = std::ifstream(getenv("ITR_COVERAGE_EXPORT")).good();
  itr_test_end();

  bool between = Exists(dir + "/between.txt");

  itr_test_begin("Reads.Second");
  bool missing = Exists(dir + "/missing.txt");
  std::ofstream(dir + "/out.txt") << "produced";
  bool produced = Exists(dir + "/out.txt");
  itr_test_end();

  printf(
      "startup=%d input=%s value=%s unset=%d export=%d between=%d "
      "missing=%d produced=%d\n",
      kStartupRead, input.c_str(), value ? value : "(null)", unset == nullptr,
      export_seen, between, missing, produced);
  return 0;
}
