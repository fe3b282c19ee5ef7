#include "ca/local_certificate.hpp"

#include <arpa/inet.h>

namespace localca::ca {

namespace {

bool is_ip(const std::string& s) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_email(const std::string& s) {
    const auto at = s.find('@');
    return at != std::string::npos && at > 0 && at + 1 < s.size() && s.find("://") == s.npos;
}

bool is_uri(const std::string& s) {
    return s.find("://") != std::string::npos;
}

} // namespace

certificate_profile local_profile(const local_certificate_request& req) {
    if (req.names.empty()) {
        throw std::invalid_argument("a local certificate needs at least one name");
    }
    certificate_profile p;
    p.name = "local";
    p.basic_constraints_critical = true;
    p.key_usage = req.ecdsa
                      ? Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE)
                      : Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT);
    p.extended_key_usage = {Botan::OID(req.client ? "1.3.6.1.5.5.7.3.2"    // clientAuth
                                                  : "1.3.6.1.5.5.7.3.1")}; // serverAuth
    bool email = false;
    for (const auto& name : req.names) {
        if (is_uri(name)) {
            p.uris.push_back(name);
        } else if (is_email(name)) {
            p.emails.push_back(name);
            email = true;
        } else if (is_ip(name)) {
            p.ip_addresses.push_back(name);
        } else if (valid_server_name(name)) {
            p.dns_names.push_back(name);
        } else {
            throw std::invalid_argument("'" + name +
                                        "' is not a DNS name, IP address, e-mail address or URI");
        }
    }
    if (email) {
        p.extended_key_usage.push_back(Botan::OID("1.3.6.1.5.5.7.3.4")); // emailProtection
    }
    return p;
}

result<local_credentials> issue_local_certificate(engine& e, const local_certificate_request& req) {
    issue_request issue;
    issue.authority = req.ecdsa ? authority_kind::ecc : authority_kind::rsa;
    issue.profile = local_profile(req);
    issue.valid_days = req.valid_days;
    issue.audit = req.audit;
    if (issue.audit.action.empty()) {
        issue.audit.action = "local-cert";
    }
    return issue_with_generated_key(e, std::move(issue), req.names.front(), k_local_organization);
}

} // namespace localca::ca
