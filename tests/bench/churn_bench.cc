// warden-churn-bench: tokens churned through mint -> expire -> delete (issue 18), showing that
// with the retention purger the table, its indexes and ListTokens' latency stay flat however
// many tokens have passed through. A program that prints figures, not a test
// (docs/performance.md); the smoke run in CTest checks only that it works and that no row
// outlives the retention.
//
//   warden-churn-bench [--database-url=URL] [--tokens=N] [--cycles=C] [--samples=S]
//                      [--no-vacuum]
//
// URL (default $WARDEN_DATABASE_URL) names a PostgreSQL server where the bench may create a
// database: it works in a fresh `warden_test_<hex>` database, dropped at the end.
//
// The model, on a simulated clock (each cycle is one day): every cycle mints N / C tokens
// with one INSERT … SELECT generate_series (issued evenly over the day, each for 2 days; a
// tenth revoked, a third used), then at the day's end runs what a server runs: the expiry
// sweep (TokenStore::MarkExpired, as StateSync does) and one run of the real
// ExpiredTokenPurger (retention 48h, its claim in job_runs, TokenSweepStore::DeleteExpired
// 1,000 rows at a time), then VACUUM (what autovacuum does on its own once a fifth of the
// table is dead, which each cycle's churn exceeds; --no-vacuum leaves it to autovacuum).
// From the fourth cycle on, the table holds four days of tokens after each purge: two live,
// two expired within the retention.
//
// Each cycle prints the table's size (pg_relation_size, pg_total_relation_size), and the p50
// and p99 of S ListTokens pages (TokenStore::List, 100 live tokens) from the first page and
// from a cursor halfway through the live tokens (on shared cores the p99 of a few hundred
// calls moves with the neighbours' load; the p50 shows the work itself). Ratios compare with
// the first cycle in the steady state (the sixth: the first whose indexes have been through a
// purge and a VACUUM), measured in the same run. At the end: the plan of the retention
// delete's first batch on the last cycle's table (EXPLAIN ANALYZE, rolled back), and each
// index's size at the first steady cycle, half-way and at the end.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/await.h"
#include "common/clock.h"
#include "glog/logging.h"
#include "notifier/expired_token_purger.h"
#include "notifier/notifier_config.h"
#include "storage/pg/executor.h"
#include "storage/pg/migrator.h"
#include "storage/schedule_store.h"
#include "storage/token_store.h"
#include "storage/token_sweep_sql.h"
#include "storage/token_sweep_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_database.h"

namespace warden {
namespace {

const absl::Duration kDay = absl::Hours(24);
const absl::Duration kLifetime = 2 * kDay;
const absl::Duration kRetention = 2 * kDay;
// 1-based: the first cycle whose indexes have been through a purge and a VACUUM (cycle 5
// deletes first); from then on the table and its indexes reuse the space deletes free.
constexpr int kSteadyCycle = 6;

struct Options {
  std::string url;
  int64_t tokens = 10'000'000;
  int cycles = 20;
  int samples = 1000;
  bool vacuum = true;
};

struct Sizes {
  int64_t rows = 0;
  int64_t table = 0;  // bytes: the heap
  int64_t total = 0;  // bytes: heap, indexes, TOAST
  std::map<std::string, int64_t> indexes;
};

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
};

struct Cycle {
  int number = 0;
  int64_t minted = 0;
  int64_t deleted = 0;
  double mint_s = 0;
  double sweep_s = 0;
  double purge_s = 0;
  Sizes sizes;
  Latency first;  // ListTokens' first page
  Latency deep;   // a page halfway through the live tokens
};

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double Mb(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::optional<Options> Parse(int argc, char** argv) {
  Options options;
  if (const char* url = std::getenv("WARDEN_DATABASE_URL")) options.url = url;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    bool ok = true;
    if (absl::ConsumePrefix(&arg, "--database-url=")) {
      options.url = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--tokens=")) {
      ok = absl::SimpleAtoi(arg, &options.tokens) && options.tokens >= 1;
    } else if (absl::ConsumePrefix(&arg, "--cycles=")) {
      ok = absl::SimpleAtoi(arg, &options.cycles) && options.cycles >= 1;
    } else if (absl::ConsumePrefix(&arg, "--samples=")) {
      ok = absl::SimpleAtoi(arg, &options.samples) && options.samples >= 1;
    } else if (arg == "--no-vacuum") {
      options.vacuum = false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "warden-churn-bench: bad argument " << argv[i]
                << "\nusage: warden-churn-bench [--database-url=URL] [--tokens=N] "
                   "[--cycles=C] [--samples=S] [--no-vacuum]\n";
      return std::nullopt;
    }
  }
  if (options.url.empty()) {
    std::cerr << "warden-churn-bench: no database: set WARDEN_DATABASE_URL or --database-url\n";
    return std::nullopt;
  }
  return options;
}

std::string Micros(absl::Time t) {
  return absl::StrCat("'epoch'::timestamptz + ", absl::ToUnixMicros(t),
                      " * interval '1 microsecond'");
}

// Mints `count` tokens issued evenly over [day_start, day_start + 1 day), each for
// kLifetime: the minting side, in bulk (the bench measures what happens to them after).
void Mint(pqxx::connection& conn, int64_t first, int64_t count, absl::Time day_start) {
  pqxx::work tx(conn);
  tx.exec0(absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by,
                    root_principal, created_by_name, last_used_at)
SELECT gen_random_uuid(), 'churn ' || i, ARRAY['Analyst'], issued,
       issued + )sql",
                        absl::ToInt64Seconds(kLifetime), R"sql( * interval '1 second',
       i % 10 = 0, CASE WHEN i % 10 = 0 THEN issued + interval '1 hour' END,
       'user:bench', 'user:bench', 'bench',
       CASE WHEN i % 3 = 0 THEN issued + interval '30 minutes' END
FROM (SELECT i, )sql",
                        Micros(day_start), R"sql( + (i - )sql", first,
                        R"sql() * (interval '1 day' / )sql", count,
                        R"sql() AS issued
      FROM generate_series()sql",
                        first, ", ", first + count - 1, R"sql() AS i) AS minted)sql"));
  tx.commit();
}

Sizes Measure(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  Sizes sizes;
  sizes.rows = tx.exec1("SELECT count(*) FROM tokens")[0].as<int64_t>();
  const pqxx::row row =
      tx.exec1("SELECT pg_relation_size('tokens'), pg_total_relation_size('tokens')");
  sizes.table = row[0].as<int64_t>();
  sizes.total = row[1].as<int64_t>();
  for (const pqxx::row& index :
       tx.exec("SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
               "WHERE indrelid = 'tokens'::regclass ORDER BY 1")) {
    sizes.indexes[index[0].as<std::string>()] = index[1].as<int64_t>();
  }
  return sizes;
}

// The q-quantile (nearest rank) of sorted `ms`.
double Quantile(const std::vector<double>& ms, double q) {
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(ms.size())));
  return ms[std::max<size_t>(rank, 1) - 1];
}

// p50 and p99 of `samples` ListTokens pages of 100 live tokens starting after `after`.
Latency ListLatency(storage::TokenStore& tokens, absl::Time now,
                    const std::optional<storage::TokenCursor>& after, int samples) {
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(samples));
  for (int i = 0; i < samples + 5; ++i) {  // the first 5 warm up
    storage::TokenListQuery query;
    query.now = now;
    query.page_size = 100;
    query.after = after;
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<storage::TokenPage> page = Await<absl::StatusOr<storage::TokenPage>>(
        [&](auto done) { tokens.List(query, std::move(done)); });
    const double elapsed = Seconds(std::chrono::steady_clock::now() - start) * 1000.0;
    CHECK(page.ok()) << page.status();
    CHECK_EQ(page->tokens.size(), 100u) << "the live set is too small for a page";
    if (i >= 5) ms.push_back(elapsed);
  }
  std::sort(ms.begin(), ms.end());
  return Latency{Quantile(ms, 0.5), Quantile(ms, 0.99)};
}

// The live token halfway through ListTokens' order: where a deep page starts.
std::optional<storage::TokenCursor> Middle(pqxx::connection& conn, absl::Time now) {
  pqxx::nontransaction tx(conn);
  const pqxx::result rows = tx.exec(absl::StrCat(
      "SELECT (extract(epoch FROM issued_at) * 1000000)::bigint, id::text FROM tokens "
      "WHERE NOT expired AND expires_at > ",
      Micros(now),
      " ORDER BY issued_at, id OFFSET (SELECT count(*) / 2 FROM tokens WHERE NOT expired "
      "AND expires_at > ",
      Micros(now), ") LIMIT 1"));
  if (rows.empty()) return std::nullopt;
  return storage::TokenCursor{absl::FromUnixMicros(rows[0][0].as<int64_t>()),
                              rows[0][1].as<std::string>()};
}

// The plan of the retention delete's first batch as the purger runs it now, executed and
// rolled back.
std::string DeletePlan(pqxx::connection& conn, absl::Time expired_before) {
  pqxx::work tx(conn);
  tx.exec0(std::string("PREPARE churn_delete AS ") + storage::kDeleteExpiredSql);
  std::string plan;
  for (const pqxx::row& row :
       tx.exec(absl::StrCat("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE churn_delete(",
                            absl::ToUnixMicros(expired_before), ", NULL, NULL, 1000)"))) {
    absl::StrAppend(&plan, "    ", row[0].as<std::string>(), "\n");
  }
  tx.abort();
  return plan;
}

std::string Ratio(double now, double base) {
  return base > 0 ? absl::StrFormat("%.2f", now / base) : "-";
}

int Run(const Options& options) {
  setenv("WARDEN_TEST_DATABASE_URL", options.url.c_str(), /*overwrite=*/1);
  testing::TestDatabase database;
  CHECK(storage::ApplyMigrations(database.url()).ok());
  pqxx::connection conn(database.url());
  storage::DatabaseOptions db_options;
  db_options.url = database.url();
  db_options.pool_size = 2;
  db_options.statement_timeout = absl::Minutes(10);
  storage::StorageExecutor executor(db_options, RealClock::Get());
  storage::TokenStore tokens(executor);
  storage::ScheduleStore schedule(executor);
  storage::TokenSweepStore sweep(executor);
  const absl::Time start = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  FakeClock clock(start);
  notifier::NotifierConfig config;
  config.retention = kRetention;
  config.backoff = kDay;  // once per fleet per day: each cycle's run claims
  notifier::ExpiredTokenPurger purger(config, schedule, sweep, clock);

  const int64_t per_cycle = options.tokens / options.cycles;
  const int baseline_cycle = std::min(kSteadyCycle, options.cycles);
  std::cout << absl::StrFormat(
      "warden-churn-bench: %d tokens in %d cycles of one simulated day (%d a day), each "
      "living 2 days, rows deleted 2 days after expiry (WARDEN_TOKEN_RETENTION=48h), %s; "
      "ListTokens latency over %d pages each. Ratios against cycle %d.\n\n",
      per_cycle * options.cycles, options.cycles, per_cycle,
      options.vacuum ? "VACUUM after each cycle" : "autovacuum only", options.samples,
      baseline_cycle);
  std::cout << "| cycle | minted | deleted | rows | table MB | total MB | table x | total x | "
               "mint s | sweep s | purge s | first page p50 / p99 ms | deep page p50 / p99 ms | "
               "p50 x (first, deep) | p99 x (first, deep) |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  std::vector<Cycle> cycles;
  std::string plan;
  for (int c = 1; c <= options.cycles; ++c) {
    Cycle cycle;
    cycle.number = c;
    const absl::Time day_start = start + (c - 1) * kDay;
    auto t = std::chrono::steady_clock::now();
    Mint(conn, (c - 1) * per_cycle + 1, per_cycle, day_start);
    cycle.minted = per_cycle;
    cycle.mint_s = Seconds(std::chrono::steady_clock::now() - t);

    clock.Set(day_start + kDay);
    t = std::chrono::steady_clock::now();
    while (true) {  // the expiry sweep, as StateSync runs it
      absl::StatusOr<int> marked = Await<absl::StatusOr<int>>(
          [&](auto done) { tokens.MarkExpired(clock.Now(), 10'000, std::move(done)); });
      CHECK(marked.ok()) << marked.status();
      if (*marked < 10'000) break;
    }
    cycle.sweep_s = Seconds(std::chrono::steady_clock::now() - t);

    if (c == options.cycles) plan = DeletePlan(conn, clock.Now() - kRetention);
    t = std::chrono::steady_clock::now();
    absl::StatusOr<notifier::PurgeReport> purged = purger.RunOnce();
    CHECK(purged.ok()) << purged.status();
    CHECK(purged->claimed && purged->complete) << "the purge run did not claim or finish";
    cycle.deleted = purged->tokens_deleted;
    cycle.purge_s = Seconds(std::chrono::steady_clock::now() - t);

    if (options.vacuum) {
      pqxx::nontransaction maintenance(conn);
      maintenance.exec0("VACUUM ANALYZE tokens");
    } else {
      pqxx::nontransaction maintenance(conn);
      maintenance.exec0("ANALYZE tokens");
    }
    cycle.sizes = Measure(conn);
    cycle.first = ListLatency(tokens, clock.Now(), std::nullopt, options.samples);
    cycle.deep = ListLatency(tokens, clock.Now(), Middle(conn, clock.Now()), options.samples);
    cycles.push_back(cycle);

    // Before the steady state there is nothing to compare with.
    const Cycle& base =
        c < baseline_cycle ? cycle : cycles[static_cast<size_t>(baseline_cycle) - 1];
    const auto ratio = [&](double now, double then) {
      return c < baseline_cycle ? std::string("-") : Ratio(now, then);
    };
    std::cout << absl::StrFormat(
        "| %d | %d | %d | %d | %.1f | %.1f | %s | %s | %.1f | %.1f | %.1f | %.2f / %.2f | "
        "%.2f / %.2f | %s, %s | %s, %s |\n",
        c, cycle.minted, cycle.deleted, cycle.sizes.rows, Mb(cycle.sizes.table),
        Mb(cycle.sizes.total), ratio(cycle.sizes.table, base.sizes.table),
        ratio(cycle.sizes.total, base.sizes.total), cycle.mint_s, cycle.sweep_s, cycle.purge_s,
        cycle.first.p50_ms, cycle.first.p99_ms, cycle.deep.p50_ms, cycle.deep.p99_ms,
        ratio(cycle.first.p50_ms, base.first.p50_ms), ratio(cycle.deep.p50_ms, base.deep.p50_ms),
        ratio(cycle.first.p99_ms, base.first.p99_ms), ratio(cycle.deep.p99_ms, base.deep.p99_ms));
    std::cout.flush();
  }

  std::cout << "\nThe retention delete's first batch on cycle " << options.cycles
            << "'s table (EXPLAIN ANALYZE, rolled back):\n"
            << plan;
  const Cycle& base = cycles[static_cast<size_t>(baseline_cycle) - 1];
  const Cycle& last = cycles.back();
  const Cycle& middle = cycles[(cycles.size() + static_cast<size_t>(base.number) - 1) / 2];
  std::cout << absl::StrFormat(
      "\n| index | MB at cycle %d | MB at cycle %d | MB at cycle %d | x (last / first) |\n"
      "|---|---|---|---|---|\n",
      base.number, middle.number, last.number);
  const auto size_at = [](const Cycle& cycle, const std::string& name) {
    const auto it = cycle.sizes.indexes.find(name);
    return it == cycle.sizes.indexes.end() ? int64_t{0} : it->second;
  };
  for (const auto& [name, bytes] : last.sizes.indexes) {
    const int64_t then = size_at(base, name);
    std::cout << absl::StrFormat("| %s | %.1f | %.1f | %.1f | %s |\n", name, Mb(then),
                                 Mb(size_at(middle, name)), Mb(bytes),
                                 Ratio(static_cast<double>(bytes), static_cast<double>(then)));
  }
  int64_t minted = 0, deleted = 0;
  for (const Cycle& cycle : cycles) {
    minted += cycle.minted;
    deleted += cycle.deleted;
  }
  std::cout << absl::StrFormat("\n%d tokens minted, %d rows deleted, %d rows left.\n", minted,
                               deleted, last.sizes.rows);

  // Not a timing: what the purger must guarantee, checked on the final table.
  pqxx::nontransaction tx(conn);
  const int64_t stale =
      tx.exec1(absl::StrCat("SELECT count(*) FROM tokens WHERE expired AND "
                            "coalesce(signed_expires_at, expires_at) < ",
                            Micros(clock.Now() - kRetention)))[0]
          .as<int64_t>();
  if (stale != 0 || minted - deleted != last.sizes.rows) {
    std::cerr << "warden-churn-bench: " << stale << " rows outlived the retention; minted - "
              << "deleted = " << minted - deleted << ", rows = " << last.sizes.rows << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;
  const std::optional<warden::Options> options = warden::Parse(argc, argv);
  if (!options.has_value()) return 2;
  return warden::Run(*options);
}
