#include "storage/auth_provider_store.h"

#include <optional>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/auth_provider_tables.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace {

namespace tables = auth_provider_tables;

absl::Status CheckId(const std::string& id) {
  // Never echoed: a caller may have pasted something secret where the id belongs.
  return role_tables::CheckUuid("auth provider", id);
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("auth provider ", id, " not found"));
}

absl::Status CheckApiManaged(const AuthProvider& stored) {
  if (stored.origin == Origin::kApi) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("auth provider ", stored.name, " is managed by the declarative configuration"));
}

}  // namespace

AuthProviderStore::AuthProviderStore(StorageExecutor& executor) : executor_(executor) {
  tables::PrepareAuthProviderTables(executor_);
}

void AuthProviderStore::List(Done<std::vector<AuthProvider>> done) {
  executor_.Run<std::vector<AuthProvider>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<AuthProvider>> {
        pqxx::nontransaction tx(conn, "auth_provider_list");
        return tables::SelectProviders(tx, std::nullopt);
      },
      std::move(done));
}

void AuthProviderStore::Get(std::string id, Done<AuthProvider> done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run<AuthProvider>(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::StatusOr<AuthProvider> {
        pqxx::nontransaction tx(conn, "auth_provider_get");
        ASSIGN_OR_RETURN(std::vector<AuthProvider> found, tables::SelectProviders(tx, id));
        if (found.empty()) return NotFound(id);
        return std::move(found.front());
      },
      std::move(done));
}

void AuthProviderStore::Add(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) {
  provider.id = NewUuidV4();
  provider.revision = 1;
  provider.origin = Origin::kApi;
  Done<AuthProvider> explained = tables::ExplainDuplicates(provider, std::move(done));
  executor_.Run<AuthProvider>(
      [provider = std::move(provider),
       writer = std::move(writer)](pqxx::connection_base& conn) -> absl::StatusOr<AuthProvider> {
        pqxx::work tx(conn, "auth_provider_add");
        // First, as in every role-related write (lock order in auth_provider_tables.h); held
        // until commit, so the roles the writer's check reads are those that hold then.
        role_tables::RoleGenerationShared(tx);
        RETURN_IF_ERROR(tables::CheckUnique(tx, provider));
        RETURN_IF_ERROR(tables::CheckGrantedRoles(tx, provider, writer));
        tables::InsertProvider(tx, provider);
        tx.commit();
        return provider;
      },
      std::move(explained));
}

void AuthProviderStore::Update(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) {
  if (absl::Status s = CheckId(provider.id); !s.ok()) return done(s);
  Done<AuthProvider> explained = tables::ExplainDuplicates(provider, std::move(done));
  executor_.Run<AuthProvider>(
      [provider = std::move(provider), writer = std::move(writer)](
          pqxx::connection_base& conn) mutable -> absl::StatusOr<AuthProvider> {
        pqxx::work tx(conn, "auth_provider_update");
        role_tables::RoleGenerationShared(tx);
        ASSIGN_OR_RETURN(const std::optional<AuthProvider> stored,
                         tables::LockProvider(tx, provider.id));
        if (!stored) return NotFound(provider.id);
        RETURN_IF_ERROR(CheckApiManaged(*stored));
        if (stored->name != provider.name) {
          return absl::InvalidArgumentError("an auth provider's name cannot change");
        }
        RETURN_IF_ERROR(tables::CheckUnique(tx, provider));
        RETURN_IF_ERROR(tables::CheckGrantedRoles(tx, provider, writer));
        provider.origin = stored->origin;
        provider.revision =
            SessionsSurvive(*stored, provider) ? stored->revision : stored->revision + 1;
        tables::UpdateProvider(tx, provider);
        tx.commit();
        return provider;
      },
      std::move(explained));
}

void AuthProviderStore::Delete(std::string id, StatusDone done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::Status {
        pqxx::work tx(conn, "auth_provider_delete");
        ASSIGN_OR_RETURN(const std::optional<AuthProvider> stored, tables::LockProvider(tx, id));
        if (!stored) return NotFound(id);
        RETURN_IF_ERROR(CheckApiManaged(*stored));
        tables::DeleteProvider(tx, id);
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace warden::storage
