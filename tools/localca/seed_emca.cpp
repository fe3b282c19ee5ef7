#include "tools/localca/seed_emca.hpp"

#include "ca/authority_kind.hpp"
#include "ca/emca/aes.hpp"
#include "ca/emca/aes_key_secret.hpp"
#include "ca/emca/issuance_service.hpp"
#include "ca/emca/password.hpp"
#include "ca/lab_fixture.hpp"
#include "ca/profile_names.hpp"
#include "ca/unix_time.hpp"
#include "server/emca/codec.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include <botan/data_src.h>
#include <botan/x509cert.h>

#include <set>
#include <stdexcept>

namespace localca::tools {

namespace {

std::vector<std::string> string_list(const json_node& n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.array_size(); ++i) {
        out.push_back(n[i].as_nonempty_string());
    }
    return out;
}

std::int64_t validity_seconds(const json_node& n) {
    const auto v = server::emca::parse_validity(n.as_nonempty_string());
    if (!v || v->count() <= 0) {
        n.fail("must be a positive D:H:M:S validity (days <= 36135, hours <= 23, minutes and "
               "seconds <= 59)");
    }
    return v->count();
}

seed_emca_user parse_user(const json_node& u) {
    u.require_object({"userName", "password", "emKey", "aesKey", "aesMode", "allowedIps",
                      "signerCert", "fixtures"});
    seed_emca_user out;
    auto& row = out.row;
    row.user_name = u.at("userName").as_nonempty_string();
    out.password = u.at("password").as_nonempty_string();
    row.api_key = u.at("emKey").as_nonempty_string();
    const auto key = server::emca::base64_decode(u.at("aesKey").as_nonempty_string());
    if (!key || key->size() != ca::emca::k_aes_key_bytes) {
        u.at("aesKey").fail("must be the Base64 of 32 bytes");
    }
    out.aes_key = *key;
    row.aes_mode = "ECB";
    if (auto m = u.find("aesMode")) {
        const auto mode = ca::emca::parse_aes_mode(m->as_string());
        if (!mode) {
            m->fail("must be one of ECB, CBC, GCM");
        }
        row.aes_mode = ca::emca::to_string(*mode);
    }
    const auto ips = string_list(u.at("allowedIps"));
    if (ips.empty()) {
        u.at("allowedIps").fail("must list at least one address");
    }
    row.allowed_ips = ca::join_words(ips);
    try {
        const auto pem = u.at("signerCert").as_nonempty_string();
        Botan::DataSource_Memory src(pem);
        row.signer_cert = Botan::X509_Certificate(src).BER_encode();
    } catch (const json_error&) {
        throw;
    } catch (const std::exception& e) {
        u.at("signerCert").fail(std::string("must be a PEM certificate: ") + e.what());
    }
    if (auto f = u.find("fixtures")) {
        out.fixtures = parse_fixtures(*f);
    }
    return out;
}

storage::emca::issuance_profile_row parse_profile(const json_node& p) {
    p.require_object({"profileId", "authority", "keyTypes", "defaultValidity", "maxValidity",
                      "requiredSubject", "keyUsage", "extendedKeyUsage", "manualAuthorization"});
    storage::emca::issuance_profile_row row;
    row.profile_id = p.at("profileId").as_nonempty_string();
    const auto authority = ca::parse_authority(p.at("authority").as_string());
    if (!authority) {
        p.at("authority").fail("must be RSA or ECC");
    }
    row.authority = ca::to_string(*authority);
    if (auto k = p.find("keyTypes")) {
        const auto types = string_list(*k);
        const std::string only = *authority == ca::authority_kind::rsa ? "RSA-2048" : "P-256";
        for (const auto& t : types) {
            if (t != only) {
                k->fail("the " + row.authority + " authority issues only for " + only + " keys");
            }
        }
        row.key_types = ca::join_words(types);
    }
    row.default_validity = validity_seconds(p.at("defaultValidity"));
    row.max_validity = validity_seconds(p.at("maxValidity"));
    if (row.default_validity > row.max_validity) {
        p.at("defaultValidity").fail("must not exceed maxValidity");
    }
    if (auto r = p.find("requiredSubject")) {
        const auto names = string_list(*r);
        for (const auto& n : names) {
            if (!ca::parse_subject_attribute(n)) {
                r->fail("unknown subject attribute '" + n +
                        "' (CN, O, OU, C, L, ST, E, SERIALNUMBER or a dotted OID)");
            }
        }
        row.required_subject = ca::join_words(names);
    }
    if (auto k = p.find("keyUsage")) {
        const auto names = string_list(*k);
        if (!ca::parse_key_usage(names)) {
            k->fail("must list digitalSignature, nonRepudiation, keyEncipherment, "
                    "dataEncipherment or keyAgreement");
        }
        row.key_usage = ca::join_words(names);
    }
    if (auto k = p.find("extendedKeyUsage")) {
        const auto names = string_list(*k);
        if (!ca::parse_extended_key_usage(names)) {
            k->fail("must list serverAuth, clientAuth, codeSigning, emailProtection, "
                    "timeStamping, OCSPSigning or dotted OIDs");
        }
        row.extended_key_usage = ca::join_words(names);
    }
    if (auto m = p.find("manualAuthorization")) {
        row.manual_authorization = m->as_bool();
    }
    return row;
}

} // namespace

seed_emca parse_seed_emca(const json_node& n) {
    n.require_object({"users", "profiles"});
    seed_emca out;
    std::set<std::string> names, keys, profiles;
    if (auto users = n.find("users")) {
        for (std::size_t i = 0; i < users->array_size(); ++i) {
            auto u = parse_user((*users)[i]);
            if (!names.insert(u.row.user_name).second) {
                (*users)[i].at("userName").fail("duplicate userName '" + u.row.user_name + "'");
            }
            if (!keys.insert(u.row.api_key).second) {
                (*users)[i].at("emKey").fail("duplicate emKey");
            }
            out.users.push_back(std::move(u));
        }
    }
    if (auto list = n.find("profiles")) {
        for (std::size_t i = 0; i < list->array_size(); ++i) {
            auto p = parse_profile((*list)[i]);
            if (!profiles.insert(p.profile_id).second) {
                (*list)[i].at("profileId").fail("duplicate profileId '" + p.profile_id + "'");
            }
            out.profiles.push_back(std::move(p));
        }
    }
    return out;
}

void apply_seed_emca(storage::connection& db, const seed_emca& data, const ca::secret_box& secrets,
                     const std::function<void(bool)>& count) {
    for (const auto& u : data.users) {
        if (auto other = storage::emca::find_api_user_by_key(db, u.row.api_key);
            other && other->user_name != u.row.user_name) {
            throw std::runtime_error("emKey of user '" + u.row.user_name +
                                     "' already belongs to user '" + other->user_name + "'");
        }
        auto row = u.row;
        // A new salt only when the password changed: seeding twice writes nothing.
        const auto existing = storage::emca::find_api_user(db, row.user_name);
        row.password_hash =
            existing && ca::emca::verify_password(u.password, existing->password_hash)
                ? existing->password_hash
                : ca::emca::hash_password(u.password);
        row.aes_key_sealed = ca::reseal(secrets, existing ? &existing->aes_key_sealed : nullptr,
                                        u.aes_key, ca::emca::aes_key_context(row.user_name));
        bool changed = false;
        storage::emca::upsert_api_user(db, row, &changed);
        count(changed);
    }
    for (const auto& p : data.profiles) {
        bool changed = false;
        storage::emca::upsert_issuance_profile(db, p, &changed);
        count(changed);
    }
}

void issue_emca_fixtures(ca::engine& engine, const seed_emca& data, fixture_report& report) {
    for (const auto& u : data.users) {
        if (u.fixtures.empty()) {
            continue;
        }
        auto& reader = engine.store().reader();
        const auto user = storage::emca::find_api_user(reader, u.row.user_name);
        if (!user) {
            throw std::runtime_error("emCA user " + u.row.user_name + ": not found after seeding");
        }
        if (storage::emca::find_request_response(reader, user->id, k_fixture_application_id)) {
            continue; // seeded before: its fixtures exist
        }
        fixture_owner owner;
        owner.api = "emca";
        owner.name = "emCA user " + u.row.user_name;
        owner.common_name = u.row.user_name;
        const auto& clk = engine.clock();
        owner.bind = [user_id = user->id, &clk](storage::connection& db,
                                                const std::vector<ca::issued_certificate>& all) {
            // What create() records for an accepted call issued at once (ca/emca/
            // issuance_service.cpp), so that the emCA API finds the certificates as the user's.
            const auto now = clk.now_unix();
            const auto request =
                storage::emca::insert_request(db, user_id, k_fixture_application_id, now, "");
            ca::emca::batch_outcome outcome;
            for (std::size_t i = 0; i < all.size(); ++i) {
                storage::emca::issuance_item_row row;
                row.request = request;
                row.user = user_id;
                row.item_id = "fixture-" + std::to_string(i + 1);
                row.profile_id = std::string(ca::k_lab_fixture_profile);
                const std::string no_csr = "lab fixture: issued by localca seed, no CSR";
                row.csr.assign(no_csr.begin(), no_csr.end());
                row.not_before = ca::unix_seconds(all[i].not_before);
                row.validity = ca::unix_seconds(all[i].not_after) - *row.not_before;
                row.status = storage::emca::item_status::issued;
                row.cert_sn = all[i].sn;
                row.decided_at = now;
                storage::emca::insert_item(db, row);
                outcome.entries.push_back({row.item_id, all[i].der, std::nullopt});
            }
            storage::emca::set_request_response(
                db, request,
                server::emca::envelope_success(server::emca::outcome_result(outcome), std::nullopt,
                                               std::nullopt));
        };
        issue_owner_fixtures(engine, u.fixtures, owner, report);
    }
}

} // namespace localca::tools
