#pragma once
// Certificates for registered API users (applications): several CSRs per call under a named
// certificate profile, idempotent per (user, application id), optionally held for an officer's
// authorization. Protocol-neutral: a personality decodes its envelope, calls these steps in its
// own order and encodes the outcome; the service stores that encoding so that a repeated call is
// answered byte for byte the same without issuing anything.
//
// Threading: every call may block on crypto or SQL (worker threads only). create() and approve()
// complete on the storage writer thread after the COMMIT.
#include "ca/emca/aes.hpp"
#include "ca/engine.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace localca::ca::emca {

struct api_user {
    std::int64_t id = 0;
    std::string user_name;
    std::string api_key;
    std::vector<std::uint8_t> aes_key;
    aes_mode mode = aes_mode::ecb;
    std::vector<std::string> allowed_ips;
    std::vector<std::uint8_t> signer_cert; // DER; used by verify_signed()
    std::string password_hash;             // used by check_password()
};

struct issuance_profile {
    std::string profile_id;
    authority_kind authority = authority_kind::rsa;
    std::vector<std::string> key_types; // e.g. {"RSA-2048"}; empty = any the authority accepts
    std::chrono::seconds default_validity{0};
    std::chrono::seconds max_validity{0};
    std::vector<Botan::OID> required_subject;
    certificate_profile certificate;
    bool manual_authorization = false;
};

struct batch_item {
    std::string id;  // the caller's name for this CSR, echoed in the outcome
    std::string csr; // PEM or DER
};

struct batch_request {
    api_user user;
    std::string application_id;
    std::string profile_id;
    std::optional<std::chrono::seconds> validity;                    // none: the profile's default
    std::optional<std::chrono::system_clock::time_point> not_before; // none: when issued
    std::vector<batch_item> items;
    audit_context audit; // the caller, for the audit log (actor defaults to "emca:<user>")
};

// What a call produced, in request order: a certificate per item, or (manual authorization) the
// id of the request an officer must decide.
struct batch_outcome {
    struct entry {
        std::string id;
        std::vector<std::uint8_t> cert_der;  // empty when pending
        std::optional<std::int64_t> request; // set when pending
    };
    std::vector<entry> entries;
    bool pending = false;
};

struct pending_request {
    std::int64_t request = 0;
    std::string user_name;
    std::string item_id;
    std::string profile_id;
    std::string subject; // RFC 4514-ish text, for the officer
};

// The state of one request: pending, issued (with the certificate) or rejected (as an error).
struct request_state {
    bool pending = false;
    std::vector<std::uint8_t> cert_der;
};

class issuance_service {
public:
    explicit issuance_service(engine& e) : m_engine(e) {}
    ca::engine& engine_ref() { return m_engine; }

    // Lookups (none when unknown). Throw on storage failure, and secret_box_error when the
    // stored AES key does not open (the database was edited).
    std::optional<api_user> find_user(const std::string& user_name);
    std::optional<api_user> find_user_by_key(const std::string& api_key);

    // authentication_failed when the password does not match.
    status check_password(const api_user& user, std::string_view password);

    // The stored answer of an earlier accepted call with this application id.
    std::optional<std::string> stored_response(const api_user& user,
                                               const std::string& application_id);

    // profile_not_found.
    result<issuance_profile> find_profile(const std::string& profile_id);

    // The content of a CMS SignedData signed by the user's registered signer certificate.
    // Errors: signed_data_malformed, signature_invalid.
    result<std::vector<std::uint8_t>> verify_signed(const api_user& user,
                                                    std::span<const std::uint8_t> cms);

    // Checks the validity against the profile, then every CSR (nothing is issued unless all
    // pass), then issues them all in one transaction, or queues them for an officer. `encode`
    // turns the outcome into the response stored for replay; `done` gets that response. A
    // concurrent call with the same application id that committed first wins: `done` then gets
    // its response and nothing of ours is kept.
    // Errors: validity_invalid, validity_exceeds_maximum, not_before_invalid, csr_*,
    // key_not_allowed, signature_algorithm_not_allowed, subject_attribute_missing, internal.
    using encoder = std::function<std::string(const batch_outcome&)>;
    using response_callback = std::function<void(result<std::string>)>;
    void create(batch_request req, const issuance_profile& profile, encoder encode,
                response_callback done);

    // request_not_found (unknown or another user's), request_rejected.
    result<request_state> request_status(const api_user& user, std::int64_t request);
    // The DER of one of the user's certificates; certificate_not_found otherwise.
    result<std::vector<std::uint8_t>> certificate(const api_user& user, std::int64_t sn);
    // Revokes one of the user's certificates (certificate_not_found for others').
    void revoke(const api_user& user, std::int64_t sn, int reason, engine::revoke_callback done);

    // Officer actions.
    std::vector<pending_request> pending();
    // Issues the pending request's certificate with its stored profile, validity and notBefore.
    // request_not_found when it is not pending.
    // `who` is the officer for the audit entry: the CLI's, or an admin token's (admin API).
    result<issued_certificate> approve(std::int64_t request,
                                       const audit_context& who = {"cli", "", ""});
    status reject(std::int64_t request, const audit_context& who = {"cli", "", ""});

private:
    engine& m_engine;
};

} // namespace localca::ca::emca
