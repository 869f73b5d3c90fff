#include "storage/pg/errors.h"

#include <pqxx/except>
#include <string>
#include <typeinfo>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace warden::storage {
namespace {

constexpr char kUnavailablePrefix[] = "database unavailable: ";

// PostgreSQL's primary message: the first line, without the "ERROR:  " severity prefix.
// Later lines (DETAIL, CONTEXT, LINE n) may quote row values or parameters.
std::string PrimaryMessage(std::string_view what) {
  std::string_view line = what.substr(0, what.find('\n'));
  for (std::string_view severity : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (line.starts_with(severity)) {
      line.remove_prefix(severity.size());
      break;
    }
  }
  while (!line.empty() && absl::ascii_isspace(static_cast<unsigned char>(line.back()))) {
    line.remove_suffix(1);
  }
  return line.empty() ? std::string("unknown error") : std::string(line);
}

absl::Status Unavailable(std::string_view what) {
  return absl::UnavailableError(absl::StrCat(kUnavailablePrefix, PrimaryMessage(what)));
}

absl::Status FromSqlError(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  const absl::StatusCode code = CodeForSqlState(state);
  if (code == absl::StatusCode::kUnavailable) return Unavailable(e.what());
  // Data exceptions (class 22) echo the offending input in their primary message.
  std::string message =
      state.starts_with("22") ? std::string("invalid input value") : PrimaryMessage(e.what());
  return absl::Status(code, absl::StrCat(message, " (SQLSTATE ", state, ")"));
}

}  // namespace

absl::StatusCode CodeForSqlState(std::string_view s) {
  if (s == "23505") return absl::StatusCode::kAlreadyExists;
  if (s == "23503" || s == "23514" || s == "23502" || s == "23001") {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (s == "40001" || s == "40P01") return absl::StatusCode::kAborted;
  // Data exceptions: a value PostgreSQL could not take (bad uuid, out-of-range time, NUL).
  if (s.starts_with("22")) return absl::StatusCode::kInvalidArgument;
  if (s == "57014") return absl::StatusCode::kDeadlineExceeded;
  // 25006: a read-only database (a standby after failover, default_transaction_read_only).
  // Transient for the client; the executor drops the connection, so the next one sees the
  // database as it is then.
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300" ||
      s == "40003" || s == "25006") {
    return absl::StatusCode::kUnavailable;
  }
  // Out of disk space, memory or another server resource (53300 is above).
  if (s.starts_with("53")) return absl::StatusCode::kResourceExhausted;
  return absl::StatusCode::kInternal;
}

absl::Status StatusFromException(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::sql_error& e) {
    return FromSqlError(e);
  } catch (const pqxx::in_doubt_error& e) {
    return absl::UnavailableError(
        absl::StrCat(kUnavailablePrefix, "connection lost during commit; outcome unknown"));
  } catch (const pqxx::statement_completion_unknown& e) {
    return absl::UnavailableError(
        absl::StrCat(kUnavailablePrefix, "connection lost; statement outcome unknown"));
  } catch (const pqxx::broken_connection& e) {  // includes too_many_connections (53300)
    return Unavailable(e.what());
  } catch (const pqxx::serialization_failure& e) {
    return absl::AbortedError("serialization failure (SQLSTATE 40001)");
  } catch (const pqxx::deadlock_detected& e) {
    return absl::AbortedError("deadlock detected (SQLSTATE 40P01)");
  } catch (const pqxx::transaction_rollback& e) {
    return absl::AbortedError(absl::StrCat("transaction rolled back: ", PrimaryMessage(e.what())));
  } catch (const std::exception& e) {
    // libpqxx usage, conversion or range errors: bugs in storage code, not the caller's.
    // Conversion errors can quote a value, so neither the log nor the status has what().
    LOG(ERROR) << "unexpected exception in storage: " << typeid(e).name();
    return absl::InternalError("storage error: unexpected exception from the database layer");
  } catch (...) {
    return absl::InternalError("storage error: unknown exception");
  }
}

bool IsConnectionLoss(const absl::Status& status) { return absl::IsUnavailable(status); }

bool IsRetryable(const absl::Status& status) { return absl::IsAborted(status); }

}  // namespace warden::storage
