#include "ca/emca/issuance_items.hpp"

#include "ca/csr.hpp"
#include "ca/profile_names.hpp"

#include <algorithm>

namespace localca::ca::emca {

result<subject_key> check_item(const batch_item& item, const issuance_profile& profile) {
    auto sk = check_csr(item.csr, profile.authority);
    if (!sk) {
        auto e = sk.err();
        e.detail = "CSR " + item.id + ": " + e.detail;
        return e;
    }
    const auto type = key_type_of(sk->key_kind);
    if (!profile.key_types.empty() && std::find(profile.key_types.begin(), profile.key_types.end(),
                                                type) == profile.key_types.end()) {
        return make_error(errc::key_not_allowed, "key type not allowed",
                          "CSR " + item.id + ": profile " + profile.profile_id +
                              " does not allow " + type + " keys");
    }
    for (const auto& oid : profile.required_subject) {
        if (!sk->subject.has_field(oid)) {
            return make_error(errc::subject_attribute_missing, "subject attribute missing",
                              "CSR " + item.id + ": the subject has no " +
                                  oid.to_formatted_string());
        }
    }
    return sk;
}

issue_request issue_request_for(const issuance_profile& profile, subject_key sk,
                                std::chrono::seconds validity,
                                std::optional<std::chrono::system_clock::time_point> not_before) {
    issue_request r;
    r.api = "emca";
    r.authority = profile.authority;
    r.subject = std::move(sk);
    r.validity = validity;
    r.not_before = not_before;
    r.profile = profile.certificate;
    return r;
}

} // namespace localca::ca::emca
