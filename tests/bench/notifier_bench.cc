// warden-notifier-bench: how long one notifying run of the expiration notifier takes on a
// large table, next to the raw indexed query that selects the same tokens, and how much
// memory the run adds. A program that prints figures, not a test (docs/performance.md).
//
//   warden-notifier-bench [DATABASE_URL [TOKENS [IN_WINDOW]]]
//
// DATABASE_URL (default $WARDEN_DATABASE_URL) names a PostgreSQL server where the bench may
// create a database: it works in a fresh `warden_test_<hex>` database, dropped at the end.
// TOKENS (default 1,000,000) are bulk-loaded with one INSERT ... SELECT generate_series;
// IN_WINDOW of them (default 10,000) are live and expire within the default 168h window.
// Of the others, a tenth are revoked (and would be in the window), four tenths expired but
// never deleted, and the rest expire after the window: the partial index must skip them all.

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "glog/logging.h"
#include "notifier/expiration_notifier.h"
#include "notifier/expiry_message.h"
#include "notifier/json_sink.h"
#include "notifier/log_sink.h"
#include "storage/expiring_page.h"
#include "storage/pg/executor.h"
#include "storage/pg/migrator.h"
#include "storage/schedule_store.h"
#include "storage/token_sql.h"
#include "storage/token_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_database.h"

namespace warden {
namespace {

constexpr int kRepetitions = 5;
constexpr char kMaxUuid[] = "ffffffff-ffff-ffff-ffff-ffffffffffff";

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Runs `f` once to warm up, then kRepetitions times; returns the sorted timings in ms.
std::vector<double> Time(const std::function<void()>& f) {
  f();
  std::vector<double> ms;
  for (int i = 0; i < kRepetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    ms.push_back(Millis(std::chrono::steady_clock::now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

std::string Describe(const std::vector<double>& ms) {
  return absl::StrFormat("median %.1f ms (min %.1f, max %.1f, %d runs)", ms[ms.size() / 2],
                         ms.front(), ms.back(), static_cast<int>(ms.size()));
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

// Sends this process's stderr (where glog writes) to /dev/null while alive, so the log sink
// does its real work without flooding the terminal.
class SilenceStderr {
 public:
  SilenceStderr() : saved_(dup(STDERR_FILENO)) {
    std::fflush(stderr);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    close(null);
  }
  ~SilenceStderr() {
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }

 private:
  const int saved_;
};

void Load(const std::string& url, int64_t total, int64_t in_window, absl::Time now,
          absl::Duration window) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  const int64_t now_us = absl::ToUnixMicros(now);
  const int64_t window_us = absl::ToInt64Microseconds(window);
  // i <= in_window: live, spread over the window. Others (j = i - in_window): j % 10 = 0
  // revoked inside the window; 1..4 expired up to ~400 days ago; the rest after the window.
  tx.exec0(absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
SELECT gen_random_uuid(), 'bench token ' || i, ARRAY['Analyst'],
       t0 - interval '400 days',
       CASE WHEN i <= w THEN t0 + (i * )sql",
                        window_us, R"sql( / (w + 1)) * interval '1 microsecond'
            WHEN (i - w) % 10 = 0 THEN t0 + ((i - w) % 160) * interval '1 hour' + interval '1 s'
            WHEN (i - w) % 10 <= 4 THEN t0 - ((i - w) % 576000) * interval '1 minute' - interval '1 s'
            ELSE t0 + )sql",
                        window_us, R"sql( * interval '1 microsecond'
                    + (1 + (i - w) % 31536000) * interval '1 second' END,
       i > w AND (i - w) % 10 = 0,
       CASE WHEN i > w AND (i - w) % 10 = 0 THEN t0 END,
       'user:admin'
FROM generate_series(1, )sql",
                        total, R"sql() AS i,
     (SELECT 'epoch'::timestamptz + )sql",
                        now_us, R"sql( * interval '1 microsecond' AS t0, )sql", in_window,
                        R"sql(::bigint AS w) AS c)sql"));
  tx.commit();
  pqxx::nontransaction maintenance(conn);
  maintenance.exec0("VACUUM ANALYZE tokens");
}

void PrintPlan(pqxx::connection& conn, const std::string& args) {
  pqxx::nontransaction tx(conn);
  for (const pqxx::row& row : tx.exec(
           "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE explain_list_expiring(" + args + ")")) {
    std::cout << "    " << row[0].as<std::string>() << "\n";
  }
}

int Main(int argc, char** argv) {
  const char* env_url = std::getenv("WARDEN_DATABASE_URL");
  const std::string server_url = argc > 1 ? argv[1] : (env_url ? env_url : "");
  int64_t total = 1'000'000, in_window = 10'000;
  if (server_url.empty() || (argc > 2 && !absl::SimpleAtoi(argv[2], &total)) ||
      (argc > 3 && !absl::SimpleAtoi(argv[3], &in_window)) || in_window > total || in_window < 1) {
    std::cerr << "usage: warden-notifier-bench [DATABASE_URL [TOKENS [IN_WINDOW]]]\n"
                 "  DATABASE_URL defaults to $WARDEN_DATABASE_URL\n";
    return 2;
  }
  // TestDatabase creates (and at the end drops) a fresh database on this server.
  setenv("WARDEN_TEST_DATABASE_URL", server_url.c_str(), 1);
  testing::TestDatabase db;
  if (absl::Status s = storage::ApplyMigrations(db.url()); !s.ok()) {
    std::cerr << "cannot migrate: " << s << "\n";
    return 1;
  }

  notifier::NotifierConfig config;        // the defaults: 168h window, day slices, 2 threads
  config.backoff = absl::ZeroDuration();  // every RunOnce claims, so runs can be repeated
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  const absl::Time until = now + config.window;

  std::cout << "warden-notifier-bench: " << total << " tokens, " << in_window << " live in the "
            << absl::FormatDuration(config.window) << " window\n";
  auto start = std::chrono::steady_clock::now();
  Load(db.url(), total, in_window, now, config.window);
  std::cout << absl::StrFormat("  bulk load + VACUUM ANALYZE: %.1f s\n",
                               Millis(std::chrono::steady_clock::now() - start) / 1000);

  // The raw query: the store's very statement, all in-window rows in one fetch.
  pqxx::connection raw(db.url());
  raw.prepare("bench_list_expiring", storage::kListExpiringSql);
  {
    pqxx::nontransaction tx(raw);  // server-side, for EXPLAIN (libpqxx prepares lazily)
    tx.exec0(std::string("PREPARE explain_list_expiring AS ") + storage::kListExpiringSql);
  }
  const std::string first_page =
      absl::StrCat(absl::ToUnixMicros(now), ", '", kMaxUuid, "', ", absl::ToUnixMicros(until), ", ",
                   config.page_size + 1);
  const std::string all_rows = absl::StrCat(absl::ToUnixMicros(now), ", '", kMaxUuid, "', ",
                                            absl::ToUnixMicros(until), ", ", in_window + 1);
  std::cout << "  plan of one notifier page (LIMIT " << config.page_size + 1 << "):\n";
  PrintPlan(raw, first_page);
  std::cout << "  plan of the raw query (all rows):\n";
  PrintPlan(raw, all_rows);

  // The notifier as the server runs it: its own storage executor, real log + JSON sinks.
  storage::DatabaseOptions options;
  options.url = db.url();
  options.pool_size = 4;
  storage::StorageExecutor executor(options, RealClock::Get());
  storage::TokenStore tokens(executor);
  storage::ScheduleStore schedule(executor);
  FakeClock clock(now);
  std::FILE* dev_null = std::fopen("/dev/null", "w");
  std::vector<std::unique_ptr<notifier::ExpirationSink>> sinks;
  sinks.push_back(std::make_unique<notifier::LogSink>());
  sinks.push_back(std::make_unique<notifier::JsonSink>(dev_null));
  notifier::ExpirationNotifier expiration(config, schedule, tokens, clock, std::move(sinks));
  if (absl::Status s = executor.Ping(); !s.ok()) {
    std::cerr << "cannot reach the database: " << s << "\n";
    return 1;
  }

  const double rss_start = PeakRssMb();
  notifier::RunReport report;
  std::vector<double> run_ms;
  {
    SilenceStderr quiet;
    run_ms = Time([&] {
      absl::StatusOr<notifier::RunReport> r = expiration.RunOnce();
      CHECK(r.ok() && r->complete) << r.status();
      report = *r;
    });
  }
  const double rss_after_runs = PeakRssMb();

  // The same run with no sink: what listing the pages through the store costs.
  std::vector<double> list_ms;
  {
    storage::StorageExecutor list_executor(options, RealClock::Get());
    storage::TokenStore list_tokens(list_executor);
    storage::ScheduleStore list_schedule(list_executor);
    notifier::ExpirationNotifier silent(config, list_schedule, list_tokens, clock,
                                        std::vector<std::unique_ptr<notifier::ExpirationSink>>());
    list_ms = Time([&] { CHECK(silent.RunOnce().ok()); });
  }

  int64_t raw_rows = 0;
  pqxx::result raw_result;
  const std::vector<double> raw_ms = Time([&] {
    pqxx::nontransaction tx(raw);
    raw_result = tx.exec_prepared("bench_list_expiring", absl::ToUnixMicros(now), kMaxUuid,
                                  absl::ToUnixMicros(until), in_window + 1);
    raw_rows = static_cast<int64_t>(raw_result.size());
  });
  const double rss_after_raw = PeakRssMb();

  // Emission alone: the same sinks over notices built from the raw rows, on one thread.
  notifier::LogSink log_sink;
  notifier::JsonSink json_sink(dev_null);
  std::vector<notifier::ExpiringTokenBatch> batches;
  for (int64_t i = 0; i < raw_rows; ++i) {
    if (i % config.page_size == 0) batches.push_back({now, config.slice_name, {}});
    const pqxx::row row = raw_result[static_cast<pqxx::result::size_type>(i)];
    notifier::ExpiringTokenNotice n;
    n.token_id = row[0].as<std::string>();
    n.token_name = row[1].as<std::string>();
    n.expires_at = absl::FromUnixMicros(row[4].as<int64_t>());
    n.slices_left = notifier::SlicesLeft(n.expires_at - now, config.slice);
    n.message = notifier::ExpiryMessage(n.token_name, n.token_id, n.expires_at - now, config.slice,
                                        config.slice_name);
    batches.back().tokens.push_back(std::move(n));
  }
  std::vector<double> emit_ms, log_ms, json_ms;
  {
    SilenceStderr quiet;
    emit_ms = Time([&] {
      for (const auto& batch : batches) {
        log_sink.Emit(batch);
        json_sink.Emit(batch);
      }
    });
    log_ms = Time([&] {
      for (const auto& batch : batches) log_sink.Emit(batch);
    });
    json_ms = Time([&] {
      for (const auto& batch : batches) json_sink.Emit(batch);
    });
  }
  expiration.Stop();
  std::fclose(dev_null);

  const double run = run_ms[run_ms.size() / 2];
  const double raw_query = raw_ms[raw_ms.size() / 2];
  const double emission = emit_ms[emit_ms.size() / 2];
  std::cout << "  raw indexed query, " << raw_rows << " rows in one statement: " << Describe(raw_ms)
            << "\n"
            << "  notifying run, " << report.tokens_expiring << " tokens in " << report.pages
            << " pages of " << config.page_size
            << ", log + JSON sinks to /dev/null: " << Describe(run_ms) << "\n"
            << "  the same run without sinks (paging through TokenStore::ListExpiring): "
            << Describe(list_ms) << "\n"
            << "  emission alone (same sinks, one thread, no database): " << Describe(emit_ms)
            << "\n    of which the log sink " << Describe(log_ms) << "\n    and the JSON sink "
            << Describe(json_ms) << "\n"
            << absl::StrFormat("  run / raw query = %.2f; run / (raw query + emission) = %.2f\n",
                               run / raw_query, run / (raw_query + emission))
            << absl::StrFormat(
                   "  peak RSS: %.1f MB before the runs, %.1f MB after %d runs (growth %.1f MB); "
                   "%.1f MB after the raw queries\n",
                   rss_start, rss_after_runs, kRepetitions + 1, rss_after_runs - rss_start,
                   rss_after_raw);
  if (report.tokens_expiring != in_window || raw_rows != in_window) {
    std::cerr << "unexpected counts: run " << report.tokens_expiring << ", raw " << raw_rows
              << ", wanted " << in_window << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return warden::Main(argc, argv);
}
