#pragma once

#include <pqxx/pqxx>
#include <string>

namespace warden::storage::testing {

// The plan PostgreSQL picks for `statement`, PREPAREd on `conn` from a store's own SQL, run
// with `args` under plan_cache_mode `mode` ("force_custom_plan", "force_generic_plan"): one
// line per plan line.
inline std::string ExplainExecute(pqxx::connection& conn, const std::string& mode,
                                  const std::string& statement, const std::string& args) {
  pqxx::nontransaction tx(conn);
  tx.exec0("SET plan_cache_mode = " + mode);
  std::string plan;
  for (const pqxx::row& row : tx.exec("EXPLAIN EXECUTE " + statement + "(" + args + ")")) {
    plan += row[0].as<std::string>() + "\n";
  }
  return plan;
}

}  // namespace warden::storage::testing
