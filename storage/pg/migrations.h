#pragma once

#include <span>
#include <string_view>

namespace warden::storage {

// One schema migration, compiled into the binary from storage/migrations/NNNN_name.sql.
struct Migration {
  int version;            // NNNN, unique and increasing
  std::string_view name;  // "NNNN_name", the file name without ".sql"
  std::string_view sql;   // the file's text; may hold several statements
};

// Every migration, ordered by version. Defined in the generated embedded_migrations.cc.
std::span<const Migration> EmbeddedMigrations();

}  // namespace warden::storage
