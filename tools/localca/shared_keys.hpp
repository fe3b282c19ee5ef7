#pragma once
// With PostgreSQL, the key material of a CA lives in the database so that a node needs only the
// config and LOCALCA_CA_PASSPHRASE (docs/scale-out.md, "Several nodes"): the CA keys (encrypted
// PKCS#8 under the passphrase, the very bytes of DIR/ca/*.key.pem), the root certificates, and the
// EnOS token key (sealed with the data's sealing key). The engine still loads DIR/ca/: the files
// are written from the database before it does, and a node's files that differ from the
// database's are refused rather than silently replaced. With SQLite all of this is a no-op: the
// data dir is the only node.
#include "ca/secret_box.hpp"
#include "storage/store.hpp"

#include <filesystem>
#include <vector>

namespace localca::tools {

// PostgreSQL: each of DIR/ca/{rsa,ecc}.{key,crt}.pem that the database has but the dir lacks is
// written (keys 0600); one the dir has and the database lacks is published (the first node to
// publish wins); one both have must be equal, else std::runtime_error (a node initialised on its
// own against a shared database). Also refuses to go on without $LOCALCA_CA_PASSPHRASE: a
// developer-mode passphrase file would be one node's alone.
void sync_shared_keys(const std::filesystem::path& dir, storage::store& store);

// The 32-byte HMAC key of EnOS access tokens: DIR/enos-token.key (SQLite), or the database's,
// sealed with `box` (PostgreSQL: a token from node A must verify on node B).
std::vector<unsigned char> enos_token_key(const std::filesystem::path& dir, storage::store& store,
                                          const ca::secret_box& box);

// `localca migrate`: DIR/enos-token.key (when the dir has one) into the database, sealed with
// `box`, so that tokens the SQLite server handed out stay valid on the PostgreSQL nodes.
void publish_enos_token_key(const std::filesystem::path& dir, storage::store& store,
                            const ca::secret_box& box);

} // namespace localca::tools
