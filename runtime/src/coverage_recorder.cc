#include "coverage_recorder.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "attribution_cache.h"
#include "diagnostics.h"
#include "flag_scan.h"
#include "json_export.h"
#include "module_discovery.h"
#include "module_registry.h"
#include "pc_trace.h"
#include "read_tracker.h"
#include "self_exec.h"
#include "source_paths.h"

namespace itr::runtime {

// Marks lines into the shared file slots, then turns the marked slots into a
// Result and clears them.
class CoverageRecorder::Attributor {
 public:
  explicit Attributor(CoverageRecorder* session) : s_(session) {
    s_->used_files_.clear();
  }

  void Incomplete(const std::string& why) {
    if (error_.empty()) error_ = why;
    incomplete_ = true;
  }

  void Mark(uint32_t slot_id, uint32_t line) {
    FileSlot& slot = s_->files_[slot_id];
    if (!slot.used) {
      slot.used = true;
      s_->used_files_.push_back(slot_id);
    }
    if (line == 0) return;
    size_t byte = (line - 1) >> 3;
    if (slot.bitmap.size() <= byte) slot.bitmap.resize(byte + 1, 0);
    slot.bitmap[byte] |= static_cast<uint8_t>(0x80u >> ((line - 1) & 7));
  }

  void MarkProbe(size_t module_index, uint32_t probe) {
    const ModuleState& module = s_->modules_[module_index];
    const ProbeAttribution& a = module.attribution;
    for (uint32_t k = a.offsets[probe]; k < a.offsets[probe + 1]; ++k) {
      const FileLine& fl = a.pairs[k];
      if (fl.file == kUnknownFile) {
        Incomplete("executed code without source information in " +
                   s_->ObjectOf(module_index).identity.path);
        continue;
      }
      Mark(module.global_file[fl.file], fl.line);
    }
  }

  void MarkPc(uintptr_t pc) {
    TracedObject* object = s_->TracedObjectFor(pc);
    if (object == nullptr) {
      Incomplete("traced code outside any loaded object");
      return;
    }
    if (object->index == nullptr) {
      Incomplete(object->error);
      return;
    }
    scratch_.clear();
    AttributeReturnAddress(*object->index, pc - object->identity.load_bias,
                           &scratch_);
    for (const FileLine& fl : scratch_) {
      if (fl.file == kUnknownFile) {
        Incomplete("executed code without source information in " +
                   object->identity.path);
        continue;
      }
      Mark(object->global_file[fl.file], fl.line);
    }
  }

  void Finish(const std::string* test_id, bool available, Result* out) {
    std::vector<uint32_t>& used = s_->used_files_;
    std::sort(used.begin(), used.end(), [&](uint32_t a, uint32_t b) {
      const FileSlot& x = s_->files_[a];
      const FileSlot& y = s_->files_[b];
      if (x.external != y.external) return !x.external;
      return x.path < y.path;
    });
    out->test_id = test_id ? *test_id : "";
    out->error = error_;
    out->paths.resize(used.size());
    out->bitmaps.resize(used.size());
    out->files.resize(used.size());
    for (size_t i = 0; i < used.size(); ++i) {
      FileSlot& slot = s_->files_[used[i]];
      out->paths[i] = slot.path;
      out->bitmaps[i].swap(slot.bitmap);
      slot.bitmap.clear();
      slot.used = false;
      out->files[i] =
          itr_covered_file{out->paths[i].c_str(), slot.external,
                           out->bitmaps[i].data(), out->bitmaps[i].size()};
    }
    used.clear();
    out->c.status = !available    ? ITR_COVERAGE_UNAVAILABLE
                    : incomplete_ ? ITR_COVERAGE_INCOMPLETE
                                  : ITR_COVERAGE_COMPLETE;
    out->c.test_id = test_id ? out->test_id.c_str() : nullptr;
    out->c.files = out->files.data();
    out->c.file_count = out->files.size();
    out->c.error = out->error.empty() ? nullptr : out->error.c_str();
  }

 private:
  CoverageRecorder* s_;
  std::string error_;
  bool incomplete_ = false;
  std::vector<FileLine> scratch_;
};

namespace {

bool CoverageAvailable() { return Registry().size() > 0 || PcTracingSeen(); }

}  // namespace

CoverageRecorder& CoverageRecorder::Get() {
  static CoverageRecorder* session = new CoverageRecorder();
  return *session;
}

CoverageRecorder::CoverageRecorder() {
  if (const char* path = getenv("ITR_COVERAGE_EXPORT"); path && *path) {
    export_path_ = path;
  }
  cache_dir_ = AttributionCacheDir();
  none_.error = "no test is open";
  none_.c.error = none_.error.c_str();
}

void CoverageRecorder::BeginTest(const char* test_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  if (test_open_) CollectTest();  // an unfinished test: its data is dropped
  if (!last_attributed_) {
    // Collected with itr_test_end_collect_only() and never asked for: its
    // touched lists are reused now.
    last_attributed_ = true;
    Attributor expired(this);
    expired.Incomplete("the coverage of " + last_test_id_ +
                       " was not requested before the next test began");
    expired.Finish(&last_test_id_, CoverageAvailable(), &last_);
  }
  DrainToSession();
  phase_ = ITR_PHASE_BETWEEN_TESTS;  // the first test ends start-up
  if (!any_test_began_) {
    any_test_began_ = true;
    if (!export_path_.empty()) ExportOutsideTests();
  }
  ModuleRegistry& registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) registry.at(i).num_touched = 0;
  test_pc_count_ = 0;
  test_lost_probes_ = Registry().overflowed();
  test_lost_reason_ = test_lost_probes_ ? "too many instrumented modules" : "";
  open_test_id_ = test_id ? test_id : "";
  self_execs_at_begin_ = SelfExecCount();
  test_open_ = true;
  ReadTracker::Get().BeginTest();  // read tracking: the test's window
}

// Appends the open test's set flags to each module's touched list. The list
// can receive several drains in one test (a dlclose mid-test drains early);
// compacting it first keeps room for a full drain within 2 * num_flags.
void CoverageRecorder::CollectTest() {
  ModuleRegistry& registry = Registry();
  DiscoverUnregisteredModules(registry);  // e.g. dlopen'ed during the test
  if (registry.RefreshLoadedState() && !unload_prepared_) {
    // A library went away without passing through our dlclose(): whatever
    // it executed since the last drain is gone.
    LoseTestProbes("an instrumented library was unloaded during the test");
  }
  unload_prepared_ = false;
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (!m.loaded.load(std::memory_order_relaxed)) continue;
    if (m.num_touched > m.num_flags) {
      std::sort(m.touched, m.touched + m.num_touched);
      m.num_touched = static_cast<size_t>(
          std::unique(m.touched, m.touched + m.num_touched) - m.touched);
    }
    m.num_touched +=
        CollectAndClearFlags(m.flags, m.num_flags, m.touched + m.num_touched);
  }
  if (PcTracingSeen()) {
    if (test_pcs_.empty()) test_pcs_.resize(kMaxTracedPcs);
    bool overflowed = false;
    test_pc_count_ +=
        DrainTracedPcs(test_pcs_.data() + test_pc_count_,
                       test_pcs_.size() - test_pc_count_, &overflowed);
    if (overflowed) LoseTestProbes("the traced-PC table overflowed");
  }
  if (registry.overflowed()) LoseTestProbes("too many instrumented modules");
  if (SelfExecCount() != self_execs_at_begin_) {
    LoseTestProbes(
        "the test re-executed its binary (a death test), whose execution is "
        "not recorded");
  }
}

void CoverageRecorder::DrainToSession() {
  ModuleRegistry& registry = Registry();
  DiscoverUnregisteredModules(registry);
  if (registry.RefreshLoadedState() && !unload_prepared_) {
    session_lost_probes_ = true;
  }
  unload_prepared_ = false;
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (!m.loaded.load(std::memory_order_relaxed)) continue;
    bool any = false;
    AccumulateAndClearFlags(m.flags, m.num_flags, m.outside_tests[phase_],
                            &any);
    if (any) {
      m.has_session_probes = true;
      session_dirty_ = true;
    }
  }
  if (PcTracingSeen()) {
    if (drain_pcs_.empty()) drain_pcs_.resize(kMaxTracedPcs);
    bool overflowed = false;
    size_t n =
        DrainTracedPcs(drain_pcs_.data(), drain_pcs_.size(), &overflowed);
    if (n > 0) session_dirty_ = true;
    std::vector<uintptr_t>& pcs = session_pcs_[phase_];
    pcs.insert(pcs.end(), drain_pcs_.begin(),
               drain_pcs_.begin() + static_cast<ptrdiff_t>(n));
    std::sort(pcs.begin(), pcs.end());
    pcs.erase(std::unique(pcs.begin(), pcs.end()), pcs.end());
    if (overflowed) session_lost_probes_ = true;
  }
}

void CoverageRecorder::LoseTestProbes(const char* reason) {
  if (!test_lost_probes_) test_lost_reason_ = reason;
  test_lost_probes_ = true;
}

void CoverageRecorder::MarkIncomplete(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!test_open_) return;
  if (!test_lost_probes_) test_lost_reason_ = reason;
  test_lost_probes_ = true;
}

void CoverageRecorder::NoteFork() {
  // Runs in the parent right after fork(), on the forking thread, which is
  // never inside a runtime call (the runtime does not fork).
  std::lock_guard<std::mutex> lock(mutex_);
  if (!test_open_) return;
  if (!test_lost_probes_) {
    test_lost_reason_ =
        "the test forked a child process, whose execution is not recorded";
  }
  test_lost_probes_ = true;
}

const itr_test_coverage* CoverageRecorder::EndTest(bool attribute) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!test_open_) return &none_.c;
  CollectTest();
  ReadTracker::Get().EndTest();  // read tracking: closes the test's window
  test_open_ = false;
  last_test_id_.swap(open_test_id_);
  last_lost_probes_ = test_lost_probes_;
  last_lost_reason_ = test_lost_reason_;
  last_attributed_ = false;
  // The export wants every test's line: attribute now when there is one.
  if (!attribute && export_path_.empty()) return nullptr;
  AttributeLastTest();
  return &last_.c;
}

const itr_test_coverage* CoverageRecorder::LastTest() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!last_attributed_) AttributeLastTest();
  return &last_.c;
}

void CoverageRecorder::AttributeLastTest() {
  last_attributed_ = true;
  Attributor attributor(this);
  if (last_lost_probes_) attributor.Incomplete(last_lost_reason_);
  if (std::string lost;
      ReadTracker::Get().Incomplete(ReadWindow::kLastTest, &lost)) {
    attributor.Incomplete(lost);  // read tracking lost a read
  }
  ModuleRegistry& registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (m.num_touched == 0) continue;
    if (!ResolveModule(i)) {
      attributor.Incomplete(modules_[i].error);
      continue;
    }
    for (size_t k = 0; k < m.num_touched; ++k) {
      attributor.MarkProbe(i, m.touched[k]);
    }
  }
  for (size_t k = 0; k < test_pc_count_; ++k) attributor.MarkPc(test_pcs_[k]);
  attributor.Finish(&last_test_id_, CoverageAvailable(), &last_);
  Export(last_.c, BuildLastExecuted());
}

void CoverageRecorder::AttributeSession() {
  Attributor attributor(this);
  if (session_lost_probes_) {
    attributor.Incomplete("probes were lost (PC table full)");
  }
  ModuleRegistry& registry = Registry();
  if (registry.overflowed()) {
    attributor.Incomplete("too many instrumented modules");
  }
  if (std::string lost;
      ReadTracker::Get().Incomplete(ReadWindow::kOutsideTests, &lost)) {
    attributor.Incomplete(lost);  // read tracking lost a read
  }
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (!m.has_session_probes) continue;
    if (!ResolveModule(i)) {
      attributor.Incomplete(modules_[i].error);
      continue;
    }
    for (size_t k = 0; k < m.num_flags; ++k) {
      if (m.outside_tests[0][k] || m.outside_tests[1][k]) {
        attributor.MarkProbe(i, static_cast<uint32_t>(k));
      }
    }
  }
  for (const std::vector<uintptr_t>& pcs : session_pcs_) {
    for (uintptr_t pc : pcs) attributor.MarkPc(pc);
  }
  attributor.Finish(nullptr, CoverageAvailable(), &session_);
}

const itr_test_coverage* CoverageRecorder::Session() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!test_open_) DrainToSession();
  AttributeSession();
  return &session_.c;
}

bool CoverageRecorder::ResolveModule(size_t index) {
  ModuleRegistry& registry = Registry();
  if (modules_.size() < registry.size()) modules_.resize(registry.size());
  ModuleState& state = modules_[index];
  if (state.attempted) return state.ok;
  Module& m = registry.at(index);
  if (!m.loaded.load(std::memory_order_relaxed)) {
    // Its pc-table is gone; keep the attempt open in case of a re-register.
    state.error =
        "an instrumented library was unloaded before its coverage "
        "could be attributed";
    return false;
  }
  state.attempted = true;
  if (m.pcs == nullptr) {
    state.error =
        "a module was instrumented without pc-table (use the flags "
        "from itr-cpp's compiler-flags/)";
    return false;
  }
  const ObjectInfo& object = ObjectOf(index);
  if (!object.ok) {
    state.error = "cannot find the object file of an instrumented module";
    return false;
  }
  const ModuleIdentity& identity = object.identity;
  if (LoadAttribution(cache_dir_, identity.cache_key, m.num_flags,
                      &state.attribution)) {
    Verbose("resolved %s from cache", identity.path.c_str());
  } else {
    auto index_ptr = DwarfIndex::Load(identity.path, &state.error);
    if (index_ptr == nullptr) {
      Warn("coverage of %s cannot be attributed: %s", identity.path.c_str(),
           state.error.c_str());
      return false;
    }
    state.attribution =
        AttributeProbes(*index_ptr, m.pcs, m.num_flags, identity.load_bias);
    if (!StoreAttribution(cache_dir_, identity.cache_key, state.attribution)) {
      Verbose("could not write the resolution cache in %s", cache_dir_.c_str());
    }
    Verbose("resolved %s from DWARF (%zu probes)", identity.path.c_str(),
            m.num_flags);
  }
  state.global_file.clear();
  for (const std::string& file : state.attribution.files) {
    state.global_file.push_back(GlobalFile(file));
  }
  state.ok = true;
  return true;
}

uint32_t CoverageRecorder::GlobalFile(const std::string& absolute) {
  auto [it, inserted] =
      file_ids_.try_emplace(absolute, static_cast<uint32_t>(files_.size()));
  if (inserted) {
    SourcePath source = ClassifySourcePath(absolute, RepositoryRoot());
    FileSlot slot;
    slot.path = std::move(source.path);
    slot.external = source.external;
    files_.push_back(std::move(slot));
  }
  return it->second;
}

CoverageRecorder::TracedObject* CoverageRecorder::TracedObjectFor(
    uintptr_t pc) {
  for (auto& object : traced_objects_) {
    if (pc >= object->begin && pc < object->end) return object.get();
  }
  const ModuleIdentity* identity = TracedIdentityFor(pc);
  if (identity == nullptr) return nullptr;
  auto object = std::make_unique<TracedObject>();
  object->identity = *identity;
  // The whole segment holding pc answers later lookups without a search.
  object->begin = object->identity.segment_begin;
  object->end = object->identity.segment_end;
  object->index = DwarfIndex::Load(object->identity.path, &object->error);
  if (object->index != nullptr) {
    for (const std::string& file : object->index->files()) {
      object->global_file.push_back(GlobalFile(file));
    }
  } else {
    Warn("coverage of %s cannot be attributed: %s",
         object->identity.path.c_str(), object->error.c_str());
  }
  traced_objects_.push_back(std::move(object));
  return traced_objects_.back().get();
}

CoverageRecorder::ObjectInfo& CoverageRecorder::ObjectOf(size_t module_index) {
  if (objects_.size() < Registry().size()) objects_.resize(Registry().size());
  std::unique_ptr<ObjectInfo>& info = objects_[module_index];
  if (info == nullptr) {
    info = std::make_unique<ObjectInfo>();
    Module& m = Registry().at(module_index);
    // An unloaded module is not identified now; its memory is gone.
    if (m.loaded.load(std::memory_order_relaxed)) {
      info->ok =
          IdentifyModule(reinterpret_cast<uintptr_t>(m.flags), &info->identity);
    }
  }
  return *info;
}

const ModuleIdentity* CoverageRecorder::TracedIdentityFor(uintptr_t pc) {
  for (const auto& identity : traced_identities_) {
    if (pc >= identity->segment_begin && pc < identity->segment_end) {
      return identity.get();
    }
  }
  auto identity = std::make_unique<ModuleIdentity>();
  if (!IdentifyModule(pc, identity.get())) return nullptr;
  traced_identities_.push_back(std::move(identity));
  return traced_identities_.back().get();
}

void CoverageRecorder::AddModuleProbes(size_t module_index,
                                       const uint32_t* probes, size_t n,
                                       ExecutedProbes* out) {
  if (n == 0) return;
  Module& m = Registry().at(module_index);
  if (m.pcs == nullptr) {
    out->Incomplete(
        "a module was instrumented without pc-table (use the flags from "
        "itr-cpp's compiler-flags/)");
    return;
  }
  const ObjectInfo& object = ObjectOf(module_index);
  if (!object.ok) {
    out->Incomplete("cannot find the object file of an instrumented module");
    return;
  }
  if (!object.saved_addresses.empty()) {
    for (size_t k = 0; k < n; ++k) {
      out->Add(object.identity, object.saved_addresses[probes[k]]);
    }
    return;
  }
  if (!m.loaded.load(std::memory_order_relaxed)) {
    out->Incomplete(
        "an instrumented library was unloaded before its probes "
        "were read");
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    out->Add(object.identity, m.pcs[probes[k]].pc - object.identity.load_bias);
  }
}

void CoverageRecorder::SaveProbeAddresses(size_t module_index) {
  Module& m = Registry().at(module_index);
  ObjectInfo& object = ObjectOf(module_index);
  if (!object.ok || m.pcs == nullptr || !object.saved_addresses.empty()) return;
  object.saved_addresses.resize(m.num_flags);
  for (size_t k = 0; k < m.num_flags; ++k) {
    object.saved_addresses[k] = m.pcs[k].pc - object.identity.load_bias;
  }
}

const itr_executed* CoverageRecorder::LastExecuted() {
  std::lock_guard<std::mutex> lock(mutex_);
  itr_executed* executed = BuildLastExecuted();
  ReadTracker::Get().Fill(ReadWindow::kLastTest, executed);
  return executed;
}

itr_executed* CoverageRecorder::BuildLastExecuted() {
  last_executed_.Clear();
  if (last_lost_probes_) last_executed_.Incomplete(last_lost_reason_);
  ModuleRegistry& registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    AddModuleProbes(i, m.touched, m.num_touched, &last_executed_);
  }
  for (size_t k = 0; k < test_pc_count_; ++k) {
    const ModuleIdentity* object = TracedIdentityFor(test_pcs_[k]);
    if (object == nullptr) {
      last_executed_.Incomplete("traced code outside any loaded object");
      continue;
    }
    last_executed_.Add(*object, test_pcs_[k] - object->load_bias);
  }
  return last_executed_.Finish(CoverageAvailable());
}

void CoverageRecorder::AddPhaseProbes(int phase, ExecutedProbes* out) {
  ModuleRegistry& registry = Registry();
  std::vector<uint32_t> probes;
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (!m.has_session_probes) continue;
    probes.clear();
    for (size_t k = 0; k < m.num_flags; ++k) {
      if (m.outside_tests[phase][k]) probes.push_back(static_cast<uint32_t>(k));
    }
    AddModuleProbes(i, probes.data(), probes.size(), out);
  }
  for (uintptr_t pc : session_pcs_[phase]) {
    const ModuleIdentity* object = TracedIdentityFor(pc);
    if (object == nullptr) {
      out->Incomplete("traced code outside any loaded object");
      continue;
    }
    out->Add(*object, pc - object->load_bias);
  }
}

const itr_executed* CoverageRecorder::OutsideTestsExecuted(int phase) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!test_open_) DrainToSession();
  if (phase != ITR_PHASE_STARTUP && phase != ITR_PHASE_BETWEEN_TESTS) {
    outside_executed_.Clear();
    outside_executed_.Incomplete("no such phase");
    return outside_executed_.Finish(CoverageAvailable());
  }
  itr_executed* executed = BuildOutsideExecuted(phase);
  ReadTracker::Get().Fill(phase == ITR_PHASE_STARTUP
                              ? ReadWindow::kStartup
                              : ReadWindow::kBetweenTests,
                          executed);
  return executed;
}

// `phase`: ITR_PHASE_STARTUP, ITR_PHASE_BETWEEN_TESTS, or both (-1).
itr_executed* CoverageRecorder::BuildOutsideExecuted(int phase) {
  outside_executed_.Clear();
  if (session_lost_probes_) {
    outside_executed_.Incomplete("probes were lost (PC table full)");
  }
  if (Registry().overflowed()) {
    outside_executed_.Incomplete("too many instrumented modules");
  }
  for (int each : {ITR_PHASE_STARTUP, ITR_PHASE_BETWEEN_TESTS}) {
    if (phase < 0 || phase == each) AddPhaseProbes(each, &outside_executed_);
  }
  return outside_executed_.Finish(CoverageAvailable());
}

void CoverageRecorder::EndStartup() {
  std::lock_guard<std::mutex> lock(mutex_);
  ReadTracker::Get().EndStartup();
  if (phase_ != ITR_PHASE_STARTUP) return;
  if (!test_open_) DrainToSession();
  phase_ = ITR_PHASE_BETWEEN_TESTS;
}

size_t CoverageRecorder::ObjectCount() {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  return Registry().size();
}

itr_object_probes CoverageRecorder::ObjectAt(size_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (index >= Registry().size()) return itr_object_probes{"", "", nullptr, 0};
  const ObjectInfo& object = ObjectOf(index);
  return itr_object_probes{object.identity.path.c_str(),
                           object.identity.build_id.c_str(), nullptr, 0};
}

void CoverageRecorder::PrepareForUnload() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (test_open_) {
    CollectTest();
  } else {
    DrainToSession();
  }
  ModuleRegistry& registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    Module& m = registry.at(i);
    if (m.num_touched > 0 || m.has_session_probes) {
      ResolveModule(i);
      SaveProbeAddresses(i);
    }
  }
  for (size_t k = 0; k < test_pc_count_; ++k) TracedObjectFor(test_pcs_[k]);
  for (const std::vector<uintptr_t>& pcs : session_pcs_) {
    for (uintptr_t pc : pcs) TracedObjectFor(pc);
  }
  unload_prepared_ = true;
}

void CoverageRecorder::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (test_open_) {
    CollectTest();  // exit() inside a test: that test never ended
    test_open_ = false;
  }
  DrainToSession();
  if (export_path_.empty()) return;
  if (session_exported_ && !session_dirty_ &&
      !ReadTracker::Get().OutsideTestsChangedSinceExport()) {
    return;
  }
  ExportOutsideTests();
}

// Once start-up ended (the first test, or an adapter's itr_end_startup()),
// the line names its probes apart ("startup_objects"): a process-level
// runner scopes them per test as the in-process session does.
void CoverageRecorder::ExportOutsideTests() {
  AttributeSession();
  if (phase_ == ITR_PHASE_STARTUP) {
    Export(session_.c, BuildOutsideExecuted(-1));
  } else {
    startup_executed_.Clear();
    AddPhaseProbes(ITR_PHASE_STARTUP, &startup_executed_);
    const itr_executed* startup = startup_executed_.Finish(CoverageAvailable());
    Export(session_.c, BuildOutsideExecuted(ITR_PHASE_BETWEEN_TESTS), startup);
  }
  session_exported_ = true;
  session_dirty_ = false;
}

void CoverageRecorder::Export(const itr_test_coverage& coverage,
                              const itr_executed* executed,
                              const itr_executed* startup) {
  if (export_path_.empty()) return;
  // Read tracking: what the same window read.
  ReadSet reads = ReadTracker::Get().Reads(coverage.test_id != nullptr
                                               ? ReadWindow::kLastTest
                                               : ReadWindow::kOutsideTests);
  if (!AppendLine(export_path_,
                  CoverageJsonLine(coverage, executed, reads, startup))) {
    export_failed_ = true;
    Warn("cannot write coverage export %s", export_path_.c_str());
  }
}

size_t CoverageRecorder::ResolveAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  size_t failed = 0;
  for (size_t i = 0; i < Registry().size(); ++i) {
    if (!ResolveModule(i)) ++failed;
  }
  return failed;
}

itr_coverage_status CoverageRecorder::State() {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  return CoverageAvailable() ? ITR_COVERAGE_COMPLETE : ITR_COVERAGE_UNAVAILABLE;
}

const char* CoverageRecorder::Mode() {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  // A module whose probes are all function entries may still be edge-level
  // (straight-line functions); any non-entry probe proves edge level.
  ModuleRegistry& registry = Registry();
  bool edge = false;
  for (size_t i = 0; i < registry.size() && !edge; ++i) {
    Module& m = registry.at(i);
    for (size_t k = 0; m.pcs != nullptr && k < m.num_flags && !edge; ++k) {
      edge = (m.pcs[k].flags & 1) == 0;
    }
  }
  bool flags = registry.size() > 0;
  if (flags && PcTracingSeen()) return "mixed";
  if (flags) return edge ? "edge" : "function";
  return PcTracingSeen() ? "pc" : "none";
}

size_t CoverageRecorder::ProbeCount() {
  std::lock_guard<std::mutex> lock(mutex_);
  DiscoverUnregisteredModules(Registry());
  size_t total = 0;
  for (size_t i = 0; i < Registry().size(); ++i)
    total += Registry().at(i).num_flags;
  return total;
}

}  // namespace itr::runtime
