// itr: inspect and reset the impact store of the Intelligent Test Runner.
//
//   itr status | explain <Suite.Name> | impacted | reset | gc  [options]
//   itr index <object>...
//
// See kUsage below. Exit codes are in commands.h.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.h"
#include "skipper/base/redact_secrets.h"

namespace itr::cli {
namespace {

constexpr char kUsage[] =
    "usage: itr <command> [options]\n"
    "\n"
    "commands:\n"
    "  status               what the store holds, per module and "
    "configuration\n"
    "  explain <Suite.Name> what the next run would decide for a test, and "
    "why\n"
    "  impacted             the recorded tests the next run would run\n"
    "  reset                forget every recorded test and run\n"
    "  gc                   delete runs and fingerprints nothing refers to\n"
    "  migrate              create the store or bring its schema up to date\n"
    "  ctest [ctest args]   run ctest, skipping unchanged CTest tests\n"
    "  report [<file>]      a static HTML report of the store's history\n"
    "  coverage <export> [<lcov> [<cobertura>]]\n"
    "                       the last run's line coverage, skipped tests\n"
    "                       included (lcov tracefile, Cobertura XML)\n"
    "  index <object>...    build the function index of linked objects\n"
    "                       (the post-link step itr_instrument adds)\n"
    "  help [<command>]     this text\n"
    "\n"
    "options:\n"
    "  --repo <dir>     repository root (default: $ITR_REPO_ROOT, else the\n"
    "                   nearest ancestor of the current directory holding "
    ".git)\n"
    "  --store <file>   impact store (default: $ITR_STORE, else\n"
    "                   <repo>/.itr/itr.sqlite)\n"
    "  --module <name>  explain, impacted: only this test binary\n"
    "  -h, --help       this text\n"
    "\n"
    "exit codes: 0 ok, 1 negative answer (explain: unknown test; index:\n"
    "            an object could not be indexed), 2 usage error, 3 store\n"
    "            error (index: the index could not be written)\n";

struct Command {
  int (*run)(const Options&);
  const char* usage;
  size_t positionals;  // exactly this many (at least this many: variadic)
  bool takes_module;
  const char* needs = "";  // what a missing positional is
  bool variadic = false;
};

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"status",
       {RunStatus,
        "usage: itr status [--repo <dir>] [--store <file>]\n"
        "Shows the store, its runs, and per module and configuration the\n"
        "tests recorded (passed / failed / running), skips and time saved.\n",
        0, false}},
      {"explain",
       {RunExplain,
        "usage: itr explain <Suite.Name> [--module <name>] [--repo <dir>]\n"
        "                   [--store <file>]\n"
        "Shows, for each module and configuration that recorded the test, "
        "the\n"
        "decision the next run would make and why: its last status, its\n"
        "dependencies (changed ones marked) and the changed session\n"
        "dependencies of its run. Exits 1 if the test is unknown.\n",
        1, true, "a test name (Suite.Name)"}},
      {"impacted",
       {RunImpacted,
        "usage: itr impacted [--module <name>] [--repo <dir>] [--store "
        "<file>]\n"
        "Lists the recorded tests the next run would run, with the reason.\n",
        0, true}},
      {"reset",
       {RunReset,
        "usage: itr reset [--repo <dir>] [--store <file>]\n"
        "Deletes every record of the store (tests, runs, fingerprints, stat\n"
        "cache). The next run runs every test.\n",
        0, false}},
      {"gc",
       {RunGc,
        "usage: itr gc [--repo <dir>] [--store <file>]\n"
        "Deletes finished runs no test refers to, their session dependencies,\n"
        "and fingerprints nothing refers to. Decisions do not change. (Test\n"
        "binaries also do this every 64 runs.)\n",
        0, false}},
      {"migrate",
       {RunMigrate,
        "usage: itr migrate [--repo <dir>] [--store <file or URI>]\n"
        "Creates the store, or brings its schema to this itr-cpp's version\n"
        "(test processes do so on first use; teams that run migrations\n"
        "separately, with a role that may create tables, run this).\n",
        0, false}},
      {"coverage",
       {RunCoverage,
        "usage: itr coverage <export> [<lcov file> [<cobertura file>]]\n"
        "                    [--module <name>] [--repo <dir>] [--store "
        "<file>]\n"
        "Writes the line coverage of the last run as a full run would show\n"
        "it (default itr-coverage.info; Cobertura XML when a second file is\n"
        "named): the lines of the tests that ran, from <export> (the run's\n"
        "ITR_COVERAGE_EXPORT file, started empty), and the recorded lines of\n"
        "the tests it skipped. Keeps each test's lines with its record for\n"
        "later runs: run with ITR_COVERAGE_EXPORT and ITR_COLLECT_ONLY=1 once\n"
        "to record them all. Exits 1 if there is no store.\n",
        1, true, "the run's ITR_COVERAGE_EXPORT file", true}},
      {"report",
       {RunReport,
        "usage: itr report [<file>] [--repo <dir>] [--store <file>]\n"
        "Writes a static HTML page (default itr-report.html): per run the\n"
        "tests run, skipped and forced, the time saved per run as a plot,\n"
        "and for each test of the latest 20 runs why it ran (the dependency\n"
        "that changed, a new test, a failure last time, unskippable...).\n",
        0, false, "", true}},
      {"index",
       {RunIndex,
        "usage: itr index <object>...\n"
        "Builds the function index of each linked object (executable or\n"
        "shared library) from the object, linked with -Wl,--emit-relocs,\n"
        "and its GNU ld map <object>.itr.map, and writes <object>.itridx.\n"
        "Prints one line per object. Without relocations or a map the\n"
        "index maps addresses to functions but has no fingerprints (the\n"
        "line says why). Exits 1 if an object cannot be read, 3 if an\n"
        "index cannot be written.\n",
        1, false, "an object file", true}},
  };
  return *commands;
}

int UsageError(const std::string& message, const char* usage = kUsage) {
  std::cerr << "itr: " << message << "\n\n" << usage;
  return kExitUsage;
}

// --repo, else $ITR_REPO_ROOT, else the nearest ancestor of the current
// directory holding .git, else the current directory.
std::string FindRepoRoot(const std::string& flag) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::string root = flag;
  if (root.empty()) {
    const char* env = std::getenv("ITR_REPO_ROOT");
    if (env != nullptr) root = env;
  }
  if (root.empty()) {
    std::string cwd = fs::current_path(error).string();
    root = GitAncestor(cwd);
    if (root.empty()) root = cwd;
  }
  fs::path absolute = fs::absolute(root, error);
  return error ? root : absolute.lexically_normal().string();
}

// The command line, split into its parts.
struct Arguments {
  std::string command, repo, store, module;
  bool help = false;
  bool module_given = false;
  std::vector<std::string> positionals;
};

// Parses argv[1..]; on a usage error, prints it and returns its exit code.
std::optional<int> ParseArguments(int argc, char** argv, Arguments* out) {
  std::map<std::string, std::string*> valued = {{"--repo", &out->repo},
                                                {"--store", &out->store},
                                                {"--module", &out->module}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      out->help = true;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::string name = arg.substr(0, arg.find('='));
      auto option = valued.find(name);
      if (option == valued.end()) return UsageError("unknown option " + arg);
      if (name.size() < arg.size()) {
        *option->second = arg.substr(name.size() + 1);
      } else if (i + 1 < argc) {
        *option->second = argv[++i];
      } else {
        return UsageError(name + " needs a value");
      }
      if (option->second->empty()) return UsageError(name + " is empty");
      out->module_given |= name == "--module";
      continue;
    }
    if (out->command.empty()) {
      out->command = arg;
    } else {
      out->positionals.push_back(arg);
    }
  }
  return std::nullopt;
}

// `itr help [<command>]`.
int Help(const std::vector<std::string>& positionals) {
  if (!positionals.empty() && positionals[0] == "ctest") {
    std::cout << kCtestUsage;
    return kExitOk;
  }
  if (positionals.empty()) {
    std::cout << kUsage;
    return kExitOk;
  }
  auto found = Commands().find(positionals[0]);
  if (found == Commands().end()) {
    return UsageError("unknown command " + positionals[0]);
  }
  std::cout << found->second.usage;
  return kExitOk;
}

// Runs a store command once its arguments are known to fit it.
int RunCommand(const Command& chosen, Arguments& args) {
  if (args.module_given && !chosen.takes_module) {
    return UsageError(args.command + " does not take --module", chosen.usage);
  }
  bool too_many =
      !chosen.variadic && args.positionals.size() > chosen.positionals;
  if (too_many || args.positionals.size() < chosen.positionals) {
    return UsageError(
        too_many ? "unexpected argument " + args.positionals[chosen.positionals]
                 : args.command + " needs " + chosen.needs,
        chosen.usage);
  }
  Options options;
  options.repo_root = FindRepoRoot(args.repo);
  options.settings = skipper::LoadSettings(std::getenv, options.repo_root,
                                           skipper::ProcessDiagnostics());
  options.store_path =
      args.store.empty() ? options.settings.store_path : args.store;
  options.store_display = skipper::RedactSecrets(options.store_path);
  options.module = args.module;
  options.positionals = std::move(args.positionals);
  return chosen.run(options);
}

int Main(int argc, char** argv) {
  // Everything after `ctest` belongs to ctest.
  if (argc > 1 && std::string(argv[1]) == "ctest") {
    return RunCtestCommand(std::vector<std::string>(argv + 2, argv + argc),
                           FindRepoRoot(""));
  }
  Arguments args;
  if (std::optional<int> error = ParseArguments(argc, argv, &args)) {
    return *error;
  }
  if (args.command == "help") return Help(args.positionals);
  if (args.command.empty()) {
    if (!args.help) return UsageError("no command given");
    std::cout << kUsage;
    return kExitOk;
  }
  auto found = Commands().find(args.command);
  if (found == Commands().end()) {
    return UsageError("unknown command " + args.command);
  }
  if (args.help) {
    std::cout << found->second.usage;
    return kExitOk;
  }
  return RunCommand(found->second, args);
}

}  // namespace
}  // namespace itr::cli

int main(int argc, char** argv) { return itr::cli::Main(argc, argv); }
