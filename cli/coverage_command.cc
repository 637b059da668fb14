// itr coverage <export> [<lcov file> [<cobertura file>]]: the line coverage
// of the last run as a full run would show it — the lines of the tests that
// ran (the run's ITR_COVERAGE_EXPORT file) merged with the recorded lines of
// the tests it skipped — as an lcov tracefile and Cobertura XML.
//
// Each run with ITR_COVERAGE_EXPORT set is the switch: only then does the
// runtime attribute lines (DWARF) per test; this command keeps each test's
// lines with its record, so that a later run that skips it can add them. A
// skipped test's lines count only while the text at those lines is
// unchanged (line_coverage.h); the lines with code come from the line
// tables of the module's objects.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "itr/coverage_export.h"
#include "skipper/base/status_macros.h"
#include "skipper/reports/line_coverage.h"

namespace itr::cli {

namespace {

using skipper::FileLines;
using skipper::LineCoverage;
using skipper::Store;

struct Export {
  std::map<std::string, FileLines> tests;  // by key
  FileLines outside_tests;
};

// Every coverage line of the export, unioned per test.
Export ReadExport(const std::string& path) {
  Export out;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
    if (!line.is_object() || !line.contains(ITR_EXPORT_FILES)) continue;
    auto test = line.find(ITR_EXPORT_TEST);
    FileLines& lines = test != line.end() && test->is_string()
                           ? out.tests[test->get<std::string>()]
                           : out.outside_tests;
    for (const auto& [file, numbers] : line[ITR_EXPORT_FILES].items()) {
      for (const nlohmann::json& n : numbers) {
        if (n.is_number_unsigned()) lines[file].insert(n.get<uint32_t>());
      }
    }
  }
  return out;
}

// The lines with code of the repository files in `object`'s line tables.
void AddLinesWithCode(const std::string& object, const std::string& root,
                      LineCoverage* coverage) {
  int fd = open(object.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
  std::map<std::string, std::set<uint32_t>> code;
  Dwarf_Off offset = 0, next = 0;
  size_t header = 0;
  while (dwarf != nullptr && dwarf_nextcu(dwarf, offset, &next, &header,
                                          nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die unit;
    Dwarf_Lines* lines = nullptr;
    size_t count = 0;
    if (dwarf_offdie(dwarf, offset + header, &unit) != nullptr &&
        dwarf_getsrclines(&unit, &lines, &count) == 0) {
      for (size_t i = 0; i < count; ++i) {
        Dwarf_Line* line = dwarf_onesrcline(lines, i);
        int number = 0;
        const char* file = dwarf_linesrc(line, nullptr, nullptr);
        if (file == nullptr || dwarf_lineno(line, &number) != 0 ||
            number <= 0) {
          continue;
        }
        std::string path =
            std::filesystem::path(file).lexically_normal().string();
        if (path.compare(0, root.size() + 1, root + "/") == 0) {
          code[path.substr(root.size() + 1)].insert(number);
        }
      }
    }
    offset = next;
  }
  if (dwarf != nullptr) dwarf_end(dwarf);
  close(fd);
  for (const auto& [path, numbers] : code) coverage->AddCode(path, numbers);
}

// When the export was started (its birth time, seconds), or 0 when the
// file system does not say.
int64_t ExportStartedAt(const std::string& path) {
  struct statx info {};
  if (statx(AT_FDCWD, path.c_str(), 0, STATX_BTIME, &info) != 0 ||
      (info.stx_mask & STATX_BTIME) == 0) {
    return 0;
  }
  return info.stx_btime.tv_sec;
}

// The first run of the export's invocation: the oldest run that started
// since the export was (its runs may have skipped everything, so they are
// not in it), or that recorded a test the export has.
int64_t FirstRunOfExport(const std::string& path, const Export& run,
                         const std::vector<Store::RunSummary>& history,
                         Store* store) {
  int64_t started_at = ExportStartedAt(path);
  int64_t first = INT64_MAX;
  for (const Store::RunSummary& summary : history) {
    // started_at is in whole seconds: a run in the same second counts.
    if (started_at > 0 && summary.started_at >= started_at) {
      first = std::min(first, summary.run_id);
    }
  }
  auto modules = store->Modules();
  if (!modules.ok()) return first;
  for (const auto& [module, configuration] : *modules) {
    auto records = store->LoadTests(module, configuration);
    if (!records.ok()) continue;
    for (const skipper::TestRecord& record : *records) {
      if (run.tests.count(record.key)) first = std::min(first, record.run_id);
    }
  }
  return first;
}

// The last event of each test of (module, configuration) in the runs from
// `first_run` on: its outcome in the newest run that ran or skipped it.
absl::StatusOr<std::map<std::string, std::string>> LastOutcomes(
    Store* store, const std::string& module, const std::string& configuration,
    const std::vector<Store::RunSummary>& history, int64_t first_run) {
  std::map<std::string, std::string> last;
  for (const Store::RunSummary& run : history) {
    if (run.module != module || run.configuration != configuration ||
        run.run_id < first_run) {
      continue;
    }
    auto tests = store->RunTests(run.run_id);
    if (!tests.ok()) return tests.status();
    for (const Store::RunTest& test : *tests) last[test.key] = test.outcome;
  }
  return last;
}

struct Tally {
  size_t ran = 0, backfilled = 0, without_lines = 0, moved = 0;
};

// Adds one module's tests: those in the export with their exported lines
// (kept with their records), the skipped ones with their recorded lines.
absl::Status AddModule(const Options& options, Store* store,
                       const std::string& module,
                       const std::string& configuration, const Export& run,
                       const std::vector<Store::RunSummary>& history,
                       int64_t first_run, LineCoverage* coverage,
                       Tally* tally) {
  ITR_ASSIGN_OR_RETURN(auto records, store->LoadTests(module, configuration));
  ITR_ASSIGN_OR_RETURN(auto last, LastOutcomes(store, module, configuration,
                                               history, first_run));
  for (const skipper::TestRecord& record : records) {
    auto exported = run.tests.find(record.key);
    if (exported != run.tests.end()) {
      ++tally->ran;
      coverage->AddExecuted(exported->second);
      ITR_RETURN_IF_ERROR(store->SetTestLines(
          record.id, record.run_id,
          skipper::EncodeTestLines(exported->second, options.repo_root)));
      continue;
    }
    if (last[record.key] != "itr_skipped") continue;  // not in the last run
    absl::StatusOr<std::string> blob =
        store->TestLines(record.id, record.run_id);
    if (absl::IsNotFound(blob.status())) {
      ++tally->without_lines;
      continue;
    }
    ITR_RETURN_IF_ERROR(blob.status());
    std::vector<std::string> moved;
    ITR_ASSIGN_OR_RETURN(
        FileLines lines,
        skipper::DecodeValidTestLines(*blob, options.repo_root, &moved));
    ++tally->backfilled;
    tally->moved += !moved.empty();
    coverage->AddExecuted(lines);
  }
  ITR_ASSIGN_OR_RETURN(auto objects, store->ObjectPaths(module));
  for (const auto& [name, path] : objects) {
    AddLinesWithCode(path, options.repo_root, coverage);
  }
  return absl::OkStatus();
}

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (out.flush()) return true;
  std::cerr << "itr: cannot write " << path << "\n";
  return false;
}

}  // namespace

int RunCoverage(const Options& options) {
  const std::vector<std::string>& args = options.positionals;
  std::string lcov = args.size() > 1 ? args[1] : "itr-coverage.info";
  std::error_code error;
  if (!std::filesystem::is_regular_file(args[0], error)) {
    std::cerr << "itr: no coverage export " << args[0]
              << ": run the tests with ITR_COVERAGE_EXPORT=" << args[0] << "\n";
    return kExitNo;
  }
  bool missing = false;
  std::unique_ptr<Store> store =
      OpenExistingStore(options, StoreAccess::kWrite, &missing);
  if (missing)
    std::cerr << "itr: no store at " << options.store_display << "\n";
  if (store == nullptr) return missing ? kExitNo : kExitStoreError;
  Export run = ReadExport(args[0]);
  auto history = store->RunHistory();
  if (!history.ok())
    return StoreError("cannot read the store", history.status());
  auto modules = SelectModules(store.get(), options.module);
  if (!modules.ok())
    return StoreError("cannot read the store", modules.status());
  LineCoverage coverage;
  coverage.AddExecuted(run.outside_tests);
  Tally tally;
  int64_t first_run = FirstRunOfExport(args[0], run, *history, store.get());
  for (const auto& [module, configuration] : *modules) {
    absl::Status added = AddModule(options, store.get(), module, configuration,
                                   run, *history, first_run, &coverage, &tally);
    if (!added.ok()) return StoreError("cannot read the store", added);
  }
  if (!WriteText(lcov, skipper::LcovTracefile(coverage, "itr")) ||
      (args.size() > 2 &&
       !WriteText(args[2], skipper::CoberturaXml(coverage, options.repo_root,
                                                 time(nullptr))))) {
    return kExitStoreError;
  }
  if (tally.without_lines > 0 || tally.moved > 0) {
    std::cerr << absl::StrFormat(
        "itr: warning: the lines of %d skipped test(s) are missing or "
        "partial: %d never ran with ITR_COVERAGE_EXPORT, %d executed lines "
        "whose text changed since; a run with ITR_COVERAGE_EXPORT and "
        "ITR_COLLECT_ONLY=1 records them all\n",
        tally.without_lines + tally.moved, tally.without_lines, tally.moved);
  }
  size_t all = coverage.LinesWithCode(), hit = coverage.LinesExecuted();
  std::cout << absl::StrFormat(
      "itr: coverage of %d tests that ran and %d skipped: %d of %d lines "
      "(%.1f%%) in %d files, written to %s\n",
      tally.ran, tally.backfilled, hit, all, all ? 100.0 * hit / all : 100.0,
      coverage.files.size(), lcov);
  return kExitOk;
}

}  // namespace itr::cli
