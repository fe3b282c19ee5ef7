// The certificate profiles of emCA, decoded from their stored rows.
#include "ca/emca/issuance_service.hpp"

#include "ca/profile_names.hpp"
#include "storage/emca/api_user_repository.hpp"

namespace localca::ca::emca {

result<issuance_profile> issuance_service::find_profile(const std::string& profile_id) {
    const auto row = storage::emca::find_issuance_profile(m_engine.store().reader(), profile_id);
    if (!row) {
        return make_error(errc::profile_not_found, "profile not found",
                          "no certificate profile " + profile_id);
    }
    // Every name was validated when seeding; a row we cannot read is corrupt, not the caller's.
    const auto authority = parse_authority(row->authority);
    const auto ku = parse_key_usage(split_words(row->key_usage));
    const auto eku = parse_extended_key_usage(split_words(row->extended_key_usage));
    if (!authority || !ku || !eku) {
        return make_error(errc::internal, "internal error",
                          "certificate profile " + profile_id + " is corrupt");
    }
    issuance_profile p;
    p.profile_id = row->profile_id;
    p.authority = *authority;
    p.key_types = split_words(row->key_types);
    p.default_validity = std::chrono::seconds(row->default_validity);
    p.max_validity = std::chrono::seconds(row->max_validity);
    for (const auto& name : split_words(row->required_subject)) {
        const auto oid = parse_subject_attribute(name);
        if (!oid) {
            return make_error(errc::internal, "internal error",
                              "certificate profile " + profile_id + " is corrupt");
        }
        p.required_subject.push_back(*oid);
    }
    p.certificate.name = row->profile_id;
    if (*ku != Botan::NO_CONSTRAINTS) {
        p.certificate.key_usage = *ku;
    }
    p.certificate.extended_key_usage = *eku;
    p.manual_authorization = row->manual_authorization;
    return p;
}

} // namespace localca::ca::emca
