#include "server/foundry/errors.hpp"

#include <boost/json.hpp>

namespace localca::server::foundry {

namespace {

// The message and its detail: details are safe to show (ca/errc.hpp) and say which filter,
// certificate or device was the problem.
std::string with_detail(const ca::error& e) {
    return e.detail.empty() ? e.message : e.message + ": " + e.detail;
}

} // namespace

foundry_error from_errc(const ca::error& e) {
    using ca::errc;
    switch (e.code) {
    case errc::invalid_topic_filter:
        return {http::status::bad_request, with_detail(e)};
    case errc::certificate_not_found:
    case errc::device_not_found:
        return {http::status::not_found, with_detail(e)};
    case errc::certificate_not_bound:
    case errc::certificate_bound_elsewhere:
    case errc::certificate_revoked:
    case errc::certificate_expired:
    case errc::already_revoked:
        return {http::status::conflict, with_detail(e)};
    // Foundry requests carry no CSR, validity, authority, reason, profile or credentials of
    // these kinds: the server makes the key and picks the rest, so any of these is our failure.
    case errc::invalid_reason:
    case errc::csr_malformed:
    case errc::csr_signature_invalid:
    case errc::key_not_allowed:
    case errc::signature_algorithm_not_allowed:
    case errc::subject_missing_cn:
    case errc::unknown_authority:
    case errc::validity_invalid:
    case errc::validity_exceeds_maximum:
    case errc::duplicate_subject:
    case errc::key_in_use:
    case errc::device_not_eligible:
    case errc::device_disabled:
    case errc::device_enabled:
    case errc::device_exists:
    case errc::product_not_found:
    case errc::authentication_failed:
    case errc::decryption_failed:
    case errc::signed_data_malformed:
    case errc::signature_invalid:
    case errc::profile_not_found:
    case errc::subject_attribute_missing:
    case errc::not_before_invalid:
    case errc::request_not_found:
    case errc::request_rejected:
    case errc::internal:
        return {http::status::internal_server_error, "internal error"};
    }
    return {http::status::internal_server_error, "internal error"};
}

foundry_error bad_request(std::string message) {
    return {http::status::bad_request, std::move(message)};
}

foundry_error unauthorized() {
    return {http::status::unauthorized, "Unauthorized"};
}

response failure(const request& req, const foundry_error& e) {
    boost::json::object body;
    body["success"] = false;
    body["message"] = e.message;
    return json_response(req, e.status, boost::json::serialize(body));
}

} // namespace localca::server::foundry
