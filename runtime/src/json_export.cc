#include "json_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "itr/coverage.hpp"
#include "itr/coverage_export.h"

namespace itr::runtime {

namespace {

void AppendJsonString(std::string* out, const char* text) {
  out->push_back('"');
  for (const char* p = text; *p; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          *out += escaped;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendFiles(std::string* out, const itr_test_coverage& coverage,
                 bool external) {
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < coverage.file_count; ++i) {
    const itr_covered_file& file = coverage.files[i];
    if ((file.external != 0) != external) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, file.path);
    out->push_back(':');
    out->push_back('[');
    bool first_line = true;
    for (uint32_t line :
         LinesFromBitmap(file.line_bitmap, file.line_bitmap_size)) {
      if (!first_line) out->push_back(',');
      first_line = false;
      *out += std::to_string(line);
    }
    out->push_back(']');
  }
  out->push_back('}');
}

void AppendReads(std::string* out, const ReadSet& reads) {
  *out += ",\"" ITR_EXPORT_FILES_READ "\":[";
  for (size_t i = 0; i < reads.files.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, reads.files[i].c_str());
  }
  *out += "],\"" ITR_EXPORT_ENV_READ "\":{";
  for (size_t i = 0; i < reads.env.size(); ++i) {
    const EnvReadValue& read = reads.env[i];
    if (i > 0) out->push_back(',');
    AppendJsonString(out, read.name.c_str());
    out->push_back(':');
    if (!read.is_set) {
      *out += "null";
      continue;
    }
    char hex[24];
    snprintf(hex, sizeof(hex), "\"%016llx\"",
             static_cast<unsigned long long>(read.value_hash));
    *out += hex;
  }
  out->push_back('}');
}

void AppendObjects(std::string* out, const char* field,
                   const itr_executed& executed) {
  *out += ",\"";
  *out += field;
  *out += "\":[";
  for (size_t i = 0; i < executed.object_count; ++i) {
    const itr_object_probes& object = executed.objects[i];
    if (i > 0) out->push_back(',');
    *out += "{\"" ITR_EXPORT_OBJECT_PATH "\":";
    AppendJsonString(out, object.path);
    *out += ",\"" ITR_EXPORT_OBJECT_BUILD_ID "\":";
    AppendJsonString(out, object.build_id);
    *out += ",\"" ITR_EXPORT_OBJECT_ADDRESSES "\":[";
    for (size_t k = 0; k < object.address_count; ++k) {
      if (k > 0) out->push_back(',');
      *out += std::to_string(object.addresses[k]);
    }
    *out += "]}";
  }
  out->push_back(']');
}

}  // namespace

std::string CoverageJsonLine(const itr_test_coverage& coverage,
                             const itr_executed* executed, const ReadSet& reads,
                             const itr_executed* startup) {
  std::string out = "{\"" ITR_EXPORT_TEST "\":";
  if (coverage.test_id != nullptr) {
    AppendJsonString(&out, coverage.test_id);
  } else {
    out += "null";
  }
  out += ",\"" ITR_EXPORT_STATUS "\":";
  out += coverage.status == ITR_COVERAGE_COMPLETE
             ? "\"" ITR_EXPORT_STATUS_COMPLETE "\""
         : coverage.status == ITR_COVERAGE_INCOMPLETE
             ? "\"" ITR_EXPORT_STATUS_INCOMPLETE "\""
             : "\"" ITR_EXPORT_STATUS_UNAVAILABLE "\"";
  out += ",\"" ITR_EXPORT_FILES "\":";
  AppendFiles(&out, coverage, /*external=*/false);
  out += ",\"" ITR_EXPORT_EXTERNAL "\":";
  AppendFiles(&out, coverage, /*external=*/true);
  AppendReads(&out, reads);
  if (coverage.error != nullptr) {
    out += ",\"" ITR_EXPORT_ERROR "\":";
    AppendJsonString(&out, coverage.error);
  }
  if (executed != nullptr) AppendObjects(&out, ITR_EXPORT_OBJECTS, *executed);
  if (startup != nullptr) {
    AppendObjects(&out, ITR_EXPORT_STARTUP_OBJECTS, *startup);
  }
  out += "}\n";
  return out;
}

bool AppendLine(const std::string& path, const std::string& line) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(fd);
  return done == line.size();
}

}  // namespace itr::runtime
