// The per-process coverage state machine behind itr/coverage.h: which test
// is open, what it and the session executed, and the attribution of probes
// to files and lines.
#ifndef ITR_RUNTIME_COVERAGE_RECORDER_H_
#define ITR_RUNTIME_COVERAGE_RECORDER_H_

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dwarf_index.h"
#include "executed_probes.h"
#include "itr/coverage.h"
#include "module_identity.h"
#include "probe_attribution.h"

namespace itr::runtime {

class CoverageRecorder {
 public:
  // Never destroyed: usable from atexit handlers and late destructors.
  static CoverageRecorder& Get();

  void BeginTest(const char* test_id);
  // Scans and clears the probes of the open test. With `attribute`, also
  // computes (and exports) its files; otherwise LastTest() does it later.
  const itr_test_coverage* EndTest(bool attribute);
  const itr_test_coverage* LastTest();
  const itr_test_coverage* Session();

  // The executed probes of the test last closed, and of the code outside
  // tests in `phase` (itr_phase), without line attribution.
  const itr_executed* LastExecuted();
  const itr_executed* OutsideTestsExecuted(int phase);
  // What ran outside tests so far is start-up code; from now on it runs
  // between tests. Idempotent.
  void EndStartup();
  // The instrumented objects: path and build-id, no addresses.
  size_t ObjectCount();
  itr_object_probes ObjectAt(size_t index);

  // The open test ran code that cannot be seen (see itr_test_mark_incomplete).
  void MarkIncomplete(const std::string& reason);
  // Called in the parent after fork(): the child's execution is invisible.
  void NoteFork();

  // Called before a library is unloaded: folds pending probes and resolves
  // every module holding data while its pc-table is still mapped.
  void PrepareForUnload();
  // Called at exit: the session record of ITR_COVERAGE_EXPORT.
  void Finish();
  // True once a line of ITR_COVERAGE_EXPORT could not be written.
  bool ExportFailed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return export_failed_;
  }

  size_t ResolveAll();
  itr_coverage_status State();
  const char* Mode();
  size_t ProbeCount();

 private:
  // Which file an instrumented module is, found once and kept (its strings
  // are handed out through the C API).
  struct ObjectInfo {
    bool ok = false;
    ModuleIdentity identity;
    // The module's probe addresses (relative to the object), copied before
    // a dlclose() may unmap its PC table; empty until then.
    std::vector<uintptr_t> saved_addresses;
  };
  struct ModuleState {
    bool attempted = false;
    bool ok = false;
    std::string error;
    ProbeAttribution attribution;
    std::vector<uint32_t> global_file;  // attribution file -> FileSlot
  };
  // gcc trace-pc objects: resolved per PC through their DWARF index.
  struct TracedObject {
    uintptr_t begin = 0, end = 0;  // an executable PT_LOAD range
    ModuleIdentity identity;
    std::unique_ptr<DwarfIndex> index;
    std::string error;
    std::vector<uint32_t> global_file;
  };
  struct FileSlot {
    std::string path;
    bool external = false;
    std::vector<uint8_t> bitmap;  // Datadog layout
    bool used = false;
  };
  struct Result {
    itr_test_coverage c{};
    std::string test_id;
    std::string error;
    std::vector<itr_covered_file> files;
    std::vector<std::string> paths;
    std::vector<std::vector<uint8_t>> bitmaps;
  };
  class Attributor;

  CoverageRecorder();
  void CollectTest();
  void LoseTestProbes(const char* reason);
  void DrainToSession();
  bool ResolveModule(size_t index);
  TracedObject* TracedObjectFor(uintptr_t pc);
  ObjectInfo& ObjectOf(size_t module_index);
  // Before a dlclose(): keeps the module's probe addresses readable.
  void SaveProbeAddresses(size_t module_index);
  const ModuleIdentity* TracedIdentityFor(uintptr_t pc);
  void AddModuleProbes(size_t module_index, const uint32_t* probes, size_t n,
                       ExecutedProbes* out);
  void AddPhaseProbes(int phase, ExecutedProbes* out);
  uint32_t GlobalFile(const std::string& absolute);
  void AttributeLastTest();
  void AttributeSession();
  // `startup`: the start-up phase's probes, apart from `executed`.
  void Export(const itr_test_coverage& coverage, const itr_executed* executed,
              const itr_executed* startup = nullptr);
  void ExportOutsideTests();
  itr_executed* BuildLastExecuted();
  itr_executed* BuildOutsideExecuted(int phase);

  std::mutex mutex_;
  std::vector<ModuleState> modules_;  // parallel to the ModuleRegistry
  std::vector<std::unique_ptr<ObjectInfo>> objects_;  // parallel too
  std::vector<std::unique_ptr<ModuleIdentity>> traced_identities_;
  std::vector<std::unique_ptr<TracedObject>> traced_objects_;
  std::vector<FileSlot> files_;
  std::unordered_map<std::string, uint32_t> file_ids_;
  std::vector<uint32_t> used_files_;

  bool test_open_ = false;
  bool any_test_began_ = false;
  bool test_lost_probes_ = false;  // set while the open test loses data
  std::string test_lost_reason_;
  std::string last_lost_reason_;
  std::string open_test_id_;
  uint64_t self_execs_at_begin_ = 0;
  std::string last_test_id_;
  bool last_lost_probes_ = false;
  bool last_attributed_ = true;
  std::vector<uintptr_t> test_pcs_;  // gcc fallback, reserved once
  size_t test_pc_count_ = 0;
  std::vector<uintptr_t> drain_pcs_;       // scratch for DrainToSession
  std::vector<uintptr_t> session_pcs_[2];  // by phase
  int phase_ = ITR_PHASE_STARTUP;
  bool unload_prepared_ = false;  // PrepareForUnload ran since last drain
  bool session_lost_probes_ = false;
  bool session_dirty_ = false;
  bool session_exported_ = false;

  Result last_;
  Result session_;
  ExecutedProbes last_executed_;
  ExecutedProbes outside_executed_;
  ExecutedProbes startup_executed_;  // for the export only
  Result none_;
  std::string export_path_;
  bool export_failed_ = false;
  std::string cache_dir_;
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_COVERAGE_RECORDER_H_
