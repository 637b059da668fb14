// itr report [<file>]: a static HTML page of the store's history — per run
// the tests run, skipped and forced, the time saved per run as a plot, and
// for each test of the latest runs why it ran. One self-contained file (no
// script, no server), well-formed as XML so that any parser can check it.
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "skipper/reports/skipped_in_reports.h"

namespace itr::cli {

namespace {

using skipper::Store;
using skipper::XmlAttributeEscape;

// Runs whose tests are listed one by one (the plot and table show all).
constexpr size_t kDetailedRuns = 20;

std::string UtcTime(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm utc {};
  gmtime_r(&t, &utc);
  char buffer[32];
  strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &utc);
  return buffer;
}

constexpr char kHead[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
    "<title>itr-cpp report</title>\n<style>\n"
    "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
    "table { border-collapse: collapse; margin-bottom: 1.5em; }\n"
    "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; "
    "text-align: left; }\n"
    "td.n { text-align: right; }\n"
    ".itr_skipped { color: #777; } .failed { color: #b00; }\n"
    "svg { border: 1px solid #ccc; }\n"
    "</style>\n</head>\n<body>\n";

// Time saved per run: one point per run, oldest left.
std::string SavedPlot(const std::vector<Store::RunSummary>& runs) {
  const double width = 720, height = 240, margin = 40;
  double top = 0;
  for (const Store::RunSummary& run : runs) {
    top = std::max(top, run.saved_ms / 1000);
  }
  if (top <= 0) top = 1;
  double step = runs.size() > 1 ? (width - 2 * margin) / (runs.size() - 1) : 0;
  std::string points, marks;
  for (size_t i = 0; i < runs.size(); ++i) {
    double x = margin + step * i;
    double y = height - margin -
               (runs[i].saved_ms / 1000) / top * (height - 2 * margin);
    absl::StrAppendFormat(&points, "%.1f,%.1f ", x, y);
    absl::StrAppendFormat(
        &marks,
        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#2a6\">"
        "<title>run %d: %s saved</title></circle>\n",
        x, y, runs[i].run_id,
        XmlAttributeEscape(FormatDuration(runs[i].saved_ms)));
  }
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"saved-plot\" "
      "width=\"%.0f\" height=\"%.0f\" role=\"img\" "
      "aria-label=\"time saved per run\">\n"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
      "stroke=\"#888\"/>\n"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
      "stroke=\"#888\"/>\n"
      "<text x=\"4\" y=\"%.0f\" font-size=\"11\">%s</text>\n"
      "<text x=\"4\" y=\"%.0f\" font-size=\"11\">0</text>\n"
      "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">runs, oldest first</text>\n"
      "<polyline fill=\"none\" stroke=\"#2a6\" points=\"%s\"/>\n%s</svg>\n",
      width, height, margin, height - margin, width - margin, height - margin,
      margin, margin, margin, height - margin, margin - 4,
      XmlAttributeEscape(FormatDuration(top * 1000)), height - margin,
      width / 2 - 50, height - 8, points, marks);
}

std::string RunsTable(const std::vector<Store::RunSummary>& runs) {
  std::string html =
      "<table id=\"runs\">\n<thead><tr><th>run</th><th>module</th>"
      "<th>started (UTC)</th><th>ran</th><th>skipped</th><th>forced</th>"
      "<th>failed</th><th>time saved</th></tr></thead>\n<tbody>\n";
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    absl::StrAppendFormat(
        &html,
        "<tr><td><a href=\"#run-%d\">%d</a></td><td>%s</td><td>%s</td>"
        "<td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td>"
        "<td class=\"n\">%d</td><td class=\"n\">%s</td></tr>\n",
        it->run_id, it->run_id, XmlAttributeEscape(it->module),
        UtcTime(it->started_at), it->ran, it->skipped, it->forced, it->failed,
        XmlAttributeEscape(FormatDuration(it->saved_ms)));
  }
  return html + "</tbody>\n</table>\n";
}

// One run's tests: those that ran first, each with why; then the skipped.
std::string RunSection(const Store::RunSummary& run,
                       const std::vector<Store::RunTest>& tests) {
  std::string html = absl::StrFormat(
      "<section id=\"run-%d\">\n<h3>run %d: %s, %s UTC</h3>\n"
      "<table class=\"tests\">\n<thead><tr><th>test</th><th>outcome</th>"
      "<th>why it ran</th></tr></thead>\n<tbody>\n",
      run.run_id, run.run_id, XmlAttributeEscape(run.module),
      UtcTime(run.started_at));
  std::vector<const Store::RunTest*> ordered;
  for (const Store::RunTest& test : tests) ordered.push_back(&test);
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const Store::RunTest* test) {
                          return test->outcome != "itr_skipped";
                        });
  for (const Store::RunTest* test : ordered) {
    bool skipped = test->outcome == "itr_skipped";
    std::string why = skipped ? "skipped: unchanged"
                      : test->reason.empty()
                          ? "no recorded change (collect-only, a filter, or "
                            "ITR off before)"
                          : test->reason;
    absl::StrAppendFormat(
        &html, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td></tr>\n",
        XmlAttributeEscape(test->outcome), XmlAttributeEscape(test->key),
        skipped ? "skipped by itr" : XmlAttributeEscape(test->outcome),
        XmlAttributeEscape(why));
  }
  return html + "</tbody>\n</table>\n</section>\n";
}

}  // namespace

int RunReport(const Options& options) {
  std::string path =
      options.positionals.empty() ? "itr-report.html" : options.positionals[0];
  bool missing = false;
  std::unique_ptr<Store> store =
      OpenExistingStore(options, StoreAccess::kRead, &missing);
  if (missing) {
    std::cerr << "itr: no store at " << options.store_display
              << ": run the tests once with itr-cpp to record them\n";
    return kExitNo;
  }
  if (store == nullptr) return kExitStoreError;
  absl::StatusOr<std::vector<Store::RunSummary>> runs = store->RunHistory();
  if (!runs.ok()) return StoreError("cannot read the store", runs.status());
  int64_t skipped = 0;
  double saved_ms = 0;
  for (const Store::RunSummary& run : *runs) {
    skipped += run.skipped;
    saved_ms += run.saved_ms;
  }
  std::string html = absl::StrCat(
      kHead, "<h1>itr-cpp: test impact report</h1>\n<p id=\"summary\">",
      XmlAttributeEscape(options.store_display), ": ", runs->size(), " runs, ",
      skipped, " tests skipped, ", XmlAttributeEscape(FormatDuration(saved_ms)),
      " saved</p>\n<h2>Time saved per run</h2>\n", SavedPlot(*runs),
      "<h2>Runs</h2>\n", RunsTable(*runs), "<h2>Why tests ran</h2>\n");
  size_t first =
      runs->size() > kDetailedRuns ? runs->size() - kDetailedRuns : 0;
  for (size_t i = runs->size(); i-- > first;) {
    auto tests = store->RunTests((*runs)[i].run_id);
    if (!tests.ok()) return StoreError("cannot read the store", tests.status());
    html += RunSection((*runs)[i], *tests);
  }
  html += "</body>\n</html>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << html;
  if (!out.flush()) {
    std::cerr << "itr: cannot write " << path << "\n";
    return kExitStoreError;
  }
  std::cout << "itr: report of " << runs->size() << " runs written to " << path
            << "\n";
  return kExitOk;
}

}  // namespace itr::cli
