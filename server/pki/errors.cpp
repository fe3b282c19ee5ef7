#include "server/pki/errors.hpp"

#include <boost/json.hpp>

namespace localca::server::pki {

http::status status_of(ca::errc code) {
    using ca::errc;
    switch (code) {
    case errc::csr_malformed:
    case errc::csr_signature_invalid:
    case errc::key_not_allowed:
    case errc::signature_algorithm_not_allowed:
    case errc::subject_missing_cn:
    case errc::unknown_authority:
    case errc::validity_invalid:
    case errc::validity_exceeds_maximum:
    case errc::invalid_reason:
    case errc::decryption_failed:
    case errc::signed_data_malformed:
    case errc::signature_invalid:
    case errc::subject_attribute_missing:
    case errc::not_before_invalid:
    case errc::invalid_topic_filter:
        return http::status::bad_request;
    case errc::authentication_failed:
        return http::status::unauthorized;
    case errc::profile_not_found:
    case errc::request_not_found:
        return http::status::not_found;
    case errc::request_rejected:
        return http::status::conflict;
    case errc::device_not_found:
    case errc::certificate_not_found:
        return http::status::not_found;
    case errc::duplicate_subject:
    case errc::key_in_use:
    case errc::device_not_eligible:
    case errc::device_disabled:
    case errc::device_enabled:
    case errc::device_exists:
    case errc::product_not_found:
    case errc::certificate_not_bound:
    case errc::certificate_revoked:
    case errc::certificate_expired:
    case errc::already_revoked:
    case errc::certificate_bound_elsewhere:
        return http::status::conflict;
    case errc::internal:
        return http::status::internal_server_error;
    }
    return http::status::internal_server_error;
}

response error_response(const request& req, const ca::error& e) {
    boost::json::object body;
    body["code"] = ca::to_string(e.code);
    body["message"] = e.message;
    body["detail"] = e.detail;
    return json_response(req, status_of(e.code), boost::json::serialize(body));
}

} // namespace localca::server::pki
