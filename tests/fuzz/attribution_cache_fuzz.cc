// The probe-to-line cache entry: as read (checksum and all), and resealed
// for the owner so that the structure checks behind the checksum are
// reached too.
#include <cstring>

#include "attribution_cache.h"
#include "fuzz_input.h"

namespace {

using itr::runtime::AttributionOwner;
using itr::runtime::PcTableEntry;
using itr::runtime::ProbeAttribution;

const AttributionOwner& Owner() {
  static PcTableEntry pcs[4] = {
      {0x1000, 1}, {0x1010, 0}, {0x1020, 1}, {0x1040, 0}};
  static const AttributionOwner owner{"bfuzz", pcs, 4, 0};
  return owner;
}

// A valid entry's first bytes (magic, this runtime's producer id): an
// input with its own header past them reaches the rest.
const std::string& ValidEntry() {
  static const std::string entry = [] {
    ProbeAttribution sample;
    sample.files = {"/repo/a.cpp"};
    sample.offsets = {0, 1, 1, 2, 2};
    sample.pairs = {{0, 3}, {0, 4}};
    return itr::runtime::EncodeAttribution(Owner(), sample);
  }();
  return entry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string entry(reinterpret_cast<const char*>(data), size);
  ProbeAttribution out;
  itr::runtime::DecodeAttribution(entry, Owner(), &out);
  if (entry.size() >= 72) {
    memcpy(entry.data(), ValidEntry().data(), 72);  // magic and producer
    if (itr::runtime::ResealAttribution(Owner(), &entry)) {
      itr::runtime::DecodeAttribution(entry, Owner(), &out);
    }
  }
  return 0;
}
