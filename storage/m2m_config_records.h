#pragma once

#include <string>
#include <vector>

#include "domain/m2m.h"
#include "storage/callbacks.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Machine-to-machine configurations, as the M2M use cases (M2mAuthority) read and write
// them. An interface so that those rules can be tested without a database:
// storage::M2mConfigStore keeps them in PostgreSQL; tests use an in-memory fake
// (tests/support/fake_m2m_config_records.h).
//
// Answers as storage/callbacks.h says. Writes commit before done(OK) and reach the other
// replicas. Validation of the contents (durations, URLs, expressions) happens above
// storage; storage enforces what needs the stored state:
// - a second configuration for the same issuer: ALREADY_EXISTS naming the issuer;
// - a mapping naming a role that does not exist: INVALID_ARGUMENT naming every such role;
// - unknown id: NOT_FOUND; an id that is not a UUID: INVALID_ARGUMENT.
// Thread-safe.
class M2mConfigRecords {
 public:
  virtual ~M2mConfigRecords() = default;

  // Every configuration, ordered by issuer, mappings in their given order.
  virtual void List(Done<std::vector<M2mConfig>> done) = 0;
  virtual void Get(std::string id, Done<M2mConfig> done) = 0;
  // Stores `config` under a new id (config.id is ignored) and returns it as stored, with
  // revision 1. `writer` checks the mapped roles (RoleWriter::changed gets them) as part of
  // the write, so that no role edit can interleave.
  virtual void Add(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) = 0;
  // Replaces the configuration with config.id, mappings included, and raises its revision.
  virtual void Update(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) = 0;
  virtual void Delete(std::string id, StatusDone done) = 0;
};

}  // namespace warden::storage
