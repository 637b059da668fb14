#include "skipper/datadog/api_client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "skipper/base/json_limits.h"
#include "skipper/base/status_macros.h"
#include "skipper/transport/multipart.h"

namespace itr::skipper::datadog {

namespace {

using nlohmann::json;

constexpr char kSettingsPath[] = "/api/v2/libraries/tests/services/setting";
constexpr char kSkippablePath[] = "/api/v2/ci/tests/skippable";
constexpr char kSearchCommitsPath[] = "/api/v2/git/repository/search_commits";
constexpr char kPackfilePath[] = "/api/v2/git/repository/packfile";

json Configurations(const RunContext& run) {
  json configurations = json::object();
  for (const auto& [key, value] : run.configurations) {
    configurations[key] = value;
  }
  json custom = json::object();
  for (const auto& [key, value] : run.custom) custom[key] = value;
  configurations["custom"] = custom;
  return configurations;
}

// Parses without exceptions; a body that is not a JSON object is an error.
absl::StatusOr<json> ParseObject(std::string_view body, std::string_view what) {
  if (!JsonNestingWithin(body)) {
    return absl::DataLossError(absl::StrCat("the ", std::string(what),
                                            " response nests deeper than ",
                                            kMaxJsonNesting, " levels"));
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return absl::DataLossError(absl::StrCat("the ", std::string(what),
                                            " response is not a JSON object"));
  }
  if (parsed.contains("errors")) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", std::string(what), " response reports errors"));
  }
  return parsed;
}

bool Flag(const json& attributes, const char* name) {
  auto it = attributes.find(name);
  return it != attributes.end() && it->is_boolean() && it->get<bool>();
}

std::string StringAt(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool IsCommitSha(const std::string& sha) {
  if (sha.size() != 40 && sha.size() != 64) return false;
  for (char c : sha) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string SettingsRequestBody(const RunContext& run, std::string_view id) {
  json body = {{"data",
                {{"id", std::string(id)},
                 {"type", "ci_app_test_service_libraries_settings"},
                 {"attributes",
                  {{"test_level", run.test_level},
                   {"service", run.service},
                   {"env", run.env},
                   {"repository_url", run.repository_url},
                   {"branch", run.branch},
                   {"sha", run.sha},
                   {"configurations", Configurations(run)}}}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<LibrarySettings> ParseSettingsResponse(std::string_view body) {
  absl::StatusOr<json> parsed = ParseObject(body, "settings");
  ITR_RETURN_IF_ERROR(parsed.status());
  const json& data = (*parsed)["data"];
  if (!data.is_object() || !data.contains("attributes") ||
      !data["attributes"].is_object()) {
    return absl::DataLossError("the settings response has no attributes");
  }
  const json& attributes = data["attributes"];
  LibrarySettings settings;
  settings.itr_enabled = Flag(attributes, "itr_enabled");
  settings.code_coverage = Flag(attributes, "code_coverage");
  settings.tests_skipping = Flag(attributes, "tests_skipping");
  settings.require_git = Flag(attributes, "require_git");
  return settings;
}

std::string SkippableRequestBody(const RunContext& run) {
  json body = {{"data",
                {{"type", "test_params"},
                 {"attributes",
                  {{"test_level", run.test_level},
                   {"service", run.service},
                   {"env", run.env},
                   {"repository_url", run.repository_url},
                   {"sha", run.sha},
                   {"configurations", Configurations(run)}}}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<SkippableList> ParseSkippableResponse(std::string_view body) {
  absl::StatusOr<json> parsed = ParseObject(body, "skippable tests");
  ITR_RETURN_IF_ERROR(parsed.status());
  const json& data = (*parsed)["data"];
  if (!data.is_array()) {
    return absl::DataLossError("the skippable tests response has no data");
  }
  SkippableList list;
  if (parsed->contains("meta") && (*parsed)["meta"].is_object()) {
    list.correlation_id = StringAt((*parsed)["meta"], "correlation_id");
  }
  for (const json& item : data) {
    if (!item.is_object() || !item.contains("attributes") ||
        !item["attributes"].is_object()) {
      continue;
    }
    const json& attributes = item["attributes"];
    SkippableItem skippable;
    skippable.type = StringAt(item, "type");
    skippable.suite = StringAt(attributes, "suite");
    skippable.name = StringAt(attributes, "name");
    skippable.parameters = StringAt(attributes, "parameters");
    if (attributes.contains("configurations") &&
        attributes["configurations"].is_object()) {
      skippable.module = StringAt(attributes["configurations"], "test.bundle");
    }
    // An item we cannot tie to one module and suite never matches a test
    // (as in the Swift client): dropping it only runs more tests.
    bool usable = !skippable.module.empty() && !skippable.suite.empty() &&
                  (skippable.type == "suite" ||
                   (skippable.type == "test" && !skippable.name.empty()));
    if (usable) list.items.push_back(std::move(skippable));
  }
  return list;
}

std::string SearchCommitsRequestBody(const std::string& repository_url,
                                     const std::vector<std::string>& shas) {
  json data = json::array();
  for (const std::string& sha : shas) {
    data.push_back({{"id", sha}, {"type", "commit"}});
  }
  json body = {{"meta", {{"repository_url", repository_url}}}, {"data", data}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<std::vector<std::string>> ParseSearchCommitsResponse(
    std::string_view body) {
  absl::StatusOr<json> parsed = ParseObject(body, "search_commits");
  ITR_RETURN_IF_ERROR(parsed.status());
  const json& data = (*parsed)["data"];
  if (!data.is_array()) {
    return absl::DataLossError("the search_commits response has no data");
  }
  std::vector<std::string> known;
  for (const json& item : data) {
    std::string sha = item.is_object() ? StringAt(item, "id") : "";
    if (!item.is_object() || StringAt(item, "type") != "commit" ||
        !IsCommitSha(sha)) {
      return absl::DataLossError(
          "the search_commits response lists something other than commits");
    }
    known.push_back(sha);
  }
  return known;
}

absl::StatusOr<std::string> ApiClient::PostJson(std::string_view path,
                                                std::string body,
                                                absl::Time deadline) {
  transport::IntakeTarget target =
      endpoints_.Target(transport::Intake::kApi, path);
  transport::HttpRequest request;
  request.url = target.url;
  request.headers = target.headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept-Encoding", "gzip");
  request.body = std::move(body);
  request.max_response_bytes = target.max_response_bytes;
  absl::StatusOr<transport::HttpResponse> response =
      client_->Send(request, deadline);
  ITR_RETURN_IF_ERROR(response.status());
  if (response->status < 200 || response->status > 299) {
    return absl::UnavailableError(
        absl::StrCat(std::string(path), " answered HTTP ", response->status));
  }
  return std::move(response->body);
}

absl::StatusOr<LibrarySettings> ApiClient::FetchSettings(const RunContext& run,
                                                         absl::Time deadline) {
  // The id only names the request; the tracers use a random one.
  std::string id = absl::StrCat(absl::ToUnixNanos(absl::Now()));
  absl::StatusOr<std::string> body =
      PostJson(kSettingsPath, SettingsRequestBody(run, id), deadline);
  ITR_RETURN_IF_ERROR(body.status());
  return ParseSettingsResponse(*body);
}

absl::StatusOr<SkippableList> ApiClient::FetchSkippable(const RunContext& run,
                                                        absl::Time deadline) {
  absl::StatusOr<std::string> body =
      PostJson(kSkippablePath, SkippableRequestBody(run), deadline);
  ITR_RETURN_IF_ERROR(body.status());
  return ParseSkippableResponse(*body);
}

absl::StatusOr<std::vector<std::string>> ApiClient::SearchCommits(
    const std::string& repository_url, const std::vector<std::string>& shas,
    absl::Time deadline) {
  absl::StatusOr<std::string> body =
      PostJson(kSearchCommitsPath,
               SearchCommitsRequestBody(repository_url, shas), deadline);
  ITR_RETURN_IF_ERROR(body.status());
  return ParseSearchCommitsResponse(*body);
}

absl::Status ApiClient::UploadPackfile(const std::string& repository_url,
                                       const std::string& head_sha,
                                       const std::string& pack_path,
                                       absl::Time deadline) {
  std::ifstream file(pack_path, std::ios::binary);
  std::stringstream pack;
  pack << file.rdbuf();
  if (!file) {
    return absl::UnavailableError(absl::StrCat("cannot read ", pack_path));
  }
  json pushed = {{"data", {{"id", head_sha}, {"type", "commit"}}},
                 {"meta", {{"repository_url", repository_url}}}};
  std::string filename = pack_path.substr(pack_path.rfind('/') + 1);
  transport::MultipartBody multipart = transport::BuildMultipart(
      {{"pushedSha", "", "application/json",
        pushed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
       {"packfile", filename, "application/octet-stream", pack.str()}});
  transport::IntakeTarget target =
      endpoints_.Target(transport::Intake::kApi, kPackfilePath);
  transport::HttpRequest request;
  request.url = target.url;
  request.headers = target.headers;
  request.headers.emplace_back("Content-Type", multipart.content_type);
  request.body = std::move(multipart.body);
  absl::StatusOr<transport::HttpResponse> response =
      client_->Send(request, deadline);
  ITR_RETURN_IF_ERROR(response.status());
  if (response->status < 200 || response->status > 299) {
    return absl::UnavailableError(
        absl::StrCat(kPackfilePath, " answered HTTP ", response->status));
  }
  return absl::OkStatus();
}

}  // namespace itr::skipper::datadog
