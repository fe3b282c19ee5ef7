#pragma once
// Text names of what a registered certificate profile constrains (as they appear in seed files
// and in the database): key usages, extended key usages, key types and subject attributes.
// Each parser returns nullopt for a name it does not know, so configuration errors are caught
// when seeding, not when issuing.
#include "ca/authority_kind.hpp"

#include <botan/asn1_oid.h>
#include <botan/key_constraint.h>
#include <botan/pk_keys.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca {

// digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement.
std::optional<Botan::Key_Constraints> parse_key_usage(const std::vector<std::string>& names);
// serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, or a dotted OID.
std::optional<std::vector<Botan::OID>>
parse_extended_key_usage(const std::vector<std::string>& names);
// CN, O, OU, C, L, ST, E (emailAddress), SERIALNUMBER, or a dotted OID.
std::optional<Botan::OID> parse_subject_attribute(std::string_view name);

// "RSA-2048", "P-256", ... of a public key; "" for other kinds.
// The key type of a key that passed an authority's policy: "RSA-2048" or "P-256".
std::string key_type_of(authority_kind kind);
// The key types an authority can issue for ({"RSA-2048"} / {"P-256"}): see csr.hpp.
bool key_type_known(std::string_view type);

// Space-separated lists, as the database stores them.
std::vector<std::string> split_words(std::string_view text);
std::string join_words(const std::vector<std::string>& words);

} // namespace localca::ca
