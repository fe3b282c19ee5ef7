#pragma once
// Certificates for keys LocalCA generates itself (its own TLS certificate, `localca cert`, lab
// fixtures, a vendor API's managed device certificates): the subject and public key of such a key,
// and the one path from "generate a key" to "issued and durable".
//
// Blocks (key generation, signing, the commit): never on a network thread.
#include "ca/engine.hpp"

#include <botan/pk_keys.h>

#include <string>

namespace localca::ca {

// The subject (O=organization when not empty, then CN=cn; UTF8String) and public key of `key`,
// for an issue_request. The same bytes for the same inputs whichever caller asks.
subject_key subject_key_of_key(const Botan::Private_Key& key, authority_kind kind,
                               const std::string& cn, const std::string& organization = {});

struct generated_credentials {
    issued_certificate certificate;
    // Unencrypted PKCS#8 PEM of the certificate's key. Exists only in memory.
    std::string private_key_pem;
};

// A fresh key for issue.authority (RSA-2048 for rsa, P-256 for ecc), its subject (CN=cn, with
// O=organization when given) into issue.subject, then engine::issue_sync. Errors: internal (key
// generation) and whatever engine::issue refuses.
result<generated_credentials> issue_with_generated_key(engine& e, issue_request issue,
                                                       const std::string& cn,
                                                       const std::string& organization = {});

} // namespace localca::ca
